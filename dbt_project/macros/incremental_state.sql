{#- Incremental processing (docs/RULES.md, "Incremental processing"). A run recomputes the
    transactions whose inputs changed since the last build: raw rows written by a later load
    (`_load_id` above the watermark), keys withdrawn since, customers whose association
    periods changed, owner partners whose settlement changed, and the dates a changed policy
    version covers. `int_transaction_changes` lists them with the rows they replace, the
    rating rewrites them, and the aggregates apply the difference. -#}

{#- Transaction-grain models are incremental on DuckDB. On Spark (Parquet tables, no row
    deletes) they are rebuilt whole each run: the same rows, more work. -#}
{% macro incremental_materialization() -%}
    {{ return(adapter.dispatch('incremental_materialization')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
    {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
    {{ return('table') }}
{%- endmacro %}

{#- A relation of this run's schema as the previous build left it (None if missing). Read
    without ref(): it is the state before this run, and a ref would make it a parent. -#}
{% macro previous_relation(name) -%}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=this.database, schema=this.schema, identifier=name)) }}
{%- endmacro %}

{#- Whether this run can build on the previous one: not a full refresh, an engine that
    increments, and the rated transactions and the state they were built from exist. -#}
{% macro builds_on_previous_run() -%}
    {%- if not execute or flags.FULL_REFRESH or incremental_materialization() != 'incremental' -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(previous_relation('int_transactions_rated') is not none
              and previous_relation('int_applied_state') is not none) }}
{%- endmacro %}

{#- The last load of `source` ('orders', 'consumption', 'balances') the previous build saw. -#}
{% macro previous_watermark(source) -%}
    {%- set seen = previous_state('watermark', source) -%}
    {{ return(seen | int if seen is not none else 0) }}
{%- endmacro %}

{#- `lo` and `hi` of a date column of a relation, as literals (None when it is empty), so a
    filter on them reaches the scan and skips row groups of other days (zone maps). -#}
{% macro date_bounds(relation, column) -%}
    {%- set result = run_query("select min(" ~ column ~ "), max(" ~ column ~ ") from " ~ relation) -%}
    {{ return(result.rows[0]) }}
{%- endmacro %}

{#- The newest load of a raw source: its current rows and its withdrawn keys. On Spark the
    models are rebuilt whole and the withdrawn keys are not exported: no watermark. -#}
{% macro load_watermark(source_name) -%}
    {{ return(adapter.dispatch('load_watermark')(source_name)) }}
{%- endmacro %}

{% macro default__load_watermark(source_name) -%}
    select coalesce(max(_load_id), 0) as load_id from (
        select _load_id from {{ source('raw', source_name) }}
        where {{ loaded_through(source_name) }}
        union all
        select _load_id from {{ source('raw_withdrawn', source_name) }}
        where {{ loaded_through(source_name) }}
    ) as loads
{%- endmacro %}

{#- The transaction sources a full build reads in batches (pipelines/dbt/assets.py,
    full_build_batches): a batch reads their loads up to PARTNER_WAREHOUSE_LOADED_THROUGH (a
    load id), the next one the loads after it, as a daily run reads a day's. Unset: every
    load. The dimensions are read whole in every batch, so a batch re-rates nothing an
    earlier one rated. `loaded_through(source)` is the predicate on `_load_id` of raw rows
    of `source` (`true` outside a batched build, and for the sources read whole). -#}
{% macro loaded_through(source_name, load_id='_load_id') -%}
    {%- set through = env_var('PARTNER_WAREHOUSE_LOADED_THROUGH', '') -%}
    {%- if through and source_name in ['orders', 'consumption'] -%}
        {{ load_id }} <= {{ through | int }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro spark__load_watermark(source_name) -%}
    select cast(0 as bigint) as load_id
{%- endmacro %}

{#- The last value of a state the previous build recorded in int_applied_state under
    (kind, state_key), as text (None when it recorded none). -#}
{% macro previous_state(kind, state_key) -%}
    {%- set relation = previous_relation('int_applied_state') -%}
    {%- set result = run_query(
        "select max(fingerprint) from " ~ relation.include(database=false)
        ~ " where kind = '" ~ kind ~ "' and state_key = '" ~ state_key ~ "'") -%}
    {{ return(result.columns[0].values()[0]) }}
{%- endmacro %}

{#- The usage dates of consumption rows written or withdrawn by a load the previous build
    had not seen: the days whose per-customer spend (int_customer_spend_daily) and whose
    warnings change. -#}
{% macro changed_consumption_dates() -%}
    {%- set seen = previous_watermark('consumption') -%}
    select usage_date from {{ ref('stg_raw__consumption') }} where _load_id > {{ seen }}
    union
    select usage_date from {{ source('raw_withdrawn', 'consumption') }}
    where _load_id > {{ seen }} and {{ loaded_through('consumption') }}
{%- endmacro %}
