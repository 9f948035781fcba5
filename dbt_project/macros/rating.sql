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

{#- Rule 3 for many rows at once. An eligible amount e splits into its sign, its whole yuan
    w = floor(|e|) and its cents c = |e| - w (0.00-0.99). Under a rate r that is a whole
    percent (100 x r an integer), w x r has no fraction of a cent, so the row's rounded
    incentive round_money(e x r) is sign x (w x r + round_money(c x r)) (round_money rounds
    half away from zero: a refund mirrors its order). Rows that share a sign and cents
    therefore sum to sign x (sum of w x r + rows x round_money(c x r)): exactly the sum of
    their per-row amounts, with no row read. int_rated_amount_residues keeps these sums per
    half-month (`half_month_start`); the what-if rates whole half-months from them. -#}
{% macro amount_sign(amount) -%}
    case when {{ amount }} < 0 then -1 else 1 end
{%- endmacro %}

{% macro amount_whole_yuan(amount) -%}
    floor(abs({{ amount }}))
{%- endmacro %}

{% macro amount_cents(amount) -%}
    cast(abs({{ amount }}) - floor(abs({{ amount }})) as decimal(18, 2))
{%- endmacro %}

{#- The summed per-row incentive of `rows` rows of one sign and cents whose whole yuan sum
    to `whole_yuan`, under `rate` (a whole percent: other rates are not exact this way). -#}
{% macro rated_by_cents(sign, whole_yuan, cents, rows, rate) -%}
    {{ sign }} * ({{ whole_yuan }} * {{ rate }} + {{ rows }} * {{ round_money(cents ~ ' * ' ~ rate) }})
{%- endmacro %}

{#- Whether `rate` is a whole percent (rated_by_cents is exact for it). -#}
{% macro is_whole_percent(rate) -%}
    ({{ rate }} * 100 = floor({{ rate }} * 100))
{%- endmacro %}

{#- The half-month of a date, as its first day: the 1st (days 1-15) or the 16th (days 16 to
    the month's end). Policy versions start on the 1st or the 16th. -#}
{% macro half_month_start(day) -%}
    make_date(year({{ day }}), month({{ day }}), case when day({{ day }}) < 16 then 1 else 16 end)
{%- endmacro %}
