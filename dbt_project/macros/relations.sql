{#- Refs and sources render without the catalog (database) name: DuckDB stores a view's
    SQL as written, and the warehouse file is built under one name and published under
    another (warehouse-<n>.duckdb), so a catalog-qualified view would break in every
    copy. Unqualified schema.table resolves against whichever file is open. -#}
{% macro ref() -%}
    {%- set relation = builtins.ref(*varargs, **kwargs) -%}
    {%- if relation is string -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(relation.include(database=false)) }}
{%- endmacro %}

{% macro source() -%}
    {%- set relation = builtins.source(*varargs, **kwargs) -%}
    {%- if relation is string -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(relation.include(database=false)) }}
{%- endmacro %}
