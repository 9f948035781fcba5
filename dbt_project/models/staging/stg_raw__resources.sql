with

source as (
    select * from {{ source('raw', 'resources') }}
),

renamed as (
    select
        cast(resource_id as string) as resource_id,
        cast(customer_id as string) as customer_id,
        cast(product_type as string) as product_type,
        cast(billing_mode as string) as billing_mode,
        cast(start_date as date) as start_date,
        cast(expire_date as date) as expire_date,
        cast(status as string) as status
    from source
)

select * from renamed
