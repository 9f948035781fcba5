{{ config(materialized='view', tags=['same_every_day']) }}
-- Yearly/monthly orders as transactions, attributed point in time (macro attributed_orders,
-- rule 1); a transaction outside any association keeps a null owner. A view: the rating
-- attributes only the orders a run recomputes, with the same macro.
with

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

periods as (
    select * from {{ ref('int_association_periods') }}
),

final as (
    {{ attributed_orders('orders', 'periods') }}
)

select * from final
