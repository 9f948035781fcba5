{#- An aggregate of int_transactions_rated by `dimensions`, with the sums of `measures`
    and a row count, kept up to date by difference: a run adds the rows the rating wrote in
    this invocation and subtracts the rows they replaced (int_transaction_changes), only
    for the groups they touch; a group whose count drops to 0 is deleted (post-hook
    `drop_empty_groups`). A full build groups every row. `expressions` gives the SQL of a
    dimension or measure computed from a transaction's columns (the columns of
    int_transaction_changes), by name; the others are the column itself. `dimensions`
    include `key_column`, a date: the groups are found by (key_column, group_key), so a run
    reads the row groups of the days it touched. `_written_by` names the invocation that
    last wrote a group, so that what is built on the aggregate finds the groups a run
    touched. -#}
{% macro delta_aggregate(dimensions, measures, key_column='transaction_date', expressions={}) -%}
    {%- if is_incremental() -%}
        (
            with

            contributions as (
                select
                    {% for d in dimensions %}{{ expressions.get(d, d) }} as {{ d }}, {% endfor %}
                    {% for m in measures %}{{ expressions.get(m, m) }} as {{ m }}, {% endfor %}
                    1 as detail_rows
                from {{ ref('int_transactions_rated') }}
                where _written_by = '{{ invocation_id }}'
                union all
                select
                    {% for d in dimensions %}{{ expressions.get(d, d) }} as {{ d }}, {% endfor %}
                    {% for m in measures %}-({{ expressions.get(m, m) }}) as {{ m }}, {% endfor %}
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
                coalesce(existing.detail_rows, 0) + touched.detail_rows as detail_rows,
                '{{ invocation_id }}' as _written_by
            from touched
            left join {{ this }} as existing
                on
                    touched.{{ key_column }} = existing.{{ key_column }}
                    and touched.group_key = existing.group_key
        )
    {%- else -%}
        (
            select
                {{ group_key(dimensions) }} as group_key,
                {% for d in dimensions %}{{ d }}, {% endfor %}
                {% for m in measures %}cast(sum({{ m }}) as decimal(18, 2)) as {{ m }}, {% endfor %}
                cast(count(*) as bigint) as detail_rows,
                '{{ invocation_id }}' as _written_by
            from (
                select
                    {% for d in dimensions %}{{ expressions.get(d, d) }} as {{ d }}, {% endfor %}
                    {% for m in measures %}{{ expressions.get(m, m) }} as {{ m }}{% if not loop.last %}, {% endif %}{% endfor %}
                from {{ ref('int_transactions_rated') }}
            ) as transactions
            group by {% for d in dimensions %}{{ d }}{% if not loop.last %}, {% endif %}{% endfor %}
        )
    {%- endif -%}
{%- endmacro %}

{#- The end of the select of a date-keyed incremental table: rows written in date order, so
    that every later run's reads and deletes of a few days (date bounds, and the date range
    DuckDB passes from a join's small side to the scan) skip the row groups of other days.
    An incremental run appends its rows sorted too: a day's are a few row groups either
    way, but a batch of a full build (5M rows over weeks) appended unsorted left row groups
    spanning all of its days (the 10M details' searches 48 -> 77 ms). `column` may be a
    list of columns ending with the date (int_incentive_half_months: its readers filter on
    the columns before the date). -#}
{% macro written_in_date_order(column) -%}
    {%- if incremental_materialization() == 'incremental' -%}
        order by {{ column }}
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

{#- Pre-hooks of int_transactions_rated: the rows of every raw key this run recomputes go;
    the model appends the keys recomputed (a withdrawn key stays gone). Orders and refunds
    (`kind` 'orders') are few; consumption rows (`kind` 'consumption') are dated their usage
    date, so the delete reads only the row groups of the changed days. -#}
{% macro withdraw_recomputed_transactions(kind) -%}
    {%- if is_incremental() -%}
        {%- set changes = ref('int_transaction_changes') -%}
        {%- if kind == 'orders' -%}
            delete from {{ this }}
            where
                transaction_type != 'consumption'
                and source_key in (
                    select changes.source_key from {{ changes }} as changes
                    where changes.order_no is not null
                )
        {%- else -%}
            {%- set bounds = date_bounds(changes, 'usage_date') -%}
            {%- if bounds[0] is not none -%}
                delete from {{ this }}
                where
                    transaction_type = 'consumption'
                    and transaction_date between date '{{ bounds[0] }}' and date '{{ bounds[1] }}'
                    and source_key in (
                        select changes.source_key from {{ changes }} as changes
                        where changes.usage_date is not null
                    )
            {%- endif -%}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- The days whose customer-board revenue a run recomputes whole (int_board_revenue_daily):
    the days of the customer-day groups the rating wrote or emptied. -#}
{% macro board_revenue_days() -%}
    select daily.transaction_date from {{ ref('int_customer_daily') }} as daily
    where daily._written_by = '{{ invocation_id }}'
    union
    select changes.transaction_date from {{ ref('int_transaction_changes') }} as changes
    where changes.transaction_id is not null
{%- endmacro %}

{#- Whether int_board_revenue_daily builds on its previous build: it and the profiles it was
    built with exist. -#}
{% macro board_revenue_builds_on_previous() -%}
    {{ return(is_incremental() and previous_relation('int_board_applied_profiles') is not none) }}
{%- endmacro %}

{#- Pre-hook of int_board_revenue_daily: the days it recomputes whole go (all of them when
    the profiles of its previous build are missing: then it is built whole). -#}
{% macro withdraw_board_revenue_days() -%}
    {%- if board_revenue_builds_on_previous() -%}
        delete from {{ this }} where transaction_date in ({{ board_revenue_days() }})
    {%- elif is_incremental() -%}
        delete from {{ this }}
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of int_board_revenue_daily: a value no customer-day contributes to any more. -#}
{% macro drop_empty_board_groups() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where contributing_rows = 0
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of int_customer_spend_daily: the days a load changed go, to be appended anew. -#}
{% macro withdraw_changed_spend_days() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where activity_date in ({{ changed_consumption_dates() }})
    {%- endif -%}
{%- endmacro %}

{#- Pre-hook of int_customer_warnings_evaluated: the customer-days this run re-evaluates
    (int_warning_scope) go, and so do the days outside the window ending at as_of. -#}
{% macro withdraw_rescoped_warnings() -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        where
            warning_date > {{ as_of() }}
            or warning_date < {{ warning_window_start() }}
            or warning_date >= (
                select scope.from_date from {{ ref('int_warning_scope') }} as scope
                where scope.scope = 'from'
            )
            or customer_id in (
                select scope.customer_id from {{ ref('int_warning_scope') }} as scope
                where scope.scope = 'customer'
            )
    {%- endif -%}
{%- endmacro %}

{#- Post-hooks of int_customer_warnings_evaluated. first_seen is the first day of the unbroken
    run of days of a customer's warning type, null for a run that reaches the window's first
    day (the mart shows that day). A run the day before the scope's first day held goes on in
    the rows appended: they take its first_seen from that one day's rows (the rows appended
    for the scoped customers span the window: their runs are whole). Then the runs that the
    window's first day now reaches (it moved with the as-of) lose theirs: the rows of one
    first day, where capping every run at a moving first day rewrote every row of every
    long run each day. -#}
{% macro carry_first_seen() -%}
    {%- if is_incremental() -%}
        update {{ this }} as target
        set first_seen = kept.first_seen
        from {{ this }} as kept, {{ ref('int_warning_scope') }} as scope
        where
            scope.scope = 'from'
            and target.first_seen = scope.from_date
            and kept.warning_date = scope.from_date - 1
            and kept.customer_id = target.customer_id
            and kept.warning_type = target.warning_type
    {%- endif -%}
{%- endmacro %}

{% macro forget_first_seen_before_window() -%}
    {%- if is_incremental() -%}
        update {{ this }}
        set first_seen = null
        where first_seen <= {{ warning_window_start() }}
    {%- endif -%}
{%- endmacro %}

{#- The first day of the warning window ending at the as-of date. -#}
{% macro warning_window_start() -%}
    {{ as_of() }} - ({{ param('warning_history_days', 'integer') }} - 1)
{%- endmacro %}

{#- The detail columns of a fingerprint row (int_rating_inputs) for a row that has none: a
    policy's covered cells and dates, an association's customer and dates. -#}
{% macro no_state_detail_columns() -%}
    cast(null as string) as partner_type,
    cast(null as string) as association_type,
    cast(null as string) as product_type,
    cast(null as date) as valid_from,
    cast(null as date) as valid_to,
    cast(null as string) as customer_id
{%- endmacro %}

{#- The customers whose balance snapshots a load withdrew since the previous build. -#}
{% macro customers_with_withdrawn_snapshots() -%}
    select distinct customer_id from {{ source('raw_withdrawn', 'balances') }}
    where _load_id > {{ previous_watermark('balances') }}
{%- endmacro %}

{#- Pre-hook of int_customer_latest_snapshot: the rows of those customers go; the model
    looks for their latest snapshot again. -#}
{% macro withdraw_latest_snapshots_of_withdrawn() -%}
    {%- if is_incremental() and builds_on_previous_run() -%}
        delete from {{ this }}
        where customer_id in ({{ customers_with_withdrawn_snapshots() }})
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of int_customer_activity_bounds: an incremental run writes a row of nulls for a
    customer left with no day of consumption; it goes. A full build (and Spark, which
    rebuilds whole and cannot delete from its tables) writes none. -#}
{% macro drop_customers_without_consumption() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where last_consumed_date is null
    {%- endif -%}
{%- endmacro %}

{#- Whether int_warning_scope can be read while the warnings' SQL is compiled: not at
    parse, nor in a unit test, whose inputs are CTEs of the model's own query. -#}
{% macro warning_scope_readable() -%}
    {{ return(execute and '__dbt__cte__' not in (ref('int_warning_scope') | string)) }}
{%- endmacro %}

{#- SQL: the days every customer is evaluated on, from the scope's first day to the as-of
    date (0 or less: none). -#}
{% macro warning_scope_days() -%}
    ({{ as_of() }} - greatest((select min(from_date) from {{ ref('int_warning_scope') }} where scope = 'from'), {{ warning_window_start() }}) + 1)
{%- endmacro %}

{#- How many customer buckets int_customer_warnings_evaluated evaluates one after another:
    one, unless its scope holds more customer-days than fit the batches' memory in one
    query (a full build at 100M rows: 200,000 customers x 90 days ran out of 2.2GB). The
    customers' warnings are independent of each other, so a bucket of customers is
    evaluated whole (first_seen included). At most 8 (the model's post-hooks). Estimated from the associated customers, the
    days from the scope's first day and the customers in scope. On Spark: one. -#}
{% macro warning_buckets() -%}
    {{ return(adapter.dispatch('warning_buckets')()) }}
{%- endmacro %}

{% macro spark__warning_buckets() -%}
    {{ return(1) }}
{%- endmacro %}

{% macro default__warning_buckets() -%}
    {%- if not warning_scope_readable() -%}
        {{ return(1) }}
    {%- endif -%}
    {%- set estimate = run_query(
        "select coalesce((select count(distinct customer_id) from " ~ ref('int_association_periods') ~ ")"
        ~ " * greatest(0, " ~ warning_scope_days() ~ "), 0)"
        ~ " + (select count(*) from " ~ ref('int_warning_scope') ~ " where scope = 'customer')"
        ~ " * " ~ param('warning_history_days', 'integer')
    ).columns[0].values()[0] -%}
    {%- set per_bucket = [var('warning_customer_days_per_bucket', 3000000) | int, 1] | max -%}
    {%- set wanted = ((estimate | int) / per_bucket) | round(0, 'ceil') | int -%}
    {{ return([1, [wanted, 8] | min] | max) }}
{%- endmacro %}

{#- How many days int_customer_warnings_evaluated sums spend windows for directly (at most
    7): the days of this run's 'from' scope, so that a daily run's two days make six sums
    over each customer's spend days, not twenty-one. Unit tests and Spark, which cannot ask
    before the query, take 7: the same rows either way (a customer spanning more days goes
    through the running sum). -#}
{% macro warning_direct_sum_days() -%}
    {{ return(adapter.dispatch('warning_direct_sum_days')()) }}
{%- endmacro %}

{% macro spark__warning_direct_sum_days() -%}
    {{ return(7) }}
{%- endmacro %}

{% macro default__warning_direct_sum_days() -%}
    {%- if not warning_scope_readable() -%}
        {{ return(7) }}
    {%- endif -%}
    {%- set days = run_query("select " ~ warning_scope_days()).columns[0].values()[0] -%}
    {{ return([1, [(days or 7) | int, 7] | min] | max) }}
{%- endmacro %}

{#- The condition that keeps bucket 0 of `buckets` (true when there is one); the
    post-hooks evaluate the others with the model's own SQL (evaluate_warning_bucket). -#}
{% macro in_first_warning_bucket(column, buckets) -%}
    {%- if buckets > 1 -%}
        hash({{ column }}) % {{ buckets }} = 0 /* warning bucket of {{ buckets }} */
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- Post-hook of int_customer_warnings_evaluated: bucket `k` appended, if there is one. The
    count is the one the model's SQL was compiled with (its bucket marker), not estimated
    again. -#}
{% macro evaluate_warning_bucket(k) -%}
    {%- set marker = '= 0 /* warning bucket of ' -%}
    {%- set code = model.compiled_code -%}
    {%- if marker in code and k < (code.split(marker)[1].split(' ')[0] | int) -%}
        insert into {{ this }} by name
        {{ code.replace(marker, '= ' ~ k ~ ' /* warning bucket of ') }}
    {%- endif -%}
{%- endmacro %}
