-- Within each dimension, the breakdown's values add up to the board's figures (by day and
-- by month): every customer and every yuan lands in exactly one value of each dimension.
with

breakdown as (
    select
        partner_id,
        grain,
        period,
        dimension,
        sum(customers_at_end) as customers_at_end,
        sum(new_associated) as new_associated,
        sum(disassociated) as disassociated,
        sum(contributed_revenue) as contributed_revenue
    from {{ ref('customer_board_breakdown') }}
    group by partner_id, grain, period, dimension
),

board as (
    select
        'day' as grain,
        *
    from {{ ref('customer_board_daily') }}
    union all
    select
        'month' as grain,
        *
    from {{ ref('customer_board_monthly') }}
),

dimensions as (
    select distinct dimension from {{ ref('customer_board_breakdown') }}
),

expected as (
    select
        board.*,
        dimensions.dimension
    from board
    cross join dimensions
)

select
    expected.*,
    breakdown.customers_at_end as breakdown_at_end
from expected
left join breakdown
    on
        expected.partner_id = breakdown.partner_id
        and expected.grain = breakdown.grain
        and expected.period = breakdown.period
        and expected.dimension = breakdown.dimension
where
    coalesce(breakdown.customers_at_end, 0) != expected.customers_at_end
    or coalesce(breakdown.new_associated, 0) != expected.new_associated
    or coalesce(breakdown.disassociated, 0) != expected.disassociated
    or coalesce(breakdown.contributed_revenue, 0) != expected.contributed_revenue
