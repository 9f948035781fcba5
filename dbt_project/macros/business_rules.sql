{#- The business date of the run (var `as_of`, YYYY-MM-DD). -#}
{% macro as_of() -%}
    cast('{{ var("as_of") }}' as date)
{%- endmacro %}

{#- The first instant after the as-of day: events strictly before it are "known as of". -#}
{% macro as_of_end() -%}
    cast(cast('{{ var("as_of") }}' as date) + interval 1 day as timestamp)
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
