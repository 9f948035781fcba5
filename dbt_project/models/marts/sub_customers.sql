-- Sub-customers (S12): per partner, every customer it may see as of the as-of day, with
-- basic info for all and credit, discount and balance only with full access (rule 7).
with

access as (
    select * from {{ ref('customer_access') }}
    where viewer_kind = 'partner'
),

periods as (
    select * from {{ ref('int_association_periods') }} as periods
    where {{ in_force_at_end_of('periods', as_of()) }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

latest_snapshots as (
    select * from {{ ref('int_customer_latest_snapshot') }}
),

balances as (
    select * from {{ ref('stg_raw__balances') }}
),

-- the latest snapshot up to the as-of date: the latest of all, unless that one is later
-- (an as-of date in the past); only those customers look among their snapshots
latest_balance as (
    select
        customer_id,
        available_balance,
        credit_limit,
        discount_rate
    from latest_snapshots
    where snapshot_date <= {{ as_of() }}
    union all
    select
        balances.customer_id,
        max_by(balances.available_balance, balances.snapshot_date) as available_balance,
        max_by(balances.credit_limit, balances.snapshot_date) as credit_limit,
        max_by(balances.discount_rate, balances.snapshot_date) as discount_rate
    from balances
    inner join latest_snapshots
        on
            balances.customer_id = latest_snapshots.customer_id
            and latest_snapshots.snapshot_date > {{ as_of() }}
    where balances.snapshot_date <= {{ as_of() }}
    group by balances.customer_id
),

final as (
    select
        access.viewer_id as viewer_partner_id,
        access.customer_id,
        customers.customer_name,
        customers.account_name,
        periods.association_type,
        periods.partner_id as owner_partner_id,
        periods.associated_at,
        case when access.access_level = 'full' then latest_balance.credit_limit end as credit_limit,
        case when access.access_level = 'full' then latest_balance.discount_rate end as discount_rate,
        access.access_level = 'full' and periods.partner_id = access.viewer_id as is_own_customer,
        periods.customer_manager_id,
        staff.supervisor_id,
        customers.industry,
        customers.region,
        case when access.access_level = 'full' then latest_balance.available_balance end
            as available_balance,
        access.access_level
    from access
    inner join periods on access.customer_id = periods.customer_id
    left join customers on access.customer_id = customers.customer_id
    left join staff on periods.customer_manager_id = staff.staff_id
    left join latest_balance on access.customer_id = latest_balance.customer_id
)

select * from final
