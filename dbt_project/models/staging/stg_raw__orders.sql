with

source as (
    select * from {{ source('raw', 'orders') }}
    -- a batch of a full build reads the loads up to its last (macros/incremental_state.sql)
    where {{ loaded_through('orders') }}
),

renamed as (
    select
        cast(order_no as string) as order_no,
        cast(customer_id as string) as customer_id,
        cast(product_type as string) as product_type,
        cast(product_name as string) as product_name,
        cast(order_time as timestamp) as order_time,
        cast(list_amount as decimal(18, 2)) as list_amount,
        cast(discount_amount as decimal(18, 2)) as discount_amount,
        cast(voucher_amount as decimal(18, 2)) as voucher_amount,
        cast(paid_amount as decimal(18, 2)) as paid_amount,
        cast(order_status as string) as order_status,
        cast(refund_time as timestamp) as refund_time,
        cast(refund_amount as decimal(18, 2)) as refund_amount,
        cast(project_id as string) as project_id,
        cast(_load_id as bigint) as _load_id
    from source
)

select * from renamed
