{{
    config(
        materialized='view',
        tags=['whole_in_last_batch'],
        meta={'published_order': 'customer_id, transaction_date'}
    )
}}
-- The incentive detail rows counted and summed per customer, day and every column the
-- details page filters by (those of incentive_daily): what the details page totals and
-- finds its days by when a customer is searched. The base rows come from their kept
-- aggregate, sorted by customer (int_incentive_customer_daily), the acceleration rows (one
-- per project) as they are (macro incentive_groups_to_as_of). Spark publishes it as a
-- table written in `published_order`.
with

groups as (
    {{ incentive_groups_to_as_of(ref('int_incentive_customer_daily'), keys='customer_id') }}
),

final as (
    select
        customer_id,
        {{ day_group_columns() }}
    from groups
)

select * from final
