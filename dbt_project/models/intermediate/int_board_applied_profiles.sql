-- depends_on: {{ ref('int_board_revenue_daily') }}
-- The customer profiles (industry, region, new/existing) int_board_revenue_daily was built
-- with: the next build compares them with today's and moves the revenue of a customer whose
-- profile changed from its old dimension values to its new ones. Built after it.
with

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

final as (
    select
        customer_id,
        industry,
        region,
        is_new_customer
    from customers
)

select * from final
