-- 客户看板 breakdowns (S8): the board's figures per owner partner, grain (day or month),
-- period and one dimension value (industry, region, association_type, customer_kind
-- new/existing, customer_manager). Rows only where a figure is not zero. A missing
-- dimension value shows as 'unknown'. Figures are keyed by `dimension_key` (the staff id of
-- a customer manager, the value itself otherwise): two managers may share a name, so the
-- name is only the label `dimension_value`, and readers select and join by the key.
-- Computed from daily deltas on the board's day spine (equality joins only): customers at
-- the end of day d = associations started on or before d - those ended on or before d.
-- The revenue per day and value comes from int_board_revenue_daily, kept by day.
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

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

daily as (
    select * from {{ ref('customer_board_daily') }}
),

dimensions as (
    select 'industry' as dimension
    union all
    select 'region' as dimension
    union all
    select 'association_type' as dimension
    union all
    select 'customer_kind' as dimension
    union all
    select 'customer_manager' as dimension
),

period_values as (
    select
        periods.partner_id,
        periods.started_on,
        periods.ended_on,
        dimensions.dimension,
        coalesce(case dimensions.dimension
            when 'industry' then customers.industry
            when 'region' then customers.region
            when 'association_type' then periods.association_type
            when 'customer_kind' then case when customers.is_new_customer then 'new' else 'existing' end
            when 'customer_manager' then periods.customer_manager_id
        end, 'unknown') as dimension_key
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
        daily.partner_id,
        daily.period,
        value_keys.dimension,
        value_keys.dimension_key,
        coalesce(started.new_associated, 0) as new_associated,
        coalesce(ended.disassociated, 0) as disassociated,
        coalesce(revenue.contributed_revenue, 0) as contributed_revenue
    from daily
    inner join value_keys on daily.partner_id = value_keys.partner_id
    left join started
        on
            value_keys.partner_id = started.partner_id
            and value_keys.dimension = started.dimension
            and value_keys.dimension_key = started.dimension_key
            and daily.period = started.period
    left join ended
        on
            value_keys.partner_id = ended.partner_id
            and value_keys.dimension = ended.dimension
            and value_keys.dimension_key = ended.dimension_key
            and daily.period = ended.period
    left join revenue
        on
            value_keys.partner_id = revenue.partner_id
            and value_keys.dimension = revenue.dimension
            and value_keys.dimension_key = revenue.dimension_key
            and daily.period = revenue.period
),

days as (
    select
        partner_id,
        period,
        dimension,
        dimension_key,
        new_associated,
        disassociated,
        contributed_revenue,
        sum(new_associated - disassociated) over (
            partition by partner_id, dimension, dimension_key
            order by period
            rows between unbounded preceding and current row
        ) as customers_at_end
    from day_deltas
),

months as (
    select
        partner_id,
        cast(date_trunc('month', period) as date) as period,
        dimension,
        dimension_key,
        sum(new_associated) as new_associated,
        sum(disassociated) as disassociated,
        sum(contributed_revenue) as contributed_revenue,
        max_by(customers_at_end, period) as customers_at_end
    from days
    group by partner_id, date_trunc('month', period), dimension, dimension_key
),

both_grains as (
    select
        partner_id,
        'day' as grain,
        period,
        dimension,
        dimension_key,
        customers_at_end,
        new_associated,
        disassociated,
        contributed_revenue
    from days
    union all
    select
        partner_id,
        'month' as grain,
        period,
        dimension,
        dimension_key,
        customers_at_end,
        new_associated,
        disassociated,
        contributed_revenue
    from months
),

final as (
    select
        both_grains.partner_id,
        both_grains.grain,
        both_grains.period,
        both_grains.dimension,
        case
            when both_grains.dimension = 'customer_manager'
                then coalesce(staff.staff_name, both_grains.dimension_key)
            else both_grains.dimension_key
        end as dimension_value,
        cast(both_grains.customers_at_end as bigint) as customers_at_end,
        cast(both_grains.new_associated as bigint) as new_associated,
        cast(both_grains.disassociated as bigint) as disassociated,
        cast(both_grains.contributed_revenue as decimal(18, 2)) as contributed_revenue,
        both_grains.dimension_key
    from both_grains
    -- an equality join only (the name is used for customer_manager rows alone, above): with
    -- the dimension in the condition DuckDB ran a nested-loop join over every row
    left join staff on both_grains.dimension_key = staff.staff_id
    where
        both_grains.customers_at_end != 0
        or both_grains.new_associated != 0
        or both_grains.disassociated != 0
        or both_grains.contributed_revenue != 0
)

select * from final
