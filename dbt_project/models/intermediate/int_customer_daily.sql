-- depends_on: {{ ref('int_transaction_changes') }}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='delete+insert',
        unique_key=['transaction_date', 'group_key'],
        post_hook="{{ drop_empty_groups() }}"
    )
}}
-- The eligible amount of the base incentive rows per customer and day, with the owner, the
-- settlement partner, the manager and the association type: what the active-customer
-- indicator and the customer board's breakdowns need by customer (industry, region and
-- new/existing are joined where read: they change with the customer snapshot). Kept by
-- difference (macro delta_aggregate).
{% set dimensions = [
    'settlement_partner_id', 'owner_partner_id', 'customer_id', 'customer_manager_id',
    'association_type', 'billing_period', 'transaction_date'] %}
with

final as (
    select * from {{ delta_aggregate(dimensions, ['eligible_amount']) }} as aggregated
)

select * from final
{{ written_in_date_order('transaction_date') }}
