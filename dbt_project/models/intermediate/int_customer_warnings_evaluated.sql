{{
    config(
        materialized=incremental_materialization(),
        tags=['whole_in_last_batch'],
        incremental_strategy='append',
        on_schema_change='append_new_columns',
        pre_hook="{{ withdraw_rescoped_warnings() }}",
        post_hook=[
            "{{ evaluate_warning_bucket(1) }}",
            "{{ evaluate_warning_bucket(2) }}",
            "{{ evaluate_warning_bucket(3) }}",
            "{{ evaluate_warning_bucket(4) }}",
            "{{ evaluate_warning_bucket(5) }}",
            "{{ evaluate_warning_bucket(6) }}",
            "{{ evaluate_warning_bucket(7) }}",
            "{{ carry_first_seen() }}",
            "{{ forget_first_seen_before_window() }}",
        ]
    )
}}
-- Customer warnings (DOMAIN 3.6) for every day d of the window of warning_history_days
-- ending at as_of, for the customers associated at the end of d, under that day's owner.
-- "Spend" is paid on-demand consumption; activity is any non-cancelled order or any
-- consumption; each day only looks at data dated up to d, so a past day's warnings do not
-- depend on later data. first_seen: first day of the unbroken run of days with the same
-- customer and warning type, null when the run reaches the window's first day (the mart
-- shows that day: a column that moved with the window would be rewritten every day on
-- every long run). `detail` says what
-- triggered the warning in English words; the detail_* columns hold its figures typed, so
-- a reader's page words them in its own language (docs/RULES.md, rule 6).
--
-- Incremental: a run evaluates only the customer-days of int_warning_scope (the days after
-- the previous as-of, the days a load changed, the customers whose resources, order days
-- or associations changed), deletes what the previous build had for them and the days
-- that left the window (pre-hook), appends them, and carries first_seen from the rows of
-- the day before the scope (post-hooks). A full build evaluates the whole window. A warehouse built before the
-- detail_* columns gets them added (on_schema_change), empty on the rows kept from then.
{#- a scope too large for one query is evaluated by buckets of customers (post-hooks) -#}
{% set buckets = warning_buckets() %}
with

periods as (
    select * from {{ ref('int_association_periods') }}
),

spend_days as (
    select * from {{ ref('int_customer_spend_daily') }}
),

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

balances as (
    select * from {{ ref('stg_raw__balances') }}
),

latest_snapshots as (
    select * from {{ ref('int_customer_latest_snapshot') }}
),

activity_bounds as (
    select * from {{ ref('int_customer_activity_bounds') }}
),

resources as (
    select * from {{ ref('stg_raw__resources') }}
),

scope as (
    select * from {{ ref('int_warning_scope') }}
),

params as (
    select
        {{ param('warning_history_days', 'integer') }} as history_days,
        {{ param('spend_window_days', 'integer') }} as spend_window_days,
        {{ param('low_balance_days_of_spend', 'integer') }} as low_balance_days,
        {{ param('expiring_resource_days', 'integer') }} as expiring_days,
        {{ param('drop_window_days', 'integer') }} as drop_window_days,
        {{ param('drop_ratio') }} as drop_ratio,
        {{ param('inactive_days', 'integer') }} as inactive_days,
        {{ warning_window_start() }} as window_start
),

window_days as (
    select
        {{ time_series(as_of() ~ ' - (params.history_days - 1)', as_of(), 'interval 1 day') }}
            as day_start
    from params
),

-- the customer-days this run evaluates: the window's days from the scope's first day for
-- every customer, and every day of the window for the customers in scope. The scope
-- filters the days and the periods before they are joined: the whole window's
-- customer-days (14M at 100M rows) cost 13 s of a day when made first and filtered after.
days_from_scope as (
    select window_days.day_start
    from window_days
    where cast(window_days.day_start as date) >= (
            select scope.from_date from scope
            where scope.scope = 'from'
        )
),

periods_in_scope as (
    select periods.*
    from periods
    inner join scope
        on
            scope.scope = 'customer'
            and periods.customer_id = scope.customer_id
),

customer_days as (
    {% for days, days_periods in [
        ('days_from_scope', 'periods'),
        ('window_days', 'periods_in_scope'),
    ] %}
        {% if not loop.first %}union{% endif %}
        select
            {{ days_periods }}.customer_id,
            cast({{ days }}.day_start as date) as warning_date,
            {{ days_periods }}.partner_id,
            {{ days_periods }}.customer_manager_id
        from {{ days }}
        inner join {{ days_periods }}
            on {{ in_force_at_end_of(days_periods, days ~ '.day_start') }}
        where {{ in_first_warning_bucket(days_periods ~ '.customer_id', buckets) }}
    {% endfor %}
),

-- The first day evaluated per customer: its spend windows reach back from there; earlier
-- days matter only through the latest activity and balance snapshot before it.
{#- a customer whose days evaluated span fewer days than this sums its windows directly -#}
{% set direct_sum_days = warning_direct_sum_days() %}
evaluated_customers as (
    select
        customer_days.customer_id,
        min(customer_days.warning_date) as first_day,
        {{ days_between('min(customer_days.warning_date)', 'max(customer_days.warning_date)') }}
        < {{ direct_sum_days }} as few_days,
        min(customer_days.warning_date)
        - greatest(min(params.spend_window_days), 2 * min(params.drop_window_days)) as spend_from
    from customer_days
    cross join params
    group by customer_days.customer_id
),

few_day_customers as (
    select * from evaluated_customers
    where few_days
),

-- The days from the earliest day a read reaches to the as-of date, joined to the daily
-- tables on equal dates: DuckDB pushes the range of a hash join's keys into the scan of the
-- other side, which then skips the row groups of earlier days (the daily tables are written
-- in date order). A condition `day >= first_day` joined per customer read every day of
-- history instead (28M customer-days at 100M rows, for the two days a daily run evaluates).
reach_starts as (
    select
        min(first_day) as evaluated_from,
        min(case when not few_days then spend_from end) as many_day_spend_from,
        min(case when few_days then spend_from end) as few_day_spend_from
    from evaluated_customers
),

{% for name in ['evaluated_from', 'many_day_spend_from', 'few_day_spend_from'] %}
    {{ name }}_reach_instants as (
        select {{ time_series(name, as_of(), 'interval 1 day') }} as reach_instant
        from reach_starts
    ),

    -- Spark allows no generator inside an expression: the cast to a date is a step of its own
    {{ name }}_reach as (
        select cast(reach_instant as date) as reach_date
        from {{ name }}_reach_instants
    ),
{% endfor %}

-- the spend days each evaluated customer's windows reach: of the customers summed over a
-- running total (daily_spend) and of those summed directly (few_day_spend, below). Read
-- here, not through the spend_days CTE: a CTE read several times is materialized whole,
-- before the reach can skip its earlier row groups.
{% for name, reach, few_days in [
    ('daily_spend', 'many_day_spend_from_reach', 'not evaluated_customers.few_days'),
    ('few_day_spend', 'few_day_spend_from_reach', 'evaluated_customers.few_days'),
] %}
    {{ name }} as (
        select
            spend_days.customer_id,
            evaluated_customers.first_day,
            spend_days.activity_date as usage_date,
            spend_days.spend
        from {{ ref('int_customer_spend_daily') }} as spend_days
        inner join {{ reach }} on spend_days.activity_date = {{ reach }}.reach_date
        inner join evaluated_customers
            on
                spend_days.customer_id = evaluated_customers.customer_id
                and {{ few_days }}
                and spend_days.activity_date >= evaluated_customers.spend_from
    ),
{% endfor %}

order_activity_days as (
    select
        orders.customer_id,
        cast(orders.order_time as date) as activity_date
    from orders
    where orders.order_status != 'cancelled'
),

all_activity_days as (
    select
        spend_days.customer_id,
        spend_days.activity_date
    from spend_days
    where spend_days.consumed
    -- duplicates do not change a latest date: no distinct over every day of history
    union all
    select * from order_activity_days
),

-- the days from the first day evaluated on, and the latest earlier one for the rest: the
-- activity days and the balance snapshot days alike. The latest earlier day is a
-- customer's latest day of all when that is before its first day evaluated (every
-- customer on a daily run), read by one group by; only the others look among their days
-- (a join on `day < first_day` over every day of history cost 8 s of a day at 100M), and
-- not those with a day on their first day evaluated: from there on that day is the latest
-- one of every warning date, whatever came before (the customers active on a daily run's
-- new day: 10M of their days of history joined at 100M, 1.3 s, for nothing).
-- the days on or after the earliest first day evaluated (read through the reach above)
activity_days_in_reach as (
    select
        spend_days.customer_id,
        spend_days.activity_date
    from {{ ref('int_customer_spend_daily') }} as spend_days
    inner join evaluated_from_reach on spend_days.activity_date = evaluated_from_reach.reach_date
    where spend_days.consumed
    union all
    select * from order_activity_days
),

snapshot_days_in_reach as (
    select balances.*
    from {{ ref('stg_raw__balances') }} as balances
    inner join evaluated_from_reach on balances.snapshot_date = evaluated_from_reach.reach_date
),

{% for name, days, day in [
    ('activity_days', 'all_activity_days', 'activity_date'),
    ('snapshot_days', 'balances', 'snapshot_date'),
] %}
    {{ name }}_latest_of_all as (
        -- kept per customer: not a group by over every day of history
        {% if name == 'snapshot_days' %}
            select
                customer_id,
                snapshot_date as latest_day
            from latest_snapshots
        {% else %}
            select
                customer_id,
                max(latest_day) as latest_day
            from (
                select
                    customer_id,
                    last_consumed_date as latest_day
                from activity_bounds
                union all
                select
                    customer_id,
                    activity_date as latest_day
                from order_activity_days
            ) as latest_days
            group by customer_id
        {% endif %}
    ),

    {{ name }}_latest as (
        select
            evaluated_customers.customer_id,
            evaluated_customers.first_day,
            {{ name }}_latest_of_all.latest_day
        from evaluated_customers
        inner join {{ name }}_latest_of_all
            on evaluated_customers.customer_id = {{ name }}_latest_of_all.customer_id
    ),

    {{ name }}_from_first_day as (
        select
            {{ name }}_in_reach.customer_id,
            {{ name }}_in_reach.{{ day }},
            {{ name }}_latest.first_day
        from {{ name }}_in_reach
        inner join {{ name }}_latest
            on
                {{ name }}_in_reach.customer_id = {{ name }}_latest.customer_id
                and {{ name }}_latest.latest_day >= {{ name }}_latest.first_day
                and {{ name }}_in_reach.{{ day }} >= {{ name }}_latest.first_day
    ),

    {{ name }} as (
        select
            customer_id,
            {{ day }}
        from {{ name }}_from_first_day
        union all
        select
            customer_id,
            latest_day as {{ day }}
        from {{ name }}_latest
        where latest_day < first_day
        union all
        select
            {{ days }}.customer_id,
            max({{ days }}.{{ day }}) as {{ day }}
        from {{ days }}
        inner join {{ name }}_latest
            on
                {{ days }}.customer_id = {{ name }}_latest.customer_id
                and {{ name }}_latest.latest_day > {{ name }}_latest.first_day
                and {{ days }}.{{ day }} < {{ name }}_latest.first_day
        where not exists (
                select 1 from {{ name }}_from_first_day as on_first_day
                where
                    on_first_day.customer_id = {{ days }}.customer_id
                    and on_first_day.{{ day }} = on_first_day.first_day
            )
        group by {{ days }}.customer_id
    ),
{% endfor %}

-- Spend in a window (a, b] is spend-to-date at b minus spend-to-date at a. Spend-to-date
-- at each window edge of each warning date comes from one running sum over the customer's
-- spend days merged with those edges ("probes"), instead of joining every warning date to
-- every spend day of its windows (warning days x spend days: 315M pairs at 10M rows).
-- How far back from a warning date each probe sits.
probe_offsets as (
    select
        'now' as probe,
        0 as days_back
    union all
    select
        'spend_window_start' as probe,
        spend_window_days as days_back
    from params
    union all
    select
        'drop_window_start' as probe,
        drop_window_days as days_back
    from params
    union all
    select
        'previous_window_start' as probe,
        2 * drop_window_days as days_back
    from params
),

spend_probes as (
    select
        customer_days.customer_id,
        customer_days.warning_date,
        probe_offsets.probe,
        customer_days.warning_date - probe_offsets.days_back as probe_date
    from customer_days
    cross join probe_offsets
),

-- A customer evaluated on a few days only (every customer on a daily run: the as-of date
-- and the days its files changed) sums its windows directly, in one pass over its spend
-- days from its first day evaluated less the longest window: the three windows of each of
-- its days (the k-th from its first day evaluated) are filtered sums of one group by
-- customer. The running sum below serves the customers evaluated over a longer span (a
-- full build, a late association change): it reads each spend day once, where direct sums
-- read it once per day evaluated. At 100M rows, a daily run: the running sum over every
-- customer cost 14 s; probes joined to spend days by range 10 s; these sums about 1 s.
few_day_window_sums as (
    select
        few_day_spend.customer_id,
        {% for k in range(direct_sum_days) %}
            {% set day = '(few_day_spend.first_day + ' ~ k ~ ')' %}
            {% for window, days_back, days_to in [
                ('spend_window', 'params.spend_window_days', '0'),
                ('spend_last_window', 'params.drop_window_days', '0'),
                ('spend_previous_window', '2 * params.drop_window_days', 'params.drop_window_days'),
            ] %}
                sum(few_day_spend.spend) filter (
                    where
                    few_day_spend.usage_date > {{ day }} - {{ days_back }}
                    and few_day_spend.usage_date <= {{ day }} - {{ days_to }}
                ) as {{ window }}_{{ k }}{% if not (loop.last and k == direct_sum_days - 1) %},{% endif %}
            {% endfor %}
        {% endfor %}
    from few_day_spend
    cross join params
    group by few_day_spend.customer_id
),

few_day_spend_stats as (
    select
        customer_days.customer_id,
        customer_days.warning_date,
        {% for window in ['spend_window', 'spend_last_window', 'spend_previous_window'] %}
            coalesce(case {{ days_between('few_day_customers.first_day', 'customer_days.warning_date') }}
                {% for k in range(direct_sum_days) %}
                    when {{ k }} then few_day_window_sums.{{ window }}_{{ k }}
                {% endfor %}
            end, 0) as {{ window }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from customer_days
    inner join few_day_customers on customer_days.customer_id = few_day_customers.customer_id
    left join few_day_window_sums on customer_days.customer_id = few_day_window_sums.customer_id
),

spend_timeline as (
    select
        customer_id,
        usage_date as timeline_date,
        0 as is_probe,
        spend,
        cast(null as date) as warning_date,
        cast(null as string) as probe
    from daily_spend

    union all

    select
        customer_id,
        probe_date as timeline_date,
        1 as is_probe,
        cast(null as decimal(38, 2)) as spend,
        warning_date,
        probe
    from spend_probes
    where not exists (
            select 1 from few_day_customers
            where few_day_customers.customer_id = spend_probes.customer_id
        )
),

spend_to_date as (
    select
        customer_id,
        warning_date,
        probe,
        is_probe,
        -- a day's own spend sorts before a probe on that day, so it counts
        coalesce(sum(spend) over (
            partition by customer_id
            order by timeline_date, is_probe
            rows between unbounded preceding and current row
        ), 0) as spend_to_date
    from spend_timeline
),

spend_stats as (
    select
        customer_id,
        warning_date,
        max(case when probe = 'now' then spend_to_date end)
        - max(case when probe = 'spend_window_start' then spend_to_date end) as spend_window,
        max(case when probe = 'now' then spend_to_date end)
        - max(case when probe = 'drop_window_start' then spend_to_date end) as spend_last_window,
        max(case when probe = 'drop_window_start' then spend_to_date end)
        - max(case when probe = 'previous_window_start' then spend_to_date end)
            as spend_previous_window
    from spend_to_date
    where is_probe = 1
    group by customer_id, warning_date

    union all

    select * from few_day_spend_stats
),

-- The latest activity day and balance snapshot on or before each warning date, as a
-- running maximum over a customer's days merged with the warning dates: a range join
-- (every earlier day of every warning date) grows with history x window.
activity_timeline as (
    select
        customer_id,
        warning_date as timeline_date,
        1 as is_warning_date,
        cast(null as date) as activity_date,
        cast(null as date) as snapshot_date
    from customer_days

    union all

    select
        customer_id,
        activity_date as timeline_date,
        0 as is_warning_date,
        activity_date,
        cast(null as date) as snapshot_date
    from activity_days

    union all

    select
        customer_id,
        snapshot_date as timeline_date,
        0 as is_warning_date,
        cast(null as date) as activity_date,
        snapshot_date
    from snapshot_days
),

latest_known as (
    select
        customer_id,
        timeline_date as warning_date,
        is_warning_date,
        -- a day's own activity and snapshot sort before its warning row, so they count
        max(activity_date) over running as last_activity_date,
        max(snapshot_date) over running as snapshot_date
    from activity_timeline
    window running as (
        partition by customer_id
        order by timeline_date, is_warning_date
        rows between unbounded preceding and current row
    )
),

last_activity as (
    select
        customer_id,
        warning_date,
        last_activity_date
    from latest_known
    where is_warning_date = 1 and last_activity_date is not null
),

-- the figures of a customer's latest snapshot of all are kept with it; only the warning
-- dates before it (a past day evaluated again) look among the snapshots
latest_balance as (
    select
        latest_known.customer_id,
        latest_known.warning_date,
        latest_snapshots.available_balance,
        latest_known.snapshot_date
    from latest_known
    inner join latest_snapshots
        on
            latest_known.customer_id = latest_snapshots.customer_id
            and latest_known.snapshot_date = latest_snapshots.snapshot_date
    where latest_known.is_warning_date = 1
    union all
    select
        earlier.customer_id,
        earlier.warning_date,
        balances.available_balance,
        earlier.snapshot_date
    from (
        select latest_known.*
        from latest_known
        inner join latest_snapshots
            on
                latest_known.customer_id = latest_snapshots.customer_id
                and latest_known.snapshot_date < latest_snapshots.snapshot_date
        where latest_known.is_warning_date = 1
    ) as earlier
    inner join balances
        on
            earlier.customer_id = balances.customer_id
            and earlier.snapshot_date = balances.snapshot_date
),

expiring as (
    select
        customer_days.customer_id,
        customer_days.warning_date,
        count(*) as expiring_resources,
        min(resources.expire_date) as first_expire_date,
        {{ ordered_string_agg('resources.resource_id', "', '", 'resources.expire_date, resources.resource_id') }}
            as resource_ids
    from customer_days
    cross join params
    inner join resources
        on
            customer_days.customer_id = resources.customer_id
            and resources.billing_mode = 'yearly_monthly'
            and resources.status != 'released'
            and customer_days.warning_date >= resources.start_date
            and customer_days.warning_date <= resources.expire_date
            and resources.expire_date <= customer_days.warning_date + params.expiring_days
    group by customer_days.customer_id, customer_days.warning_date
),

stats as (
    select
        customer_days.*,
        spend_stats.spend_window,
        spend_stats.spend_last_window,
        spend_stats.spend_previous_window,
        last_activity.last_activity_date,
        latest_balance.available_balance,
        latest_balance.snapshot_date,
        expiring.expiring_resources,
        expiring.first_expire_date,
        expiring.resource_ids,
        params.*
    from customer_days
    cross join params
    left join spend_stats
        on
            customer_days.customer_id = spend_stats.customer_id
            and customer_days.warning_date = spend_stats.warning_date
    left join last_activity
        on
            customer_days.customer_id = last_activity.customer_id
            and customer_days.warning_date = last_activity.warning_date
    left join latest_balance
        on
            customer_days.customer_id = latest_balance.customer_id
            and customer_days.warning_date = latest_balance.warning_date
    left join expiring
        on
            customer_days.customer_id = expiring.customer_id
            and customer_days.warning_date = expiring.warning_date
),

warnings as (
    select
        customer_id,
        warning_date,
        partner_id,
        customer_manager_id,
        'arrears' as warning_type,
        cast(available_balance as decimal(18, 2)) as detail_amount,
        cast(null as decimal(18, 2)) as detail_reference_amount,
        cast(null as decimal(18, 4)) as detail_ratio,
        cast(null as integer) as detail_days,
        cast(snapshot_date as date) as detail_date,
        cast(null as bigint) as detail_count,
        cast(null as string) as detail_items,
        'available balance ' || available_balance || ' is below zero (snapshot of '
        || {{ format_time('snapshot_date', '%Y-%m-%d') }} || ')' as detail
    from stats
    where available_balance < 0

    union all

    select
        customer_id,
        warning_date,
        partner_id,
        customer_manager_id,
        'low_balance' as warning_type,
        cast(available_balance as decimal(18, 2)) as detail_amount,
        cast({{ round_money('spend_window / spend_window_days') }} as decimal(18, 2)) as detail_reference_amount,
        cast(null as decimal(18, 4)) as detail_ratio,
        cast(low_balance_days as integer) as detail_days,
        cast(null as date) as detail_date,
        cast(null as bigint) as detail_count,
        cast(null as string) as detail_items,
        'available balance ' || available_balance || ' is under ' || low_balance_days
        || ' days of daily spend ' || {{ round_money('spend_window / spend_window_days') }}
        || ' (spend of the last ' || spend_window_days || ' days ' || spend_window || ')'
            as detail
    from stats
    -- balance < days x (spend / window days), kept exact in decimals
    where
        available_balance >= 0
        and available_balance * spend_window_days < low_balance_days * spend_window

    union all

    select
        customer_id,
        warning_date,
        partner_id,
        customer_manager_id,
        'expiring_resource' as warning_type,
        cast(null as decimal(18, 2)) as detail_amount,
        cast(null as decimal(18, 2)) as detail_reference_amount,
        cast(null as decimal(18, 4)) as detail_ratio,
        cast(expiring_days as integer) as detail_days,
        cast(first_expire_date as date) as detail_date,
        cast(expiring_resources as bigint) as detail_count,
        cast(resource_ids as string) as detail_items,
        expiring_resources || ' yearly/monthly resource(s) expire within ' || expiring_days
        || ' days, first on ' || {{ format_time('first_expire_date', '%Y-%m-%d') }} || ': ' || resource_ids
            as detail
    from stats
    where expiring_resources > 0

    union all

    select
        customer_id,
        warning_date,
        partner_id,
        customer_manager_id,
        'consumption_drop' as warning_type,
        cast(spend_last_window as decimal(18, 2)) as detail_amount,
        cast(spend_previous_window as decimal(18, 2)) as detail_reference_amount,
        cast(drop_ratio as decimal(18, 4)) as detail_ratio,
        cast(drop_window_days as integer) as detail_days,
        cast(null as date) as detail_date,
        cast(null as bigint) as detail_count,
        cast(null as string) as detail_items,
        'spend of the last ' || drop_window_days || ' days ' || spend_last_window
        || ' is under ' || drop_ratio || ' x that of the ' || drop_window_days
        || ' days before ' || spend_previous_window as detail
    from stats
    where
        spend_previous_window > 0
        and spend_last_window < drop_ratio * spend_previous_window

    union all

    select
        customer_id,
        warning_date,
        partner_id,
        customer_manager_id,
        'inactive' as warning_type,
        cast(null as decimal(18, 2)) as detail_amount,
        cast(null as decimal(18, 2)) as detail_reference_amount,
        cast(null as decimal(18, 4)) as detail_ratio,
        cast(inactive_days as integer) as detail_days,
        cast(last_activity_date as date) as detail_date,
        cast(null as bigint) as detail_count,
        cast(null as string) as detail_items,
        'no cash spend, order or consumption in the last ' || inactive_days
        || ' days (last activity on ' || {{ format_time('last_activity_date', '%Y-%m-%d') }} || ')'
            as detail
    from stats
    where last_activity_date <= warning_date - inactive_days
),

islands as (
    select
        warnings.*,
        params.window_start,
        warnings.warning_date - cast(row_number() over (
            partition by warnings.customer_id, warnings.warning_type order by warnings.warning_date
        ) as integer) as island
    from warnings
    cross join params
),

final as (
    select
        warning_date,
        customer_id,
        partner_id,
        customer_manager_id,
        warning_type,
        detail,
        -- null: the run reaches the window's first day (carry_first_seen)
        nullif(
            greatest(
                min(warning_date) over (partition by customer_id, warning_type, island),
                window_start
            ),
            window_start
        ) as first_seen,
        detail_amount,
        detail_reference_amount,
        detail_ratio,
        detail_days,
        detail_date,
        detail_count,
        detail_items
    from islands
)

select * from final
