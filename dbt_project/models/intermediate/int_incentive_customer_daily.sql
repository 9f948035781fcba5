-- depends_on: {{ ref('int_transaction_changes') }}
{{
    config(
        materialized=incremental_materialization(),
        tags=['whole_in_last_batch'],
        incremental_strategy='append',
        pre_hook="{{ withdraw_touched_customer_days() }}",
        post_hook="{{ compact_sorted_tail('customer_id, transaction_date') }}"
    )
}}
-- The base incentive rows counted and summed per customer, day and every other column the
-- details page filters by (those of int_incentive_daily): what the page totals and finds
-- its days by when a customer is searched. Kept sorted by customer (macros/sorted_layout.sql)
-- so that a search for a few customers reads their row groups, not every transaction
-- (139 ms -> 7 ms at 10M rows, docs/PERFORMANCE.md "Searches").
--
-- Incremental: the pre-hook deletes the groups of the (customer, day) pairs this run rated
-- or withdrew; the model appends those pairs' groups recomputed from their rows (the days'
-- rows only: the join passes their date range to the date-ordered rated table's scan).
-- No group key: the pairs are the unit of replacement.
{% set incremental = is_incremental() %}
with

{% if incremental %}
    touched as (
        {{ touched_customer_days() }}
    ),
{% endif %}

rated as (
    select rated.* from {{ ref('int_transactions_rated') }} as rated
    {% if incremental %}
        inner join touched
            on
                rated.customer_id = touched.customer_id
                and rated.transaction_date = touched.transaction_date
    {% endif %}
),

final as (
    select
        customer_id,
        {% for dimension in incentive_day_dimensions() %}
            {{ dimension }},
        {% endfor %}
        cast(sum(eligible_amount) as decimal(18, 2)) as eligible_amount,
        cast(sum(incentive_amount) as decimal(18, 2)) as incentive_amount,
        cast(count(*) as bigint) as detail_rows,
        {{ in_sorted_part() }} as in_sorted_part
    from rated
    group by
        customer_id,
        {% for dimension in incentive_day_dimensions() %}
            {{ dimension }}{% if not loop.last %},{% endif %}
        {% endfor %}
)

select * from final
{{ written_sorted_by('customer_id, transaction_date') }}
