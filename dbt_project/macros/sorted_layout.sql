{#- A table kept sorted by a search key (not by date), so that a search for a few keys reads
    the few row groups whose zone maps hold them. A full build writes it sorted; an
    incremental run appends its rows at the end (`in_sorted_part` false: the tail, which a
    search reads whole); once the tail exceeds a fraction of the table (dbt var
    `sorted_tail_fraction`, default 0.1: a tenth), the post-hook
    rewrites the table sorted. A rewrite costs the table, but it comes after a number of
    days proportional to the table: per day it costs about 1 / tail_fraction times the day's
    rows (docs/PERFORMANCE.md, "Searches"). On Spark the model is rebuilt whole each run
    (incremental_materialization): no tail, no rewrite. -#}
{#- A full build's rows, and an incremental run's appended rows, in `columns` order: at
    100M rows a day's groups fill several row groups, and sorted they hold a customer in
    one of them instead of in each. -#}
{% macro written_sorted_by(columns) -%}
    {%- if incremental_materialization() == 'incremental' -%}
        order by {{ columns }}
    {%- endif -%}
{%- endmacro %}

{% macro in_sorted_part() -%}
    {{ 'false' if is_incremental() else 'true' }}
{%- endmacro %}

{% macro compact_sorted_tail(columns) -%}
    {%- set tail_fraction = var('sorted_tail_fraction', 0.1) -%}
    {%- if is_incremental() and execute -%}
        {%- set counts = run_query(
            'select count(*) filter (where not in_sorted_part), count(*) from ' ~ this
        ).rows[0] -%}
        {%- if counts[0] > tail_fraction * counts[1] -%}
            create or replace table {{ this }} as
            select * replace (true as in_sorted_part) from {{ this }}
            order by {{ columns }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The (customer, day) pairs whose base incentive rows this incremental run rewrote: the
    rows it rated, and the rows it withdrew (int_transaction_changes). -#}
{% macro touched_customer_days() -%}
    select
        rated.customer_id,
        rated.transaction_date
    from {{ ref('int_transactions_rated') }} as rated
    where rated._written_by = '{{ invocation_id }}'
    union
    select
        changes.customer_id,
        changes.transaction_date
    from {{ ref('int_transaction_changes') }} as changes
    where changes.transaction_id is not null
{%- endmacro %}

{#- Pre-hook: the groups of the touched (customer, day) pairs go; the model appends them
    recomputed from their rows (a pair left without rows stays gone). -#}
{% macro withdraw_touched_customer_days() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        using ({{ touched_customer_days() }}) as touched
        where
            {{ this }}.customer_id = touched.customer_id
            and {{ this }}.transaction_date = touched.transaction_date
    {%- endif -%}
{%- endmacro %}
