-- 客户看板 (S8), by day: per OWNER partner (its own customers only, resellers count for
-- themselves), every day from its first association to as_of.
-- customers_at_end: associations in force at the end of the day; new_associated /
-- disassociated: associations that started / ended that day; contributed_revenue: eligible
-- amount of the owner's order, refund and consumption rows dated that day.
with

periods as (
    select * from {{ ref('int_association_periods') }}
),

incentives as (
    select * from {{ ref('int_incentives_by_day') }}
    where transaction_type != 'project'
),

bounds as (
    select
        partner_id,
        min(started_on) as first_day
    from periods
    group by partner_id
),

days as (
    select
        partner_id,
        {{ time_series('first_day', as_of(), 'interval 1 day') }} as day_start
    from bounds
    where first_day <= {{ as_of() }}
),

at_end as (
    select
        days.partner_id,
        days.day_start,
        count(periods.association_id) as customers_at_end
    from days
    left join periods
        on
            days.partner_id = periods.partner_id
            and {{ in_force_at_end_of('periods', 'days.day_start') }}
    group by days.partner_id, days.day_start
),

started as (
    select
        partner_id,
        started_on,
        count(*) as new_associated
    from periods
    group by partner_id, started_on
),

ended as (
    select
        partner_id,
        ended_on,
        count(*) as disassociated
    from periods
    where ended_on is not null
    group by partner_id, ended_on
),

revenue as (
    select
        owner_partner_id as partner_id,
        transaction_date,
        sum(eligible_amount) as contributed_revenue
    from incentives
    group by owner_partner_id, transaction_date
),

final as (
    select
        at_end.partner_id,
        cast(at_end.day_start as date) as period,
        at_end.customers_at_end,
        coalesce(started.new_associated, 0) as new_associated,
        coalesce(ended.disassociated, 0) as disassociated,
        cast(coalesce(revenue.contributed_revenue, 0) as decimal(18, 2)) as contributed_revenue
    from at_end
    left join started
        on at_end.partner_id = started.partner_id and cast(at_end.day_start as date) = started.started_on
    left join ended
        on at_end.partner_id = ended.partner_id and cast(at_end.day_start as date) = ended.ended_on
    left join revenue
        on
            at_end.partner_id = revenue.partner_id
            and cast(at_end.day_start as date) = revenue.transaction_date
)

select * from final
