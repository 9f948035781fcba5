-- customers_at_end of a period = that of the period before + new_associated - disassociated
-- (the first period of a partner starts from 0), by day and by month.
with

daily as (
    select
        'day' as grain,
        partner_id,
        period,
        customers_at_end,
        new_associated,
        disassociated,
        lag(customers_at_end, 1, 0) over (partition by partner_id order by period) as previous_at_end,
        lag(period) over (partition by partner_id order by period) as previous_period
    from {{ ref('customer_board_daily') }}
),

monthly as (
    select
        'month' as grain,
        partner_id,
        period,
        customers_at_end,
        new_associated,
        disassociated,
        lag(customers_at_end, 1, 0) over (partition by partner_id order by period) as previous_at_end,
        lag(period) over (partition by partner_id order by period) as previous_period
    from {{ ref('customer_board_monthly') }}
),

both_grains as (
    select * from daily
    union all
    select * from monthly
)

select *
from both_grains
where
    customers_at_end != previous_at_end + new_associated - disassociated
    -- periods are consecutive: no gap in the spine
    or (grain = 'day' and previous_period is not null and previous_period != period - 1)
    or (
        grain = 'month' and previous_period is not null
        and previous_period != cast(period - interval 1 month as date)
    )
