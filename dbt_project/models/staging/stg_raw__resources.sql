with

source as (
    select * from {{ source('raw', 'resources') }}
),

renamed as (
    select
        cast(resource_id as varchar) as resource_id,
        cast(customer_id as varchar) as customer_id,
        cast(product_type as varchar) as product_type,
        cast(billing_mode as varchar) as billing_mode,
        cast(start_date as date) as start_date,
        cast(expire_date as date) as expire_date,
        cast(status as varchar) as status
    from source
)

select * from renamed
