with

source as (
    select * from {{ source('raw', 'consumption') }}
),

renamed as (
    select
        cast(usage_date as date) as usage_date,
        cast(customer_id as string) as customer_id,
        cast(resource_id as string) as resource_id,
        cast(product_type as string) as product_type,
        cast(consumption_amount as decimal(18, 2)) as consumption_amount,
        cast(voucher_amount as decimal(18, 2)) as voucher_amount,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        cast(_partition_date as date) as _partition_date,
        cast(_load_id as bigint) as _load_id
    from source
)

select * from renamed
