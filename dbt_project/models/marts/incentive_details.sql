{{ config(materialized='view', tags=['same_every_day']) }}
-- 激励明细 (S14): one row per transaction and incentive type, with the names to search
-- by and the status of the statement the row belongs to, up to the as-of date.
-- A view: the transactions are kept incrementally (int_transactions_rated), and what
-- changes with time and not with the transaction (statement status, names of customers,
-- staff and resellers) is joined when read, so it never forces a rewrite of history.
-- The rows and the as-of cut are those of incentive_facts (the dashboards' id-only view).
with

incentives as (
    select * from {{ ref('incentive_facts') }}
),

statements as (
    select * from {{ ref('int_statements_statused') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

partners as (
    select * from {{ ref('stg_raw__partners') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

final as (
    select
        incentives.transaction_id,
        incentives.transaction_type,
        incentives.order_no,
        incentives.partner_id,
        incentives.billing_period,
        incentives.customer_id,
        customers.customer_name,
        customers.account_name,
        resellers.partner_name as reseller_name,
        managers.staff_name as customer_manager_name,
        supervisors.staff_name as supervisor_name,
        incentives.product_type,
        incentives.incentive_type,
        incentives.eligible_amount,
        incentives.rate,
        incentives.incentive_amount,
        statements.status as statement_status,
        statements.statement_id,
        incentives.transaction_date,
        incentives.owner_partner_id,
        incentives.reseller_id,
        incentives.customer_manager_id,
        incentives.supervisor_id,
        incentives.association_type,
        incentives.billing_mode,
        incentives.year,
        incentives.resource_id,
        incentives.project_id,
        incentives.policy_id
    from incentives
    left join statements
        on
            incentives.partner_id = statements.partner_id
            and incentives.billing_period = statements.billing_period
    left join customers on incentives.customer_id = customers.customer_id
    left join partners as resellers on incentives.reseller_id = resellers.partner_id
    left join staff as managers on incentives.customer_manager_id = managers.staff_id
    left join staff as supervisors on incentives.supervisor_id = supervisors.staff_id
)

select * from final
