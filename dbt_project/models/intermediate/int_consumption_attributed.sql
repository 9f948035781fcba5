{{ config(materialized='view', tags=['same_every_day']) }}
-- On-demand consumption as transactions, attributed to the association in force at the END
-- of the usage day (macro attributed_consumption, rule 1); rows without an owner keep a
-- null owner. A view: the rating attributes only the rows a run recomputes, with the same
-- macro.
with

consumption as (
    select * from {{ ref('stg_raw__consumption') }}
),

periods as (
    select * from {{ ref('int_association_periods') }}
),

final as (
    {{ attributed_consumption('consumption', 'periods') }}
)

select * from final
