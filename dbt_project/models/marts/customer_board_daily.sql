-- 客户看板 (S8), by day: per OWNER partner (its own customers only, resellers count for
-- themselves), every day from its first association to as_of.
-- customers_at_end: associations in force at the end of the day; new_associated /
-- disassociated: associations that started / ended that day; contributed_revenue: eligible
-- amount of the owner's order, refund and consumption rows dated that day. The sums of
-- int_owner_days (the breakdown's days) over one dimension.
with

-- every association and transaction has exactly one association type: its values add up
-- to the owner's total (test breakdown_adds_up_to_board checks it of every dimension)
by_association_type as (
    select * from {{ ref('int_owner_days') }}
    where dimension = 'association_type'
),

final as (
    select
        partner_id,
        period,
        cast(sum(customers_at_end) as bigint) as customers_at_end,
        cast(sum(new_associated) as bigint) as new_associated,
        cast(sum(disassociated) as bigint) as disassociated,
        cast(sum(contributed_revenue) as decimal(18, 2)) as contributed_revenue
    from by_association_type
    group by partner_id, period
)

select * from final
