-- depends_on: {{ ref('int_transaction_changes') }}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['transaction_date', 'group_key'],
        post_hook="{{ drop_empty_groups() }}"
    )
}}
-- The base incentive rows summed per day and every column the statements, the incentive
-- board, the indicators and the customer board group by: those marts read this table
-- (thousands of rows) instead of every transaction. Kept by difference (macro
-- delta_aggregate): a new day costs that day's rows.
{% set dimensions = incentive_day_dimensions() %}
with

final as (
    select * from {{ delta_aggregate(dimensions, ['eligible_amount', 'incentive_amount']) }} as aggregated
)

select * from final
{{ written_in_date_order('transaction_date') }}
