{{ config(materialized='view', tags=['same_every_day']) }}
-- The incentive detail rows counted and summed per day and per every column the details
-- page filters by, except the customer and the order number: the page's live total and
-- the index its pages are found by read this (grouped rows, not every transaction).
with

daily as (
    select * from {{ ref('int_incentives_by_day') }}
),

final as (
    select
        settlement_partner_id as partner_id,
        owner_partner_id,
        reseller_id,
        customer_manager_id,
        association_type,
        product_type,
        transaction_type,
        billing_mode,
        incentive_type,
        billing_period,
        cast(left(billing_period, 4) as integer) as year,
        transaction_date,
        eligible_amount,
        incentive_amount,
        detail_rows
    from daily
)

select * from final
