-- The customer board's figures (S8) per OWNER partner, day and value of each breakdown
-- dimension (industry, region, association_type, customer_kind new/existing,
-- customer_manager; 'unknown' when missing), every day from the partner's first
-- association to as_of, zeros included. The one place the customers at the end of a day
-- are counted: customer_board_breakdown reads it, and customer_board_daily adds up the
-- association_type values (every association has exactly one: the values of any dimension
-- add up to the owner's total, which a separate 'all' slice would compute again).
-- customers_at_end of day d = associations started on or before d - those ended on or
-- before d, a running sum of the day's deltas (equality joins only). It is the count of
-- in_force_at_end_of(d): associated_at < d + 1 day is started_on <= d, and
-- disassociated_at >= d + 1 day is ended_on > d. The revenue per day and value comes from
-- int_board_revenue_daily, kept by day.
with

periods as (
    select * from {{ ref('int_association_periods') }}
),

revenue_days as (
    select * from {{ ref('int_board_revenue_daily') }}
    where transaction_date <= {{ as_of() }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

bounds as (
    select
        partner_id,
        min(started_on) as first_day
    from periods
    group by partner_id
),

spine_instants as (
    select
        partner_id,
        {{ time_series('first_day', as_of(), 'interval 1 day') }} as day_start
    from bounds
    where first_day <= {{ as_of() }}
),

-- Spark allows no generator inside an expression: the cast to a date is a step of its own
spine as (
    select
        partner_id,
        cast(day_start as date) as period
    from spine_instants
),

dimensions as (
    {{ board_dimensions() }}
),

period_values as (
    select
        periods.partner_id,
        periods.started_on,
        periods.ended_on,
        dimensions.dimension,
        {{ board_dimension_key('dimensions.dimension', 'periods', 'customers') }} as dimension_key
    from periods
    cross join dimensions
    left join customers on periods.customer_id = customers.customer_id
),

value_keys as (
    select distinct
        partner_id,
        dimension,
        dimension_key
    from period_values
    union
    select distinct
        partner_id,
        dimension,
        dimension_key
    from revenue_days
),

started as (
    select
        partner_id,
        dimension,
        dimension_key,
        started_on as period,
        count(*) as new_associated
    from period_values
    group by partner_id, dimension, dimension_key, started_on
),

ended as (
    select
        partner_id,
        dimension,
        dimension_key,
        ended_on as period,
        count(*) as disassociated
    from period_values
    where ended_on is not null
    group by partner_id, dimension, dimension_key, ended_on
),

revenue as (
    select
        partner_id,
        dimension,
        dimension_key,
        transaction_date as period,
        contributed_revenue
    from revenue_days
),

day_deltas as (
    select
        spine.partner_id,
        spine.period,
        value_keys.dimension,
        value_keys.dimension_key,
        coalesce(started.new_associated, 0) as new_associated,
        coalesce(ended.disassociated, 0) as disassociated,
        coalesce(revenue.contributed_revenue, 0) as contributed_revenue
    from spine
    inner join value_keys on spine.partner_id = value_keys.partner_id
    left join started
        on
            value_keys.partner_id = started.partner_id
            and value_keys.dimension = started.dimension
            and value_keys.dimension_key = started.dimension_key
            and spine.period = started.period
    left join ended
        on
            value_keys.partner_id = ended.partner_id
            and value_keys.dimension = ended.dimension
            and value_keys.dimension_key = ended.dimension_key
            and spine.period = ended.period
    left join revenue
        on
            value_keys.partner_id = revenue.partner_id
            and value_keys.dimension = revenue.dimension
            and value_keys.dimension_key = revenue.dimension_key
            and spine.period = revenue.period
),

final as (
    select
        partner_id,
        period,
        dimension,
        dimension_key,
        cast(sum(new_associated - disassociated) over (
            partition by partner_id, dimension, dimension_key
            order by period
            rows between unbounded preceding and current row
        ) as bigint) as customers_at_end,
        cast(new_associated as bigint) as new_associated,
        cast(disassociated as bigint) as disassociated,
        cast(contributed_revenue as decimal(18, 2)) as contributed_revenue
    from day_deltas
)

select * from final
