-- depends_on: {{ ref('int_transaction_changes') }}
{{
    config(
        materialized=incremental_materialization(),
        incremental_strategy='append',
        pre_hook="{{ withdraw_recomputed_transactions() }}"
    )
}}
-- Base incentive of every order, refund and consumption row: attributed point in time
-- (rule 1, macros/attribution.sql), with the settlement partner (a reseller's customers
-- settle to its distributor) and the policy in force on the transaction date for
-- (settlement partner type, association type, product type) (rule 3). No policy: rate 0,
-- row kept. Several matching versions: the one that started last wins (then the smallest
-- policy_id). Rows outside any association are not kept.
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

-- The policy is a function of (partner type, association type, product type, date): rank
-- the candidates once per distinct combination, not once per transaction.
rating_keys as (
    select distinct
        settlement_partner_type,
        association_type,
        product_type,
        transaction_date
    from resolved
),

matched as (
    select
        rating_keys.settlement_partner_type,
        rating_keys.association_type,
        rating_keys.product_type,
        rating_keys.transaction_date,
        policies.policy_id,
        policies.rate,
        row_number() over (
            partition by
                rating_keys.settlement_partner_type,
                rating_keys.association_type,
                rating_keys.product_type,
                rating_keys.transaction_date
            order by policies.valid_from desc, policies.policy_id asc
        ) as match_rank
    from rating_keys
    inner join policies on {{ policy_covers('policies', 'rating_keys') }}
),

final as (
    select
        resolved.*,
        matched.policy_id,
        cast(coalesce(matched.rate, 0) as decimal(9, 6)) as rate,
        {{ round_money('resolved.eligible_amount * coalesce(matched.rate, 0)') }}
            as incentive_amount,
        '{{ invocation_id }}' as _written_by
    from resolved
    left join matched
        on
            resolved.settlement_partner_type = matched.settlement_partner_type
            and resolved.association_type = matched.association_type
            and resolved.product_type = matched.product_type
            and resolved.transaction_date = matched.transaction_date
            and matched.match_rank = 1
)

select * from final
