{{ config(materialized='view', tags=['same_every_day']) }}
-- The incentive detail rows counted and summed per day and per every column the details
-- page filters by, except the customer and the order number: the page's live total and
-- the index its pages are found by read this (grouped rows, not every transaction).
with

daily as (
    select * from {{ ref('int_incentives_by_day') }}
),

final as (
    select {{ day_group_columns() }}
    from daily
)

select * from final
