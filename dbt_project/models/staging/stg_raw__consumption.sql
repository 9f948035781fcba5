with

source as (
    select * from {{ source('raw', 'consumption') }}
    -- a batch of a full build reads the loads up to its last (macros/incremental_state.sql)
    where {{ loaded_through('consumption') }}
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
