-- Base incentive of every attributed order, refund and consumption row: resolve the
-- settlement partner (a reseller's customers settle to its distributor), the supervisor of
-- the customer manager, and the policy in force on the transaction date for (settlement
-- partner type, association type, product type). No policy: rate 0, row kept. Several
-- matching versions: the one that started last wins (then the smallest policy_id).
with

orders as (
    select * from {{ ref('int_orders_attributed') }}
),

consumption as (
    select * from {{ ref('int_consumption_attributed') }}
),

partners as (
    select * from {{ ref('int_partners_resolved') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

policies as (
    select * from {{ ref('stg_raw__incentive_policies') }}
),

transactions as (
    select
        {{ attributed_transaction_columns() }}
    from orders
    where owner_partner_id is not null

    union all

    select
        {{ attributed_transaction_columns() }}
    from consumption
    where owner_partner_id is not null
),

resolved as (
    select
        transactions.*,
        coalesce(partners.settlement_partner_id, transactions.owner_partner_id)
            as settlement_partner_id,
        partners.settlement_partner_type,
        partners.reseller_id,
        staff.supervisor_id
    from transactions
    left join partners on transactions.owner_partner_id = partners.partner_id
    left join staff on transactions.customer_manager_id = staff.staff_id
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
    inner join policies
        on
            rating_keys.settlement_partner_type = policies.partner_type
            and rating_keys.association_type = policies.association_type
            and rating_keys.product_type = policies.product_type
            and rating_keys.transaction_date >= policies.valid_from
            and rating_keys.transaction_date <= {{ open_ended('policies.valid_to', 'date') }}
),

final as (
    select
        resolved.*,
        matched.policy_id,
        cast(coalesce(matched.rate, 0) as decimal(9, 6)) as rate,
        {{ round_money('resolved.eligible_amount * coalesce(matched.rate, 0)') }}
            as incentive_amount
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
