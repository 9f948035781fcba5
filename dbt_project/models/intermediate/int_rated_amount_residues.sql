-- depends_on: {{ ref('int_transaction_changes') }}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['half_month_start', 'group_key'],
        post_hook="{{ drop_empty_groups() }}"
    )
}}
-- The base incentive rows counted per rating combination, half-month and cents of their
-- eligible amount: for each settlement partner, billing period, half-month (days 1-15 and
-- 16-end), partner type, association type, product type, customer manager, sign of the
-- eligible amount and its cents (the amount's fraction of a yuan, 0.00-0.99), the rows, the
-- sum of their whole yuan and of their stored incentive. Rule 3 rounds each row half-up to
-- the cent, so the rows' sum under a whole-percent rate is, exactly, the groups' macro
-- rated_by_cents (macros/rating.sql, beside policy_rated, which says why): the what-if
-- (pipelines/what_if.py) rates a half-month's rows at once this way when the scenario
-- changes their whole half-month to one whole-percent rate, instead of row by row (6.5M rows
-- at 100M). Half-months: policy versions start on the 1st or the 16th, so a change of rate
-- on those days keeps whole half-months. Kept by difference (macro delta_aggregate).
{% set dimensions = [
    'settlement_partner_id', 'billing_period', 'settlement_partner_type', 'association_type',
    'product_type', 'customer_manager_id', 'eligible_sign', 'eligible_cents',
    'half_month_start'] %}
{% set expressions = {
    'half_month_start': half_month_start('transaction_date'),
    'eligible_sign': amount_sign('eligible_amount'),
    'eligible_cents': amount_cents('eligible_amount'),
    'whole_yuan': amount_whole_yuan('eligible_amount'),
} %}
with

final as (
    select *
    from {{ delta_aggregate(
        dimensions, ['whole_yuan', 'incentive_amount'], 'half_month_start', expressions) }} as aggregated
)

select * from final
-- a scenario reads one combination's rows: its groups are contiguous, then by half-month
-- for the incremental runs' reads of the half-months they touched
{{ written_in_date_order(
    'settlement_partner_type, association_type, product_type, half_month_start') }}
