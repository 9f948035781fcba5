-- depends_on: {{ ref('int_transaction_changes') }}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['half_month_start', 'group_key'],
        post_hook="{{ drop_empty_groups() }}"
    )
}}
-- The base incentive rows per half-month (days 1-15 and 16 to the end) and rating
-- combination (settlement partner type, association type, product type), per settlement
-- partner, billing period and customer manager: their stored incentive, their whole yuan,
-- and for each whole percent k from 0 to 100 their cents rated at k% and rounded per row
-- (cents_rated_k). Rule 3 rounds each row half-up to the cent; under a whole-percent rate
-- the rows' sum is exactly whole yuan x rate + cents_rated_k (macros/rating.sql says why).
-- The what-if (pipelines/what_if.py) rates a half-month of a combination from it when the
-- scenario moves the whole half-month to one whole-percent rate, instead of row by row
-- (6.5M rows at 100M), and takes its actual column from it. Half-months: policy versions
-- start on the 1st or the 16th, so a change of rate on those days keeps whole half-months.
-- Kept by difference (macro delta_aggregate).
{% set dimensions = [
    'settlement_partner_id', 'billing_period', 'settlement_partner_type', 'association_type',
    'product_type', 'customer_manager_id', 'half_month_start'] %}
{% set expressions = {
    'half_month_start': half_month_start('transaction_date'),
    'whole_yuan': amount_whole_yuan('eligible_amount'),
} %}
{% set measures = ['incentive_amount', 'whole_yuan'] %}
{% for percent in range(101) %}
    {% do measures.append(cents_rated_column(percent) | trim) %}
    {% do expressions.update({cents_rated_column(percent) | trim: cents_rated('eligible_amount', percent)}) %}
{% endfor %}
with

final as (
    select *
    from {{ delta_aggregate(dimensions, measures, 'half_month_start', expressions) }} as aggregated
)

select * from final
-- a scenario reads one combination's rows: its groups are contiguous, then by half-month
-- for the incremental runs' reads of the half-months they touched
{{ written_in_date_order(
    'settlement_partner_type, association_type, product_type, half_month_start') }}
