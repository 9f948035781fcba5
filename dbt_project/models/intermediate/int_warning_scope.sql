{{ config(tags=['whole_in_last_batch']) }}
-- depends_on: {{ ref('int_changed_inputs') }}
-- depends_on: {{ ref('stg_raw__consumption') }}
-- depends_on: {{ ref('stg_raw__balances') }}
-- What this run's warnings re-evaluate (int_customer_warnings_evaluated): every customer
-- from `from_date` on (a row with scope 'from'), and every day of the window of the
-- customers listed (scope 'customer'). A day's warnings look only at data dated up to that
-- day, so a change dated d moves the warnings of d and later: new consumption or balance
-- days, and the days after the previous as-of. A customer whose association periods
-- changed is re-evaluated whole; one whose order days or yearly/monthly resources changed
-- from the first warning date the change moves, whole when that is before the others.
-- New parameters, or an as-of earlier than the previous one, re-evaluate the whole window.
-- A full build evaluates the whole window.
{#- without the evaluated warnings (a batch of a full build leaves them out): the whole window -#}
{% set incremental = builds_on_previous_run()
    and previous_relation('int_customer_warnings_evaluated') is not none %}
with

params as (
    select {{ warning_window_start() }} as window_start
),

{% if incremental %}
    {% set previous_as_of = previous_state('as_of', 'warnings') %}
    {% set balances_seen = previous_watermark('balances') %}

    changed_inputs as (
        select * from {{ ref('int_changed_inputs') }}
    ),

    changed_dates as (
        {{ changed_consumption_dates() }}
        union
        select snapshot_date from {{ ref('stg_raw__balances') }}
        where _load_id > {{ balances_seen }}
        union
        select snapshot_date from {{ source('raw_withdrawn', 'balances') }}
        where _load_id > {{ balances_seen }}
        {% if previous_as_of is none %}
            union
            select window_start from params
        {% else %}
            union
            select cast('{{ previous_as_of }}' as date) + 1
            -- a window that moved back in time, or new parameters: all of it
            union
            select window_start from params
            where {{ as_of() }} < cast('{{ previous_as_of }}' as date)
            union
            select params.window_start from params
            where exists (
                    select 1 from changed_inputs as parameters_changed
                    where parameters_changed.kind = 'parameters'
                )
        {% endif %}
    ),

    from_dates as (
        select greatest(min(changed_dates.usage_date), min(params.window_start)) as from_date
        from changed_dates
        cross join params
    ),

    -- an order day or a resource that changed moves its customer's warnings from the first
    -- warning date it can move (int_warning_inputs) within the window: covered by the
    -- 'from' scope when that is on or after its first day, else the customer's whole window
    dated_changes as (
        select
            changed_inputs.customer_id,
            greatest(changed_inputs.valid_from, params.window_start) as moved_from
        from changed_inputs
        cross join params
        where
            changed_inputs.kind in ('order_day', 'resource')
            and changed_inputs.valid_from <= {{ as_of() }}
            and (changed_inputs.valid_to is null or changed_inputs.valid_to >= params.window_start)
    ),

    final as (
        select
            'from' as scope,
            cast(null as string) as customer_id,
            from_date
        from from_dates
        union all
        select distinct
            'customer' as scope,
            customer_id,
            cast(null as date) as from_date
        from changed_inputs
        where kind = 'association'
        union
        select distinct
            'customer' as scope,
            dated_changes.customer_id,
            cast(null as date) as from_date
        from dated_changes
        cross join from_dates
        where dated_changes.moved_from < from_dates.from_date
    )
{% else %}
    final as (
        select
            'from' as scope,
            cast(null as string) as customer_id,
            window_start as from_date
        from params
    )
{% endif %}

select * from final
