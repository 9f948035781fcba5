-- depends_on: {{ ref('int_transaction_changes') }}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['partner_id', 'dimension', 'dimension_key', 'transaction_date'],
        pre_hook="{{ withdraw_board_revenue_days() }}",
        post_hook="{{ drop_empty_board_groups() }}"
    )
}}
-- 客户看板 breakdowns (S8), the revenue part: the eligible amount of each owner partner's
-- order, refund and consumption rows per day and dimension value (industry, region,
-- association_type, customer_kind, customer_manager; 'unknown' when missing), with the
-- customer's current industry, region and new/existing flag, and the number of
-- customer-day rows (int_customer_daily) behind it. customer_board_breakdown reads it:
-- grouping every customer-day five times took 1.7 s a run at 10M rows.
--
-- Incremental: the days the rating touched (macro board_revenue_days) are recomputed whole
-- (a pre-hook deletes them); on the other days, a customer whose profile changed since the
-- previous build (int_board_applied_profiles) moves: its rows are subtracted under the old
-- profile and added under the new, and a value left without rows is deleted (post-hook).
{% set incremental = board_revenue_builds_on_previous() %}
with

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

{% if incremental %}
    recomputed_days as (
        {{ board_revenue_days() }}
    ),

    previous_profiles as (
        select * from {{ previous_relation('int_board_applied_profiles').include(database=false) }}
    ),

    -- absent on one side = no profile there (its rows counted as unknown / existing)
    changed_profiles as (
        select
            coalesce(customers.customer_id, previous_profiles.customer_id) as customer_id,
            previous_profiles.industry as previous_industry,
            previous_profiles.region as previous_region,
            previous_profiles.is_new_customer as previous_is_new_customer,
            customers.industry,
            customers.region,
            customers.is_new_customer
        from customers
        full outer join previous_profiles on customers.customer_id = previous_profiles.customer_id
        where
            customers.industry is distinct from previous_profiles.industry
            or customers.region is distinct from previous_profiles.region
            or customers.is_new_customer is distinct from previous_profiles.is_new_customer
    ),

    contributions as (
        -- the recomputed days, with today's profiles
        {{ board_contributions('left join', 'customers', '', 1, 'in') }}
        -- a customer whose profile changed, on the days kept: out of its old values...
        union all
        {{ board_contributions('inner join', 'changed_profiles', 'previous_', -1, 'not in') }}
        -- ...into its new ones
        union all
        {{ board_contributions('inner join', 'changed_profiles', '', 1, 'not in') }}
    ),
{% else %}
    contributions as (
        {{ board_contributions('left join', 'customers', '', 1) }}
    ),
{% endif %}

dimensions as (
    {{ board_dimensions() }}
),

transaction_values as (
    select
        contributions.owner_partner_id as partner_id,
        contributions.transaction_date,
        contributions.eligible_amount * contributions.sign as eligible_amount,
        contributions.sign,
        dimensions.dimension,
        {{ board_dimension_key('dimensions.dimension', 'contributions', 'contributions') }} as dimension_key
    from contributions
    cross join dimensions
),

grouped as (
    select
        partner_id,
        dimension,
        dimension_key,
        transaction_date,
        sum(eligible_amount) as contributed_revenue,
        sum(sign) as contributing_rows
    from transaction_values
    group by partner_id, dimension, dimension_key, transaction_date
),

final as (
    select
        grouped.partner_id,
        grouped.dimension,
        grouped.dimension_key,
        grouped.transaction_date,
        {% if incremental %}
            -- the recomputed days were deleted first: only moved values add to a kept one
            cast(coalesce(kept.contributed_revenue, 0) + grouped.contributed_revenue as decimal(18, 2))
                as contributed_revenue,
            cast(coalesce(kept.contributing_rows, 0) + grouped.contributing_rows as bigint)
                as contributing_rows
        {% else %}
            cast(grouped.contributed_revenue as decimal(18, 2)) as contributed_revenue,
            cast(grouped.contributing_rows as bigint) as contributing_rows
        {% endif %}
    from grouped
    {% if incremental %}
        left join {{ this }} as kept
            on
                grouped.partner_id = kept.partner_id
                and grouped.dimension = kept.dimension
                and grouped.dimension_key = kept.dimension_key
                and grouped.transaction_date = kept.transaction_date
    {% endif %}
)

select * from final
