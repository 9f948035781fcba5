-- depends_on: {{ ref('int_transaction_changes') }}
-- depends_on: {{ ref('int_changed_inputs') }}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        pre_hook="{{ withdraw_board_revenue_days() }}"
    )
}}
-- 客户看板 breakdowns (S8), the revenue part: the eligible amount of each owner partner's
-- order, refund and consumption rows per day and dimension value (industry, region,
-- association_type, customer_kind, customer_manager; 'unknown' when missing), with the
-- customer's current industry, region and new/existing flag. customer_board_breakdown
-- reads it: grouping every customer-day five times took 1.7 s a run at 10M rows.
--
-- Incremental: a run recomputes the days of macro board_revenue_days (the days its rating
-- touched, and every day of a customer whose profile changed) and keeps the others.
{% set incremental = is_incremental() %}
with

incentives as (
    select * from {{ ref('int_customer_daily') }}
    {% if incremental %}
        where transaction_date in ({{ board_revenue_days() }})
    {% endif %}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

dimensions as (
    select 'industry' as dimension
    union all
    select 'region' as dimension
    union all
    select 'association_type' as dimension
    union all
    select 'customer_kind' as dimension
    union all
    select 'customer_manager' as dimension
),

transaction_values as (
    select
        incentives.owner_partner_id as partner_id,
        incentives.transaction_date,
        incentives.eligible_amount,
        dimensions.dimension,
        coalesce(case dimensions.dimension
            when 'industry' then customers.industry
            when 'region' then customers.region
            when 'association_type' then incentives.association_type
            when 'customer_kind' then case when customers.is_new_customer then 'new' else 'existing' end
            when 'customer_manager' then incentives.customer_manager_id
        end, 'unknown') as dimension_key
    from incentives
    cross join dimensions
    left join customers on incentives.customer_id = customers.customer_id
),

final as (
    select
        partner_id,
        dimension,
        dimension_key,
        transaction_date,
        cast(sum(eligible_amount) as decimal(18, 2)) as contributed_revenue
    from transaction_values
    group by partner_id, dimension, dimension_key, transaction_date
)

select * from final
