with

source as (
    select * from {{ source('raw', 'huawei_statements') }}
),

renamed as (
    select
        cast(partner_id as string) as partner_id,
        cast(billing_period as string) as billing_period,
        cast(incentive_amount as decimal(18, 2)) as incentive_amount,
        cast(status as string) as status,
        cast(_file as string) as source_file,
        cast(_row_number as integer) as source_row
    from source
)

select * from renamed
