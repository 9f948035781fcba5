{#- Spark reads the raw layer from Parquet and publishes its tables as Parquet.

    Ingestion (Python: validation, quarantine, upsert) always writes the raw tables of the
    DuckDB working file. For Spark the run then exports each raw table to
    `<lake>/raw/<table>/` (Parquet: an open format both engines read, typed, with the
    DECIMAL(18,2) money and naive timestamps intact), and these macros
    1. register those folders as the tables of schema `raw` before dbt builds (sources
       stay `source('raw', ...)` in every model), and
    2. after the build, write every mart and seed to `<lake>/published/<schema>/<table>/`,
       which the run copies into the DuckDB file it publishes (pipelines/spark.py).
    `<lake>` is the environment variable PARTNER_WAREHOUSE_LAKE: a local folder here, an
    object-store URI (s3a://...) on a cluster. On DuckDB both render nothing. -#}

{% macro lake_root() -%}
    {{- env_var('PARTNER_WAREHOUSE_LAKE', '../data/lake') -}}
{%- endmacro %}

{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
{%- endmacro %}

{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- do run_query('create database if not exists raw') -%}
        {%- for source in graph.sources.values() if source.source_name == 'raw' -%}
            {#- re-created on every run: an external table over the folder, so dropping it
                leaves the files, and Spark lists the folder afresh -#}
            {%- do run_query('drop table if exists raw.' ~ source.identifier) -%}
            {%- do run_query(
                'create table raw.' ~ source.identifier ~ " using parquet location '"
                ~ lake_root() ~ '/raw/' ~ source.identifier ~ "'"
            ) -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{% macro export_published_tables() -%}
    {{ return(adapter.dispatch('export_published_tables')()) }}
{%- endmacro %}

{% macro default__export_published_tables() -%}
{%- endmacro %}

{% macro spark__export_published_tables() -%}
    {%- if execute and flags.WHICH in ('build', 'run', 'seed') -%}
        {%- for result in results if result.status == 'success' -%}
            {%- set node = result.node -%}
            {%- if node.resource_type in ('model', 'seed') and node.schema in ('marts', 'seeds') -%}
                {%- do run_query(
                    "insert overwrite directory '" ~ lake_root() ~ '/published/' ~ node.schema
                    ~ '/' ~ node.alias ~ "' using parquet select * from "
                    ~ node.schema ~ '.' ~ node.alias
                    ~ (' order by ' ~ node.meta.published_order if node.meta.published_order else '')
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}
