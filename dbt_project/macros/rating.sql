{#- Rule 3, the policy in force: the rows of `rows` (settlement_partner_type, association_type,
    product_type, transaction_date, eligible_amount) each with the policy version covering
    them (macro policy_covers), its rate and the base incentive rounded half-up per row.
    No policy: rate 0, row kept. Several matching versions: the one that started last wins
    (then the smallest policy_id).
    The one definition: int_transactions_rated rates the warehouse's rows with it, and the
    what-if (pipelines/what_if.py) renders it against a scenario's policy table. Only the
    macros of business_rules.sql may be called from here: the what-if renders this file
    with that one beside it, outside dbt. -#}
{% macro policy_rated(rows, policies) -%}
    with

    -- The policy is a function of (partner type, association type, product type, date):
    -- rank the candidates once per distinct combination, not once per transaction.
    rating_keys as (
        select distinct
            settlement_partner_type,
            association_type,
            product_type,
            transaction_date
        from {{ rows }}
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
        inner join {{ policies }} as policies on {{ policy_covers('policies', 'rating_keys') }}
    )

    select
        {{ rows }}.*,
        matched.policy_id,
        cast(coalesce(matched.rate, 0) as decimal(9, 6)) as rate,
        {{ round_money(rows ~ '.eligible_amount * coalesce(matched.rate, 0)') }}
            as incentive_amount
    from {{ rows }}
    left join matched
        on
            {{ rows }}.settlement_partner_type = matched.settlement_partner_type
            and {{ rows }}.association_type = matched.association_type
            and {{ rows }}.product_type = matched.product_type
            and {{ rows }}.transaction_date = matched.transaction_date
            and matched.match_rank = 1
{%- endmacro %}
