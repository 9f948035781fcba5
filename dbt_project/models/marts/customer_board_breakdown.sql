-- 客户看板 breakdowns (S8): the board's figures per owner partner, grain (day or month),
-- period and one dimension value (industry, region, association_type, customer_kind
-- new/existing, customer_manager). Rows only where a figure is not zero. A missing
-- dimension value shows as 'unknown'. Figures are keyed by `dimension_key` (the staff id of
-- a customer manager, the value itself otherwise): two managers may share a name, so the
-- name is only the label `dimension_value`, and readers select and join by the key.
-- The days are int_owner_days (the one count of customers at the end of a day); the
-- months sum them, with the customers at the end of the month's last day on the board.
with

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

days as (
    select * from {{ ref('int_owner_days') }}
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
