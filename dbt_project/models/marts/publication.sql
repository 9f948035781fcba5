-- The publication itself: the as-of date the marts were computed for and the run that
-- built them. Readers take "today" from here, never from their own clock, so a page shows
-- the same answer whenever it is opened.
with

final as (
    select
        {{ as_of() }} as as_of_date,
        cast(
            '{{ env_var("PARTNER_WAREHOUSE_RUN_ID", "") }}' as string
        ) as run_id
)

select * from final
