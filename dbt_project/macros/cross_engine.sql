{#- SQL that DuckDB and Spark spell differently, one macro per construct: `default__` is
    DuckDB (the reference engine), `spark__` is Spark SQL. Models call these and never
    branch on the engine themselves, so every model exists once. -#}

{#- An interval of n days / n months, to add to a date or timestamp. Month arithmetic is
    the same on both: 01-31 + 1 month = 02-28 (the month's last day). -#}
{% macro interval_days(n) -%}
    {{ return(adapter.dispatch('interval_days')(n)) }}
{%- endmacro %}

{% macro default__interval_days(n) -%}
    to_days({{ n }})
{%- endmacro %}

{% macro spark__interval_days(n) -%}
    make_dt_interval({{ n }})
{%- endmacro %}

{% macro interval_months(n) -%}
    {{ return(adapter.dispatch('interval_months')(n)) }}
{%- endmacro %}

{% macro default__interval_months(n) -%}
    to_months({{ n }})
{%- endmacro %}

{% macro spark__interval_months(n) -%}
    make_ym_interval(0, {{ n }})
{%- endmacro %}

{#- Whole days from `start` to `stop` (two dates): stop - start. -#}
{% macro days_between(start, stop) -%}
    {{ return(adapter.dispatch('days_between')(start, stop)) }}
{%- endmacro %}

{% macro default__days_between(start, stop) -%}
    ({{ stop }} - {{ start }})
{%- endmacro %}

{% macro spark__days_between(start, stop) -%}
    datediff({{ stop }}, {{ start }})
{%- endmacro %}

{#- A date or timestamp as text, the format written with strftime's codes
    (%Y %m %d %H %M %S %f). -#}
{% macro format_time(expr, format) -%}
    {{ return(adapter.dispatch('format_time')(expr, format)) }}
{%- endmacro %}

{% macro default__format_time(expr, format) -%}
    strftime({{ expr }}, '{{ format }}')
{%- endmacro %}

{% macro spark__format_time(expr, format) -%}
    date_format({{ expr }}, '{{ java_time_pattern(format) }}')
{%- endmacro %}

{#- Text to a timestamp, the format written with strftime's codes. -#}
{% macro parse_time(text, format) -%}
    {{ return(adapter.dispatch('parse_time')(text, format)) }}
{%- endmacro %}

{% macro default__parse_time(text, format) -%}
    strptime({{ text }}, '{{ format }}')
{%- endmacro %}

{% macro spark__parse_time(text, format) -%}
    to_timestamp({{ text }}, '{{ java_time_pattern(format) }}')
{%- endmacro %}

{#- strftime codes to Java DateTimeFormatter letters (Spark's date_format / to_timestamp). -#}
{% macro java_time_pattern(format) -%}
    {%- set codes = {'%Y': 'yyyy', '%m': 'MM', '%d': 'dd', '%H': 'HH', '%M': 'mm', '%S': 'ss', '%f': 'SSSSSS'} -%}
    {%- set pattern = namespace(text=format) -%}
    {%- for code, letters in codes.items() -%}
        {%- set pattern.text = pattern.text.replace(code, letters) -%}
    {%- endfor -%}
    {{- pattern.text -}}
{%- endmacro %}

{#- One row per step from `start` to `stop` inclusive (a set-returning select expression);
    the values are timestamps on both engines. -#}
{% macro time_series(start, stop, step) -%}
    {{ return(adapter.dispatch('time_series')(start, stop, step)) }}
{%- endmacro %}

{% macro default__time_series(start, stop, step) -%}
    unnest(generate_series({{ start }}, {{ stop }}, {{ step }}))
{%- endmacro %}

{% macro spark__time_series(start, stop, step) -%}
    explode(sequence(cast({{ start }} as timestamp), cast({{ stop }} as timestamp), {{ step }}))
{%- endmacro %}

{#- string_agg with the order of its parts. -#}
{% macro ordered_string_agg(expr, separator, order_by) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(expr, separator, order_by)) }}
{%- endmacro %}

{% macro default__ordered_string_agg(expr, separator, order_by) -%}
    string_agg({{ expr }}, {{ separator }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expr, separator, order_by) -%}
    string_agg({{ expr }}, {{ separator }}) within group (order by {{ order_by }})
{%- endmacro %}
