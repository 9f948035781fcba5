-- The sums close per reconciled statement: Huawei's amount plus the differences of its
-- lines is the warehouse's amount (to the cent), up to the gap between Huawei's statement
-- and its own lines; and the warehouse's amount is that of the warehouse's statement.
with

statements as (
    select * from {{ ref('reconciliation_statements') }}
),

lines as (
    select
        partner_id,
        billing_period,
        sum(difference) as lines_difference
    from {{ ref('reconciliation_lines') }}
    group by partner_id, billing_period
),

warehouse_statements as (
    select * from {{ ref('incentive_statements') }}
)

select
    statements.partner_id,
    statements.billing_period
from statements
left join lines
    on
        statements.partner_id = lines.partner_id
        and statements.billing_period = lines.billing_period
left join warehouse_statements
    on
        statements.partner_id = warehouse_statements.partner_id
        and statements.billing_period = warehouse_statements.billing_period
where
    statements.huawei_amount + coalesce(lines.lines_difference, 0)
    != statements.warehouse_amount + statements.statement_gap
    or statements.difference
    != statements.amount_differs_difference + statements.only_in_huawei_difference
    + statements.only_in_warehouse_difference + statements.attributed_elsewhere_difference
    - statements.statement_gap
    or statements.warehouse_amount != coalesce(warehouse_statements.incentive_amount, 0)
