{#- The business date of the run (YYYY-MM-DD): the environment variable
    PARTNER_WAREHOUSE_AS_OF that every pipeline run sets, else the var `as_of` (unit tests,
    ad-hoc dbt commands). Not a --vars flag in production: dbt re-parses the whole project
    whenever --vars change, which would cost every daily run a full parse. -#}
{% macro as_of_text() -%}
    {{ env_var("PARTNER_WAREHOUSE_AS_OF", var("as_of")) }}
{%- endmacro %}

{% macro as_of() -%}
    cast('{{ as_of_text() }}' as date)
{%- endmacro %}

{#- The first instant after the as-of day: events strictly before it are "known as of". -#}
{% macro as_of_end() -%}
    cast(cast('{{ as_of_text() }}' as date) + interval 1 day as timestamp)
{%- endmacro %}

{#- A business parameter from the seed `business_parameters` (the one place they live). -#}
{% macro param(name, type="decimal(18, 4)") -%}
    (select cast(bp.value as {{ type }}) from {{ ref('business_parameters') }} as bp where bp.parameter = '{{ name }}')
{%- endmacro %}

{#- Billing period YYYYMM of a date or timestamp (times are Asia/Shanghai wall time). -#}
{% macro billing_period(expr) -%}
    {{ format_time(expr, '%Y%m') }}
{%- endmacro %}

{#- Money rounding: half-up (away from zero) to 0.01, as DECIMAL(18,2).
    DuckDB's round() on a DECIMAL rounds half away from zero (0.125 -> 0.13,
    -0.125 -> -0.13), so a refund is the exact mirror of its order. The unit test
    `money_rounds_half_up` on int_transactions_rated pins this down. -#}
{% macro round_money(expr) -%}
    cast(round(cast({{ expr }} as decimal(18, 8)), 2) as decimal(18, 2))
{%- endmacro %}

{#- The end of a period that may be open (null) as a far-future instant. Join conditions
    use this, never `end is null or t < end`: an OR in a join condition hides its equality
    keys from DuckDB's planner, which falls back to a nested-loop join (the attribution of
    10M consumption rows took minutes instead of 2 s). -#}
{% macro open_ended(expr, type="timestamp") -%}
    coalesce({{ expr }}, cast('9999-12-31' as {{ type }}))
{%- endmacro %}

{#- Rule 3: whether a policy version covers a row's settlement partner type, association
    type and product type on its transaction date (valid_to inclusive; empty is open). -#}
{% macro policy_covers(policy, row) -%}
    {{ row }}.settlement_partner_type = {{ policy }}.partner_type
    and {{ row }}.association_type = {{ policy }}.association_type
    and {{ row }}.product_type = {{ policy }}.product_type
    and {{ row }}.transaction_date >= {{ policy }}.valid_from
    and {{ row }}.transaction_date <= {{ open_ended(policy ~ '.valid_to', 'date') }}
{%- endmacro %}
