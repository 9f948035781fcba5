-- 客户看板 (S8), by day: per OWNER partner (its own customers only, resellers count for
-- themselves), every day from its first association to as_of.
-- customers_at_end: associations in force at the end of the day; new_associated /
-- disassociated: associations that started / ended that day; contributed_revenue: eligible
-- amount of the owner's order, refund and consumption rows dated that day. The totals of
-- int_owner_days, whose values per dimension are the breakdown.
with

owner_days as (
    select * from {{ ref('int_owner_days') }}
    where dimension = 'all'
),

final as (
    select
        partner_id,
        period,
        customers_at_end,
        new_associated,
        disassociated,
        contributed_revenue
    from owner_days
)

select * from final
