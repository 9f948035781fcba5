-- Customer warnings (DOMAIN 3.6) for every day d of the window of warning_history_days
-- ending at as_of, for the customers associated at the end of d, under that day's owner.
-- "Spend" is paid on-demand consumption; activity is any non-cancelled order or any
-- consumption; each day only looks at data dated up to d, so a past day's warnings do not
-- depend on later data. first_seen: first day of the unbroken run of days with the same
-- customer and warning type (capped at the window's first day).
with

periods as (
    select * from {{ ref('int_association_periods') }}
),

consumption as (
    select * from {{ ref('stg_raw__consumption') }}
),

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

balances as (
    select * from {{ ref('stg_raw__balances') }}
),

resources as (
    select * from {{ ref('stg_raw__resources') }}
),

params as (
    select
        {{ param('warning_history_days', 'integer') }} as history_days,
        {{ param('spend_window_days', 'integer') }} as spend_window_days,
        {{ param('low_balance_days_of_spend', 'integer') }} as low_balance_days,
        {{ param('expiring_resource_days', 'integer') }} as expiring_days,
        {{ param('drop_window_days', 'integer') }} as drop_window_days,
        {{ param('drop_ratio') }} as drop_ratio,
        {{ param('inactive_days', 'integer') }} as inactive_days
),

window_days as (
    select
        {{ time_series(as_of() ~ ' - (params.history_days - 1)', as_of(), 'interval 1 day') }}
            as day_start
    from params
),

customer_days as (
    select
        periods.customer_id,
        cast(window_days.day_start as date) as warning_date,
        periods.partner_id,
        periods.customer_manager_id
    from window_days
    inner join periods
        on
            periods.associated_at < window_days.day_start + interval 1 day
            and (
                periods.disassociated_at is null
                or periods.disassociated_at >= window_days.day_start + interval 1 day
            )
),

daily_spend as (
    select
        customer_id,
        usage_date,
        sum(paid_amount) as spend
    from consumption
    group by customer_id, usage_date
),

activity_days as (
    select
        customer_id,
        usage_date as activity_date
    from consumption
    where consumption_amount > 0 or paid_amount > 0
    union
    select
        customer_id,
        cast(order_time as date) as activity_date
    from orders
    where order_status != 'cancelled'
),

spend_stats as (
    select
        customer_days.customer_id,
        customer_days.warning_date,
        coalesce(sum(daily_spend.spend) filter (
            where daily_spend.usage_date > customer_days.warning_date - params.spend_window_days
        ), 0) as spend_window,
        coalesce(sum(daily_spend.spend) filter (
            where daily_spend.usage_date > customer_days.warning_date - params.drop_window_days
        ), 0) as spend_last_window,
        coalesce(sum(daily_spend.spend) filter (
            where
            daily_spend.usage_date <= customer_days.warning_date - params.drop_window_days
            and daily_spend.usage_date > customer_days.warning_date - 2 * params.drop_window_days
        ), 0) as spend_previous_window
    from customer_days
    cross join params
    left join daily_spend
        on
            customer_days.customer_id = daily_spend.customer_id
            and customer_days.warning_date >= daily_spend.usage_date
            and daily_spend.usage_date > customer_days.warning_date
            - greatest(params.spend_window_days, 2 * params.drop_window_days)
    group by customer_days.customer_id, customer_days.warning_date
),

last_activity as (
    select
        customer_days.customer_id,
        customer_days.warning_date,
        max(activity_days.activity_date) as last_activity_date
    from customer_days
    inner join activity_days
        on
            customer_days.customer_id = activity_days.customer_id
            and customer_days.warning_date >= activity_days.activity_date
    group by customer_days.customer_id, customer_days.warning_date
),

latest_balance as (
    select
        customer_days.customer_id,
        customer_days.warning_date,
        max_by(balances.available_balance, balances.snapshot_date) as available_balance,
        max(balances.snapshot_date) as snapshot_date
    from customer_days
    inner join balances
        on
            customer_days.customer_id = balances.customer_id
            and customer_days.warning_date >= balances.snapshot_date
    group by customer_days.customer_id, customer_days.warning_date
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
        'no cash spend, order or consumption in the last ' || inactive_days
        || ' days (last activity on ' || {{ format_time('last_activity_date', '%Y-%m-%d') }} || ')'
            as detail
    from stats
    where last_activity_date <= warning_date - inactive_days
),

islands as (
    select
        *,
        warning_date - cast(row_number() over (
            partition by customer_id, warning_type order by warning_date
        ) as integer) as island
    from warnings
),

final as (
    select
        warning_date,
        customer_id,
        partner_id,
        customer_manager_id,
        warning_type,
        detail,
        min(warning_date) over (partition by customer_id, warning_type, island) as first_seen
    from islands
)

select * from final
