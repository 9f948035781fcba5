-- depends_on: {{ ref('int_transaction_changes') }}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        pre_hook=[
            "{{ withdraw_recomputed_transactions('orders') }}",
            "{{ withdraw_recomputed_transactions('consumption') }}",
        ]
    )
}}
-- Base incentive of every order, refund and consumption row: attributed point in time
-- (rule 1, macros/attribution.sql), with the settlement partner (a reseller's customers
-- settle to its distributor) and the policy in force on the transaction date for
-- (settlement partner type, association type, product type) (rule 3, macros/rating.sql,
-- the definition the what-if reuses). Rows outside any association are not kept.
--
-- Incremental: a run deletes the rows of the raw keys in int_transaction_changes (pre-hook)
-- and appends those keys recomputed; everything else stays as written.
{% set incremental = is_incremental() %}
with

{% if incremental %}
    changes as (
        select * from {{ ref('int_transaction_changes') }}
    ),

    changed_consumption as (
        select distinct
            resource_id,
            usage_date
        from changes
        where resource_id is not null
    ),
{% endif %}

periods as (
    select * from {{ ref('int_association_periods') }}
),

partners as (
    select * from {{ ref('int_partners_resolved') }}
),

policies as (
    select * from {{ ref('stg_raw__incentive_policies') }}
),

order_rows as (
    select * from {{ ref('stg_raw__orders') }}
    {% if incremental %}
        where order_no in (select changes.order_no from changes)
    {% endif %}
),

consumption_rows as (
    select consumption.* from {{ ref('stg_raw__consumption') }} as consumption
    {% if incremental %}
        {% set bounds = date_bounds(ref('int_transaction_changes'), 'usage_date') %}
        {% if bounds[0] is none %}
            where false
        {% else %}
            -- a hash join probed by the raw rows: a correlated EXISTS made DuckDB first
            -- collect the distinct keys of every raw row in the bounds (4 s at 10M rows)
            inner join changed_consumption
                on
                    consumption.resource_id = changed_consumption.resource_id
                    and consumption.usage_date = changed_consumption.usage_date
            where consumption.usage_date between date '{{ bounds[0] }}' and date '{{ bounds[1] }}'
        {% endif %}
    {% endif %}
),

orders_attributed as (
    {{ attributed_orders('order_rows', 'periods') }}
),

consumption_attributed as (
    {{ attributed_consumption('consumption_rows', 'periods') }}
),

transactions as (
    select
        {{ attributed_transaction_columns() }},
        source_key
    from orders_attributed
    where owner_partner_id is not null

    union all

    select
        {{ attributed_transaction_columns() }},
        source_key
    from consumption_attributed
    where owner_partner_id is not null
),

resolved as (
    select
        transactions.*,
        coalesce(partners.settlement_partner_id, transactions.owner_partner_id)
            as settlement_partner_id,
        partners.settlement_partner_type,
        partners.reseller_id
    from transactions
    left join partners on transactions.owner_partner_id = partners.partner_id
),

rated as (
    {{ policy_rated('resolved', 'policies') }}
),

final as (
    select
        rated.*,
        '{{ invocation_id }}' as _written_by
    from rated
)

select * from final
{{ written_in_date_order('transaction_date') }}
