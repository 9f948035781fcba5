{{ config(materialized='view', tags=['same_every_day']) }}
-- Every incentive row of the details: base incentive of orders, refunds and consumption,
-- and the acceleration incentive of projects. One row per transaction_id. The supervisor
-- is the customer manager's as the staff snapshot says now, joined here and not stored
-- with the transaction, so a change of team rewrites no history.
-- A view: a union of two tables, read by the details; nothing is copied.
with

rated as (
    select * from {{ ref('int_transactions_rated') }}
),

accelerated as (
    select * from {{ ref('int_projects_accelerated') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

incentives as (
    select
        {{ attributed_transaction_columns() }},
        settlement_partner_id,
        reseller_id,
        policy_id,
        rate,
        incentive_amount,
        'base' as incentive_type
    from rated

    union all

    select
        {{ attributed_transaction_columns() }},
        settlement_partner_id,
        reseller_id,
        cast(null as string) as policy_id,
        cast(null as decimal(9, 6)) as rate,
        incentive_amount,
        'acceleration' as incentive_type
    from accelerated
),

final as (
    select
        incentives.*,
        staff.supervisor_id
    from incentives
    left join staff on incentives.customer_manager_id = staff.staff_id
)

select * from final
