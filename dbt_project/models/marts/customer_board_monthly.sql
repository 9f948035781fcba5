-- 客户看板 (S8), by month (period = first day of the month): sums of the days, and the
-- customers associated at the end of the month's last day on the board (as_of for the
-- current month).
with

daily as (
    select * from {{ ref('customer_board_daily') }}
),

final as (
    select
        partner_id,
        cast(date_trunc('month', period) as date) as period,
        max_by(customers_at_end, period) as customers_at_end,
        cast(sum(new_associated) as bigint) as new_associated,
        cast(sum(disassociated) as bigint) as disassociated,
        cast(sum(contributed_revenue) as decimal(18, 2)) as contributed_revenue
    from daily
    group by partner_id, date_trunc('month', period)
)

select * from final
