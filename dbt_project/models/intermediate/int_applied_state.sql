-- depends_on: {{ ref('int_transactions_rated') }}
-- depends_on: {{ ref('int_customer_spend_daily') }}
-- depends_on: {{ ref('int_customer_warnings_evaluated') }}
-- depends_on: {{ ref('int_customer_latest_snapshot') }}
-- depends_on: {{ ref('int_customer_activity_bounds') }}
-- The inputs the rated transactions and the warnings were built from (int_rating_inputs,
-- int_warning_inputs) and the last load of each dated source they include. Built after
-- the models that read the previous state; the next build's int_changed_inputs and
-- int_changed_keys compare the inputs of their time with these.
with

inputs as (
    select * from {{ ref('int_state_inputs') }}
),

watermarks as (
    {% for source in ['orders', 'consumption', 'balances'] %}
        select
            'watermark' as kind,
            '{{ source }}' as state_key,
            cast(load_id as string) as fingerprint
        from ({{ load_watermark(source) }}) as loaded
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select * from inputs
    union all
    select
        kind,
        state_key,
        fingerprint,
        {{ no_state_detail_columns() }}
    from watermarks
)

select * from final
