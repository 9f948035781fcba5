{{ config(materialized='view') }}
-- Every incentive row summed per day and grouping column, up to the as-of date: the base
-- rows from their kept aggregate (int_incentive_daily), the acceleration rows (one per
-- project) as they are. Statements, the board, the indicators and the customer board read
-- this, never the transactions. Nothing dated after the as-of date counts anywhere: it
-- waits for its day.
with

daily as (
    select * from {{ ref('int_incentive_daily') }}
),

accelerated as (
    select * from {{ ref('int_projects_accelerated') }}
),

final as (
    select
        settlement_partner_id,
        owner_partner_id,
        reseller_id,
        customer_manager_id,
        association_type,
        product_type,
        transaction_type,
        billing_mode,
        'base' as incentive_type,
        billing_period,
        transaction_date,
        eligible_amount,
        incentive_amount,
        detail_rows
    from daily
    where transaction_date <= {{ as_of() }}

    union all

    select
        settlement_partner_id,
        owner_partner_id,
        reseller_id,
        customer_manager_id,
        association_type,
        product_type,
        transaction_type,
        billing_mode,
        'acceleration' as incentive_type,
        billing_period,
        transaction_date,
        eligible_amount,
        incentive_amount,
        cast(1 as bigint) as detail_rows
    from accelerated
    where transaction_date <= {{ as_of() }}
)

select * from final
