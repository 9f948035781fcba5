-- depends_on: {{ ref('int_changed_inputs') }}
-- depends_on: {{ ref('int_changed_customers') }}
-- depends_on: {{ ref('stg_raw__orders') }}
-- depends_on: {{ ref('stg_raw__consumption') }}
-- The raw keys this run recomputes (macros/incremental_state.sql): one row per source_key
-- (order:<order_no>, consumption:<resource_id>:<usage_date>). A table of its own, so that
-- int_transaction_changes joins the rated transactions to a few keys DuckDB knows are few.
-- Empty on a full build.
{% set incremental = builds_on_previous_run() %}
with

{% if incremental %}
    {% set rated = previous_relation('int_transactions_rated').include(database=false) %}
    {% set orders_seen = previous_watermark('orders') %}
    {% set consumption_seen = previous_watermark('consumption') %}
    {#- the earliest day a changed association reaches back to, as a literal: the scans of
        the raw consumption and of the rated rows skip the row groups of earlier days -#}
    {% set changed_since = date_bounds(ref('int_changed_customers'), 'changed_from')[0] %}
    {% set since = "cast('" ~ (changed_since or '9999-12-31') ~ "' as date)" %}

    -- new, changed or removed fingerprints: both versions of a changed one
    changed_inputs as (
        select * from {{ ref('int_changed_inputs') }}
    ),

    changed_customers as (
        select * from {{ ref('int_changed_customers') }}
    ),

    changed_partners as (
        select state_key as partner_id from changed_inputs
        where kind = 'partner'
    ),

    changed_policies as (
        select * from changed_inputs
        where kind = 'policy'
    ),

    -- Each condition its own branch, no OR, and the large relations read where they are
    -- used, never as a shared CTE (DuckDB would copy them whole): a constant bound on
    -- _load_id then reaches the scan, which skips the row groups of earlier loads.
    order_keys as (
        select order_no from {{ ref('stg_raw__orders') }}
        where _load_id > {{ orders_seen }}
        union
        select order_no from {{ source('raw_withdrawn', 'orders') }}
        where _load_id > {{ orders_seen }} and {{ loaded_through('orders') }}
        union
        -- an order and its refund are attributed at their own instants: only those from
        -- the changed day on may change owner
        select orders.order_no
        from {{ ref('stg_raw__orders') }} as orders
        inner join changed_customers
            on
                orders.customer_id = changed_customers.customer_id
                and cast(greatest(orders.order_time, coalesce(orders.refund_time, orders.order_time)) as date)
                >= changed_customers.changed_from
    ),

    consumption_keys as (
        select
            resource_id,
            usage_date
        from {{ ref('stg_raw__consumption') }}
        where _load_id > {{ consumption_seen }}
        union
        select
            resource_id,
            usage_date
        from {{ source('raw_withdrawn', 'consumption') }}
        where _load_id > {{ consumption_seen }} and {{ loaded_through('consumption') }}
        union
        select
            consumption.resource_id,
            consumption.usage_date
        from {{ ref('stg_raw__consumption') }} as consumption
        inner join changed_customers
            on
                consumption.customer_id = changed_customers.customer_id
                and consumption.usage_date >= changed_customers.changed_from
        where consumption.usage_date >= {{ since }}
    ),

    -- rated rows whose customer moved away (from the day it changed on), whose owner's
    -- settlement changed, or that a changed policy version covers (its old or its new dates)
    rated_keys as (
        {% for condition in [
            "inner join changed_customers on previous_rows.customer_id = changed_customers.customer_id
            and previous_rows.transaction_date >= changed_customers.changed_from
            where previous_rows.transaction_date >= " ~ since,
            "inner join changed_partners on previous_rows.owner_partner_id = changed_partners.partner_id",
            "inner join changed_policies on " ~ policy_covers('changed_policies', 'previous_rows'),
        ] %}
            select
                previous_rows.source_key,
                previous_rows.order_no,
                previous_rows.resource_id,
                case
                    when previous_rows.transaction_type = 'consumption' then previous_rows.transaction_date
                end as usage_date
            from {{ rated }} as previous_rows
            {{ condition }}
            {% if not loop.last %}union{% endif %}
        {% endfor %}
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
        select * from changed_keys
    )
{% else %}
    final as (
        select
            cast(null as string) as source_key,
            cast(null as string) as order_no,
            cast(null as string) as resource_id,
            cast(null as date) as usage_date
        where 1 = 0
    )
{% endif %}

select * from final
