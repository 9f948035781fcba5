with

source as (
    select * from {{ source('raw', 'incentive_policies') }}
),

renamed as (
    select
        cast(policy_id as varchar) as policy_id,
        cast(policy_name as varchar) as policy_name,
        cast(partner_type as varchar) as partner_type,
        cast(association_type as varchar) as association_type,
        cast(product_type as varchar) as product_type,
        cast(rate as decimal(9, 6)) as rate,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to
    from source
)

select * from renamed
