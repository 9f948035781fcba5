-- Acceleration incentive (T11), one row per continuous commercial project:
-- * new customer: eligible amount (orders minus refunds) of the project's order and refund
--   rows dated in [start_date, start_date + 2 months), capped at 150,000, booked in the
--   billing period of the window's last day;
-- * existing customer: the committee-approved amount, capped at 20,000, booked in the
--   billing period of the start date (no row when no amount was approved).
-- The capped amount is the incentive; eligible_amount is the amount before the cap; a
-- negative window amount gives 0. The row belongs to the project's partner (settled by
-- its distributor when it is a reseller); its customer manager is the one of that
-- partner's association with the customer in force at the end of the start date.
with

projects as (
    select * from {{ ref('stg_raw__projects') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

order_rows as (
    select * from {{ ref('int_orders_attributed') }}
    where project_id is not null
),

partners as (
    select * from {{ ref('int_partners_resolved') }}
),

periods as (
    select * from {{ ref('int_association_periods') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

params as (
    select
        {{ param('new_customer_window_months', 'integer') }} as window_months,
        {{ param('new_customer_acceleration_cap', 'decimal(18, 2)') }} as new_customer_cap,
        {{ param('existing_customer_acceleration_cap', 'decimal(18, 2)') }} as existing_customer_cap
),

windowed as (
    select
        projects.project_id,
        projects.partner_id,
        projects.customer_id,
        projects.start_date,
        projects.committee_approved_amount,
        coalesce(customers.is_new_customer, false) as is_new_customer,
        cast(projects.start_date + {{ interval_months('params.window_months') }} as date) as window_end_exclusive,
        params.new_customer_cap,
        params.existing_customer_cap
    from projects
    cross join params
    left join customers on projects.customer_id = customers.customer_id
),

window_amounts as (
    select
        windowed.project_id,
        sum(order_rows.eligible_amount) as window_amount
    from windowed
    inner join order_rows
        on
            windowed.project_id = order_rows.project_id
            and windowed.start_date <= order_rows.transaction_date
            and windowed.window_end_exclusive > order_rows.transaction_date
    group by windowed.project_id
),

computed as (
    select
        windowed.*,
        case
            when windowed.is_new_customer then coalesce(window_amounts.window_amount, 0)
            else windowed.committee_approved_amount
        end as amount_before_cap,
        case
            when windowed.is_new_customer then windowed.new_customer_cap
            else windowed.existing_customer_cap
        end as cap_amount,
        case
            when windowed.is_new_customer then cast(windowed.window_end_exclusive - 1 as date)
            else windowed.start_date
        end as booking_date
    from windowed
    left join window_amounts on windowed.project_id = window_amounts.project_id
),

final as (
    select
        'project:' || computed.project_id as transaction_id,
        'project' as transaction_type,
        cast(null as string) as order_no,
        cast(null as string) as resource_id,
        computed.project_id,
        computed.customer_id,
        cast(null as string) as product_type,
        cast(null as string) as billing_mode,
        cast(computed.booking_date as timestamp) as transaction_time,
        computed.booking_date as transaction_date,
        {{ billing_period('computed.booking_date') }} as billing_period,
        cast(computed.amount_before_cap as decimal(18, 2)) as eligible_amount,
        periods.association_id,
        computed.partner_id as owner_partner_id,
        periods.association_type,
        periods.customer_manager_id,
        coalesce(partners.settlement_partner_id, computed.partner_id) as settlement_partner_id,
        partners.settlement_partner_type,
        partners.reseller_id,
        staff.supervisor_id,
        computed.is_new_customer,
        computed.start_date,
        cast(computed.window_end_exclusive - 1 as date) as window_last_day,
        computed.cap_amount,
        cast(least(greatest(computed.amount_before_cap, 0), computed.cap_amount) as decimal(18, 2))
            as incentive_amount
    from computed
    left join partners on computed.partner_id = partners.partner_id
    left join periods
        on
            computed.customer_id = periods.customer_id
            and computed.partner_id = periods.partner_id
            and {{ in_force_at_end_of('periods', 'computed.start_date') }}
    left join staff on periods.customer_manager_id = staff.staff_id
    where computed.amount_before_cap is not null
)

select * from final
