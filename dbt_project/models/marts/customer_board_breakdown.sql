-- 客户看板 breakdowns (S8): the board's figures per owner partner, grain (day or month),
-- period and one dimension value (industry, region, association_type, customer_kind
-- new/existing, customer_manager name). Rows only where a figure is not zero. A missing
-- dimension value shows as 'unknown'.
with

periods as (
    select * from {{ ref('int_association_periods') }}
),

incentives as (
    select * from {{ ref('int_incentives_combined') }}
    where transaction_type != 'project'
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
    select unnest(['industry', 'region', 'association_type', 'customer_kind', 'customer_manager'])
        as dimension
),

-- the board's periods: each day, and each month ending on its last day or on as_of
board_periods as (
    select
        partner_id,
        'day' as grain,
        period,
        period as period_end
    from daily
    union all
    select
        partner_id,
        'month' as grain,
        cast(date_trunc('month', period) as date) as period,
        max(period) as period_end
    from daily
    group by partner_id, date_trunc('month', period)
),

period_values as (
    select
        periods.*,
        dimensions.dimension,
        coalesce(case dimensions.dimension
            when 'industry' then customers.industry
            when 'region' then customers.region
            when 'association_type' then periods.association_type
            when 'customer_kind' then case when customers.is_new_customer then 'new' else 'existing' end
            when 'customer_manager' then coalesce(staff.staff_name, periods.customer_manager_id)
        end, 'unknown') as dimension_value
    from periods
    cross join dimensions
    left join customers on periods.customer_id = customers.customer_id
    left join staff on periods.customer_manager_id = staff.staff_id
),

transaction_values as (
    select
        incentives.owner_partner_id as partner_id,
        incentives.transaction_date,
        incentives.eligible_amount,
        dimensions.dimension,
        coalesce(case dimensions.dimension
            when 'industry' then customers.industry
            when 'region' then customers.region
            when 'association_type' then incentives.association_type
            when 'customer_kind' then case when customers.is_new_customer then 'new' else 'existing' end
            when 'customer_manager' then coalesce(staff.staff_name, incentives.customer_manager_id)
        end, 'unknown') as dimension_value
    from incentives
    cross join dimensions
    left join customers on incentives.customer_id = customers.customer_id
    left join staff on incentives.customer_manager_id = staff.staff_id
),

figures as (
    select
        board_periods.partner_id,
        board_periods.grain,
        board_periods.period,
        period_values.dimension,
        period_values.dimension_value,
        count(*) as customers_at_end,
        0 as new_associated,
        0 as disassociated,
        0 as contributed_revenue
    from board_periods
    inner join period_values
        on
            board_periods.partner_id = period_values.partner_id
            and period_values.associated_at < board_periods.period_end + interval 1 day
            and (
                period_values.disassociated_at is null
                or period_values.disassociated_at >= board_periods.period_end + interval 1 day
            )
    group by all

    union all

    select
        board_periods.partner_id,
        board_periods.grain,
        board_periods.period,
        period_values.dimension,
        period_values.dimension_value,
        0 as customers_at_end,
        count(*) as new_associated,
        0 as disassociated,
        0 as contributed_revenue
    from board_periods
    inner join period_values
        on
            board_periods.partner_id = period_values.partner_id
            and period_values.started_on between board_periods.period and board_periods.period_end
    group by all

    union all

    select
        board_periods.partner_id,
        board_periods.grain,
        board_periods.period,
        period_values.dimension,
        period_values.dimension_value,
        0 as customers_at_end,
        0 as new_associated,
        count(*) as disassociated,
        0 as contributed_revenue
    from board_periods
    inner join period_values
        on
            board_periods.partner_id = period_values.partner_id
            and period_values.ended_on between board_periods.period and board_periods.period_end
    group by all

    union all

    select
        board_periods.partner_id,
        board_periods.grain,
        board_periods.period,
        transaction_values.dimension,
        transaction_values.dimension_value,
        0 as customers_at_end,
        0 as new_associated,
        0 as disassociated,
        sum(transaction_values.eligible_amount) as contributed_revenue
    from board_periods
    inner join transaction_values
        on
            board_periods.partner_id = transaction_values.partner_id
            and transaction_values.transaction_date
            between board_periods.period and board_periods.period_end
    group by all
),

final as (
    select
        partner_id,
        grain,
        period,
        dimension,
        dimension_value,
        cast(sum(customers_at_end) as bigint) as customers_at_end,
        cast(sum(new_associated) as bigint) as new_associated,
        cast(sum(disassociated) as bigint) as disassociated,
        cast(sum(contributed_revenue) as decimal(18, 2)) as contributed_revenue
    from figures
    group by partner_id, grain, period, dimension, dimension_value
)

select * from final
