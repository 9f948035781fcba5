-- 激励看板 (S5): incentive per settlement partner, billing period, owner partner and
-- customer manager (with the manager's supervisor), with the status of the period's
-- statement. From the daily aggregate, not the details: the board costs what its groups
-- cost, whatever the history.
with

incentives as (
    select * from {{ ref('int_incentives_by_day') }}
),

statements as (
    select * from {{ ref('int_statements_statused') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

by_manager as (
    select
        settlement_partner_id,
        owner_partner_id,
        billing_period,
        customer_manager_id,
        sum(incentive_amount) as incentive_amount,
        sum(eligible_amount) as eligible_amount,
        sum(detail_rows) as detail_rows
    from incentives
    group by settlement_partner_id, owner_partner_id, billing_period, customer_manager_id
),

final as (
    select
        by_manager.settlement_partner_id as partner_id,
        by_manager.billing_period,
        supervisors.staff_name as supervisor_name,
        managers.staff_name as customer_manager_name,
        statements.status,
        cast(by_manager.incentive_amount as decimal(18, 2)) as incentive_amount,
        managers.supervisor_id,
        by_manager.customer_manager_id,
        cast(left(by_manager.billing_period, 4) as integer) as year,
        cast(by_manager.eligible_amount as decimal(18, 2)) as eligible_amount,
        cast(by_manager.detail_rows as bigint) as detail_rows,
        by_manager.owner_partner_id
    from by_manager
    left join statements
        on
            by_manager.settlement_partner_id = statements.partner_id
            and by_manager.billing_period = statements.billing_period
    left join staff as managers on by_manager.customer_manager_id = managers.staff_id
    left join staff as supervisors on managers.supervisor_id = supervisors.staff_id
)

select * from final
