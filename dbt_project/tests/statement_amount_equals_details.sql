-- A statement's amount is the sum of its detail rows, and every detail row has a statement.
with

details as (
    select
        statement_id,
        sum(incentive_amount) as details_amount,
        count(*) as details_rows
    from {{ ref('incentive_details') }}
    group by statement_id
),

statements as (
    select * from {{ ref('incentive_statements') }}
)

select
    coalesce(statements.statement_id, details.statement_id) as statement_id,
    statements.incentive_amount,
    details.details_amount
from statements
full outer join details on statements.statement_id = details.statement_id
where
    statements.statement_id is null
    or statements.incentive_amount != coalesce(details.details_amount, 0)
    or statements.detail_rows != coalesce(details.details_rows, 0)
