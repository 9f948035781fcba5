{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['customer_id'],
        pre_hook="{{ withdraw_latest_snapshots_of_withdrawn() }}"
    )
}}
-- Each customer's latest balance snapshot of all (its date and figures): what the
-- sub-customers' balances and the warnings' latest snapshot read, one row per customer,
-- instead of grouping every snapshot of history (one a customer a day) every run.
--
-- Incremental: a run writes the customers of the snapshots a load wrote since the previous
-- build (a snapshot of a later date, or of the same date corrected, replaces the kept one)
-- and looks again among all snapshots of the customers whose snapshots a load withdrew
-- (their rows go first: pre-hook; one with no snapshot left gets none). Every other customer
-- keeps its row.
{% set incremental = is_incremental() and builds_on_previous_run() %}
with

balances as (
    select * from {{ ref('stg_raw__balances') }}
),

{% if incremental %}
    {% set seen = previous_watermark('balances') %}
{% endif %}

-- the snapshots a run looks among: all of them on a full build; else those loaded since
-- the previous build and every snapshot of the customers whose snapshots were withdrawn
looked_at as (
    select
        customer_id,
        snapshot_date,
        available_balance,
        credit_limit,
        discount_rate,
        1 as precedence
    from balances
    {% if incremental %}
        where
            _load_id > {{ seen }}
            or customer_id in ({{ customers_with_withdrawn_snapshots() }})
    {% endif %}
),

candidates as (
    select * from looked_at
    {% if incremental %}
        -- the kept row loses to a loaded snapshot of its date: the current version
        union all
        select
            kept.customer_id,
            kept.snapshot_date,
            kept.available_balance,
            kept.credit_limit,
            kept.discount_rate,
            0 as precedence
        from {{ this }} as kept
        where kept.customer_id in (select looked_at.customer_id from looked_at)
    {% endif %}
),

ranked as (
    select
        *,
        row_number() over (
            partition by customer_id order by snapshot_date desc, precedence desc
        ) as rank_of_snapshot
    from candidates
),

final as (
    select
        customer_id,
        snapshot_date,
        available_balance,
        credit_limit,
        discount_rate
    from ranked
    where rank_of_snapshot = 1
)

select * from final
