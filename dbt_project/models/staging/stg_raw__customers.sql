with

source as (
    select * from {{ source('raw', 'customers') }}
),

renamed as (
    select
        cast(customer_id as string) as customer_id,
        cast(customer_name as string) as customer_name,
        cast(account_name as string) as account_name,
        cast(account_created_at as timestamp) as account_created_at,
        cast(industry as string) as industry,
        cast(region as string) as region,
        cast(is_new_customer as boolean) as is_new_customer
    from source
)

select * from renamed
