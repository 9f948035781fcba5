-- depends_on: {{ ref('int_rating_inputs') }}
-- depends_on: {{ ref('stg_raw__orders') }}
-- depends_on: {{ ref('stg_raw__consumption') }}
-- The transactions this run recomputes (macros/incremental_state.sql), one row per raw key
-- (source_key) and, where the previous build had rated it, per transaction it produced,
-- with that row's values: the rating deletes these rows and writes the keys anew, and the
-- aggregates subtract the old values and add the new. Empty on a full build.
{% set incremental = builds_on_previous_run() %}
{% set old_columns = [
    'transaction_id', 'transaction_type', 'customer_id', 'owner_partner_id',
    'settlement_partner_id', 'reseller_id', 'customer_manager_id', 'association_type',
    'product_type', 'billing_mode', 'billing_period', 'transaction_date',
    'eligible_amount', 'incentive_amount'] %}
with

{% if incremental %}
    {% set rated = previous_relation('int_transactions_rated').include(database=false) %}
    {% set applied = previous_relation('int_applied_state').include(database=false) %}
    {% set orders_seen = previous_watermark('orders') %}
    {% set consumption_seen = previous_watermark('consumption') %}

    inputs as (
        select * from {{ ref('int_rating_inputs') }}
    ),

    applied as (
        select * from {{ applied }}
        where kind != 'watermark'
    ),

    -- new, changed or removed fingerprints: both versions of a changed one
    changed_inputs as (
        (select * from inputs except select * from applied)
        union
        (select * from applied except select * from inputs)
    ),

    changed_customers as (
        select state_key as customer_id from changed_inputs where kind = 'customer'
    ),

    changed_partners as (
        select state_key as partner_id from changed_inputs where kind = 'partner'
    ),

    changed_policies as (
        select * from changed_inputs where kind = 'policy'
    ),

    orders as (
        select * from {{ ref('stg_raw__orders') }}
    ),

    consumption as (
        select * from {{ ref('stg_raw__consumption') }}
    ),

    -- Each condition its own branch, no OR: a constant bound on _load_id reaches the scan,
    -- which then skips the row groups of earlier loads.
    order_keys as (
        select order_no from orders where _load_id > {{ orders_seen }}
        union
        select order_no from {{ source('raw_withdrawn', 'orders') }}
        where _load_id > {{ orders_seen }}
        union
        select orders.order_no
        from orders
        inner join changed_customers on orders.customer_id = changed_customers.customer_id
    ),

    consumption_keys as (
        select
            resource_id,
            usage_date
        from consumption
        where _load_id > {{ consumption_seen }}
        union
        select
            resource_id,
            usage_date
        from {{ source('raw_withdrawn', 'consumption') }}
        where _load_id > {{ consumption_seen }}
        union
        select
            consumption.resource_id,
            consumption.usage_date
        from consumption
        inner join changed_customers on consumption.customer_id = changed_customers.customer_id
    ),

    previous_rows as (
        select * from {{ rated }}
    ),

    previous_keys as (
        select
            source_key,
            order_no,
            resource_id,
            case when transaction_type = 'consumption' then transaction_date end as usage_date,
            customer_id,
            owner_partner_id,
            settlement_partner_type,
            association_type,
            product_type,
            transaction_date
        from previous_rows
    ),

    -- rated rows whose customer moved away, whose owner's settlement changed, or that a
    -- changed policy version covers (its old or its new dates)
    rated_keys as (
        select
            previous_keys.source_key,
            previous_keys.order_no,
            previous_keys.resource_id,
            previous_keys.usage_date
        from previous_keys
        inner join changed_customers on previous_keys.customer_id = changed_customers.customer_id
        union
        select
            previous_keys.source_key,
            previous_keys.order_no,
            previous_keys.resource_id,
            previous_keys.usage_date
        from previous_keys
        inner join changed_partners on previous_keys.owner_partner_id = changed_partners.partner_id
        union
        select
            previous_keys.source_key,
            previous_keys.order_no,
            previous_keys.resource_id,
            previous_keys.usage_date
        from previous_keys
        inner join changed_policies on {{ policy_covers('changed_policies', 'previous_keys') }}
    ),

    changed_keys as (
        select
            'order:' || order_no as source_key,
            order_no,
            cast(null as string) as resource_id,
            cast(null as date) as usage_date
        from order_keys
        union
        select
            'consumption:' || resource_id || ':' || {{ format_time('usage_date', '%Y-%m-%d') }} as source_key,
            cast(null as string) as order_no,
            resource_id,
            usage_date
        from consumption_keys
        union
        select * from rated_keys
    ),

    final as (
        select
            changed_keys.source_key,
            changed_keys.order_no,
            changed_keys.resource_id,
            changed_keys.usage_date,
            {% for column in old_columns %}
                previous_rows.{{ column }}{% if not loop.last %},{% endif %}
            {% endfor %}
        from changed_keys
        left join previous_rows on changed_keys.source_key = previous_rows.source_key
    )
{% else %}
    final as (
        select
            cast(null as string) as source_key,
            cast(null as string) as order_no,
            cast(null as string) as resource_id,
            cast(null as date) as usage_date,
            cast(null as string) as transaction_id,
            cast(null as string) as transaction_type,
            cast(null as string) as customer_id,
            cast(null as string) as owner_partner_id,
            cast(null as string) as settlement_partner_id,
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
    )
{% endif %}

select * from final
