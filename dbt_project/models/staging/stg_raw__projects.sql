with

source as (
    select * from {{ source('raw', 'projects') }}
),

renamed as (
    select
        cast(project_id as string) as project_id,
        cast(partner_id as string) as partner_id,
        cast(customer_id as string) as customer_id,
        cast(offering_name as string) as offering_name,
        cast(start_date as date) as start_date,
        cast(committee_approved_amount as decimal(18, 2)) as committee_approved_amount
    from source
)

select * from renamed
