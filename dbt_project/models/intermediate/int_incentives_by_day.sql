{{ config(materialized='view') }}
-- Every incentive row summed per day and grouping column, up to the as-of date
-- (macro incentive_groups_to_as_of): the base rows from their kept aggregate
-- (int_incentive_daily), the acceleration rows (one per project) as they are. Statements,
-- the board, the indicators and the customer board read this, never the transactions.
with

final as (
    {{ incentive_groups_to_as_of(ref('int_incentive_daily')) }}
)

select * from final
