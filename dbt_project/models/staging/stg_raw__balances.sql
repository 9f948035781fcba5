with

source as (
    select * from {{ source('raw', 'balances') }}
),

renamed as (
    select
        cast(snapshot_date as date) as snapshot_date,
        cast(customer_id as string) as customer_id,
        cast(available_balance as decimal(18, 2)) as available_balance,
        cast(credit_limit as decimal(18, 2)) as credit_limit,
        cast(discount_rate as decimal(9, 6)) as discount_rate,
        cast(_load_id as bigint) as _load_id
    from source
)

select * from renamed
