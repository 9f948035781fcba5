-- Every customer's names, for the dashboards' searches: a name fragment is matched here,
-- among thousands of customers, and the details are then filtered by customer_id, instead
-- of matching text on every detail row.
with

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

final as (
    select
        customer_id,
        customer_name,
        account_name
    from customers
)

select * from final
