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

balances as (
    select * from {{ ref('stg_raw__balances') }}
    where snapshot_date <= {{ as_of() }}
),

latest_balance as (
    select
        customer_id,
        max_by(available_balance, snapshot_date) as available_balance,
        max_by(credit_limit, snapshot_date) as credit_limit,
        max_by(discount_rate, snapshot_date) as discount_rate
    from balances
    group by customer_id
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
