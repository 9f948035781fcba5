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

{#- Rule 3 for many rows at once. An eligible amount e is its whole yuan w (truncated toward
    zero) plus its cents c = e - w (-0.99 to 0.99, the sign of e). Under a rate r that is a
    whole percent (100 x r an integer), w x r has no fraction of a cent, so the row's rounded
    incentive round_money(e x r) is w x r + round_money(c x r): round_money rounds half away
    from zero, the same for e and for c. Summed over rows: sum(w) x r + sum(round_money(c x
    r)). int_incentive_half_months keeps sum(w) and, for each whole percent k from 0 to 100,
    sum(round_money(c x k%)) (`cents_rated(amount, k)`, column `cents_rated_column(k)`), per
    half-month: the what-if rates a whole half-month's rows at a whole percent from them
    (`rated_whole_percent`), exactly the sum of the rows' own amounts, with no row read. -#}
{% macro amount_whole_yuan(amount) -%}
    case when {{ amount }} < 0 then ceil({{ amount }}) else floor({{ amount }}) end
{%- endmacro %}

{#- A row's cents rated at `percent` % and rounded as rule 3 rounds (macro round_money). -#}
{% macro cents_rated(amount, percent) -%}
    {{ round_money('(' ~ amount ~ ' - ' ~ amount_whole_yuan(amount) ~ ') * ' ~ percent_rate(percent)) }}
{%- endmacro %}

{% macro cents_rated_column(percent) -%}
    cents_rated_{{ percent }}
{%- endmacro %}

{#- A whole percent as a rate, typed as the policies' rates (a literal: no division). -#}
{% macro percent_rate(percent) -%}
    cast({{ '%.2f' | format(percent / 100) }} as decimal(9, 6))
{%- endmacro %}

{#- The summed per-row incentive of rows whose whole yuan sum to `whole_yuan` and whose
    cents rated at the whole percent of `rate` sum to `cents_rated`. -#}
{% macro rated_whole_percent(whole_yuan, cents_rated, rate) -%}
    {{ whole_yuan }} * {{ rate }} + {{ cents_rated }}
{%- endmacro %}

{#- Whether `rate` is a whole percent from 0 to 100 (a column of int_incentive_half_months). -#}
{% macro is_whole_percent(rate) -%}
    ({{ rate }} * 100 = floor({{ rate }} * 100) and {{ rate }} between 0 and 1)
{%- endmacro %}

{#- The half-month of a date, as its first day: the 1st (days 1-15) or the 16th (days 16 to
    the month's end). Policy versions start on the 1st or the 16th. -#}
{% macro half_month_start(day) -%}
    make_date(year({{ day }}), month({{ day }}), case when day({{ day }}) < 16 then 1 else 16 end)
{%- endmacro %}
