{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['customer_id'],
        post_hook="{{ drop_customers_without_consumption() }}"
    )
}}
-- depends_on: {{ ref('stg_raw__consumption') }}
-- Each customer's first day of paid consumption and latest day of any consumption, of all
-- its days (int_customer_spend_daily): what the association rules' "cash spend before"
-- (int_association_events_validated) and the warnings' latest activity read, one row per
-- customer, instead of grouping every customer-day of history every run.
--
-- Incremental: a run writes the customers with a day on the consumption dates a load
-- changed since the previous build. Their kept bounds still hold unless a bound's own day
-- was rewritten (a corrected or withdrawn file of that date): only those customers look
-- among all their days again (one left with none is written as a row of nulls, which
-- replaces its kept row, and the post-hook deletes it). A day added can only move a first
-- day earlier or a latest day later, so the others combine the kept bounds with the
-- changed days. A day is one with consumption or payment: paid implies consumed.
{% set incremental = is_incremental() and builds_on_previous_run() %}
with

spend_days as (
    select * from {{ ref('int_customer_spend_daily') }}
),

{% if incremental %}
    changed_dates as (
        {{ changed_consumption_dates() }}
    ),

    kept as (
        select * from {{ this }}
    ),

    -- a kept bound on a rewritten date may be gone: all of the customer's days again
    rewritten as (
        select kept.customer_id from kept
        where
            kept.first_paid_date in (select changed_dates.usage_date from changed_dates)
            or kept.last_consumed_date in (select changed_dates.usage_date from changed_dates)
    ),

    changed_days as (
        select
            spend_days.customer_id,
            spend_days.activity_date,
            spend_days.paid,
            spend_days.consumed
        from spend_days
        where
            spend_days.consumed
            and (
                spend_days.activity_date in (select changed_dates.usage_date from changed_dates)
                or spend_days.customer_id in (select rewritten.customer_id from rewritten)
            )
    ),

    -- a kept row gives two days: its first paid one and its latest one
    kept_bounds as (
        select true as is_first
        union all
        select false as is_first
    ),

    days_looked_at as (
        select * from changed_days
        union all
        -- the kept bounds of the other customers with a changed day, a row each
        select
            kept.customer_id,
            case when bound.is_first then kept.first_paid_date else kept.last_consumed_date end
                as activity_date,
            bound.is_first as paid,
            not bound.is_first as consumed
        from kept
        cross join kept_bounds as bound
        where
            kept.customer_id in (select changed_days.customer_id from changed_days)
            and kept.customer_id not in (select rewritten.customer_id from rewritten)
        union all
        -- a rewritten customer is written even with no day left, so its old row goes
        select
            customer_id,
            cast(null as date) as activity_date,
            false as paid,
            false as consumed
        from rewritten
    ),
{% else %}
    days_looked_at as (
        select * from spend_days
        where consumed
    ),
{% endif %}

final as (
    select
        customer_id,
        min(case when paid then activity_date end) as first_paid_date,
        max(case when consumed then activity_date end) as last_consumed_date
    from days_looked_at
    group by customer_id
)

select * from final
