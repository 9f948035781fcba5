-- 激励账单 (S1, T9): one row per settlement partner and billing period.
with

statements as (
    select * from {{ ref('int_statements_statused') }}
),

incentives as (
    select * from {{ ref('int_incentives_by_day') }}
),

partners as (
    select * from {{ ref('stg_raw__partners') }}
),

amounts as (
    select
        settlement_partner_id as partner_id,
        billing_period,
        sum(incentive_amount) as incentive_amount,
        sum(detail_rows) as detail_rows
    from incentives
    group by settlement_partner_id, billing_period
),

final as (
    select
        statements.partner_id,
        statements.billing_period,
        cast(coalesce(amounts.incentive_amount, 0) as decimal(18, 2)) as incentive_amount,
        statements.status,
        statements.invoice_received_at,
        statements.payment_due_date,
        statements.paid_at,
        statements.is_overdue,
        statements.statement_id,
        partners.partner_name,
        statements.generated_at,
        statements.confirmed_at,
        statements.is_auto_confirmed,
        statements.ops_approved_at,
        cast(coalesce(amounts.detail_rows, 0) as bigint) as detail_rows
    from statements
    left join amounts
        on
            statements.partner_id = amounts.partner_id
            and statements.billing_period = amounts.billing_period
    left join partners on statements.partner_id = partners.partner_id
)

select * from final
