{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        pre_hook="{{ withdraw_changed_spend_days() }}"
    )
}}
-- Consumption per customer and usage date: the paid amount ("spend" of rule 6) and whether
-- anything was consumed or paid (activity). The warnings read their spend windows and last
-- activity here, a row per customer-day instead of a row per resource-day (2.8M rows
-- instead of 10M at 10M consumption rows).
--
-- Incremental: a run deletes the usage dates a load changed since the previous build
-- (pre-hook, macro changed_consumption_dates) and appends those dates recomputed.
with

consumption as (
    select * from {{ ref('stg_raw__consumption') }}
    {% if is_incremental() %}
        where usage_date in ({{ changed_consumption_dates() }})
    {% endif %}
),

final as (
    select
        customer_id,
        usage_date as activity_date,
        cast(sum(paid_amount) as decimal(18, 2)) as spend,
        bool_or(consumption_amount > 0 or paid_amount > 0) as consumed,
        bool_or(paid_amount > 0) as paid
    from consumption
    group by customer_id, usage_date
)

select * from final
