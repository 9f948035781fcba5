-- The transactions this run recomputes, one row per raw key of int_changed_keys and, where
-- the previous build had rated it, per transaction it produced, with that row's values: the
-- rating deletes these rows and writes the keys anew, and the aggregates subtract the old
-- values and add the new. Empty on a full build.
{% set incremental = builds_on_previous_run() %}
{% set old_columns = [
    'transaction_id', 'transaction_type', 'customer_id', 'owner_partner_id',
    'settlement_partner_id', 'settlement_partner_type', 'reseller_id', 'customer_manager_id',
    'association_type', 'product_type', 'billing_mode', 'billing_period', 'transaction_date',
    'eligible_amount', 'incentive_amount'] %}
with

changed_keys as (
    select * from {{ ref('int_changed_keys') }}
),

{% if incremental %}
    {% set rated = previous_relation('int_transactions_rated').include(database=false) %}
    {% set bounds = date_bounds(ref('int_changed_keys'), 'usage_date') %}
    -- the rows they replace: the few changed keys probe the rated table, which is never
    -- hashed whole. A consumption key's rows are dated its usage date, so only the row
    -- groups of the changed days are read; orders and refunds are few.
    replaced_rows as (
        select previous_rows.*
        from {{ rated }} as previous_rows
        inner join changed_keys on previous_rows.source_key = changed_keys.source_key
        where previous_rows.transaction_type != 'consumption'
        {% if bounds[0] is not none %}
            union all
            select previous_rows.*
            from {{ rated }} as previous_rows
            inner join changed_keys
                on
                    previous_rows.source_key = changed_keys.source_key
                    and previous_rows.transaction_date = changed_keys.usage_date
            where
                previous_rows.transaction_type = 'consumption'
                and previous_rows.transaction_date between date '{{ bounds[0] }}' and date '{{ bounds[1] }}'
        {% endif %}
    ),
{% else %}
    replaced_rows as (
        select
            cast(null as string) as source_key,
            cast(null as string) as transaction_id,
            cast(null as string) as transaction_type,
            cast(null as string) as customer_id,
            cast(null as string) as owner_partner_id,
            cast(null as string) as settlement_partner_id,
            cast(null as string) as settlement_partner_type,
            cast(null as string) as reseller_id,
            cast(null as string) as customer_manager_id,
            cast(null as string) as association_type,
            cast(null as string) as product_type,
            cast(null as string) as billing_mode,
            cast(null as string) as billing_period,
            cast(null as date) as transaction_date,
            cast(null as decimal(18, 2)) as eligible_amount,
            cast(null as decimal(18, 2)) as incentive_amount
        where 1 = 0
    ),
{% endif %}

final as (
    select
        changed_keys.source_key,
        changed_keys.order_no,
        changed_keys.resource_id,
        changed_keys.usage_date,
        {% for column in old_columns %}
            replaced_rows.{{ column }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from changed_keys
    left join replaced_rows on changed_keys.source_key = replaced_rows.source_key
)

select * from final
