-- Every detail row carries the status of its statement.
select
    details.transaction_id,
    details.statement_status,
    statements.status
from {{ ref('incentive_details') }} as details
left join {{ ref('incentive_statements') }} as statements
    on details.statement_id = statements.statement_id
where details.statement_status is distinct from statements.status
