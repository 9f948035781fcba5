with

source as (
    select * from {{ source('raw', 'customers') }}
),

renamed as (
    select
        cast(customer_id as varchar) as customer_id,
        cast(customer_name as varchar) as customer_name,
        cast(account_name as varchar) as account_name,
        cast(account_created_at as timestamp) as account_created_at,
        cast(industry as varchar) as industry,
        cast(region as varchar) as region,
        cast(is_new_customer as boolean) as is_new_customer
    from source
)

select * from renamed
