{#- An aggregate of int_transactions_rated by `dimensions`, with the sums of `measures`
    and a row count, kept up to date by difference: a run adds the rows the rating wrote in
    this invocation and subtracts the rows they replaced (int_transaction_changes), only
    for the groups they touch; a group whose count drops to 0 is deleted (post-hook
    `drop_empty_groups`). A full build groups every row. -#}
{% macro delta_aggregate(dimensions, measures) -%}
    {%- if is_incremental() -%}
        (
            with

            contributions as (
                select
                    {% for d in dimensions %}{{ d }}, {% endfor %}
                    {% for m in measures %}{{ m }}, {% endfor %}
                    1 as detail_rows
                from {{ ref('int_transactions_rated') }}
                where _written_by = '{{ invocation_id }}'
                union all
                select
                    {% for d in dimensions %}{{ d }}, {% endfor %}
                    {% for m in measures %}-{{ m }}, {% endfor %}
                    -1 as detail_rows
                from {{ ref('int_transaction_changes') }}
                where transaction_id is not null
            ),

            touched as (
                select
                    {{ group_key(dimensions) }} as group_key,
                    {% for d in dimensions %}{{ d }}, {% endfor %}
                    {% for m in measures %}sum({{ m }}) as {{ m }}, {% endfor %}
                    sum(detail_rows) as detail_rows
                from contributions
                group by {% for d in dimensions %}{{ d }}{% if not loop.last %}, {% endif %}{% endfor %}
            )

            select
                touched.group_key,
                {% for d in dimensions %}touched.{{ d }}, {% endfor %}
                {% for m in measures %}
                    cast(coalesce(existing.{{ m }}, 0) + touched.{{ m }} as decimal(18, 2)) as {{ m }},
                {% endfor %}
                coalesce(existing.detail_rows, 0) + touched.detail_rows as detail_rows
            from touched
            left join {{ this }} as existing on touched.group_key = existing.group_key
        )
    {%- else -%}
        (
            select
                {{ group_key(dimensions) }} as group_key,
                {% for d in dimensions %}{{ d }}, {% endfor %}
                {% for m in measures %}cast(sum({{ m }}) as decimal(18, 2)) as {{ m }}, {% endfor %}
                cast(count(*) as bigint) as detail_rows
            from {{ ref('int_transactions_rated') }}
            group by {% for d in dimensions %}{{ d }}{% if not loop.last %}, {% endif %}{% endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{% macro drop_empty_groups() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where detail_rows = 0
    {%- endif -%}
{%- endmacro %}

{#- A stable key of a group of columns (nulls included) for delete+insert of aggregates. -#}
{% macro group_key(columns) -%}
    md5(concat_ws('|', {% for column in columns %}coalesce(cast({{ column }} as string), '~'){% if not loop.last %}, {% endif %}{% endfor %}))
{%- endmacro %}

{#- Pre-hook of int_transactions_rated: the rows of every raw key this run recomputes go;
    the model appends the keys recomputed (a withdrawn key stays gone). -#}
{% macro withdraw_recomputed_transactions() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where source_key in (select changes.source_key from {{ ref('int_transaction_changes') }} as changes)
    {%- endif -%}
{%- endmacro %}
