-- What the incremental models depend on besides their own raw rows, one fingerprint per
-- thing (int_rating_inputs for the rating, int_warning_inputs for the warnings),
-- computed once a run: int_changed_inputs compares them with the previous build's, and
-- int_applied_state keeps them for the next.
with

rating_inputs as (
    select * from {{ ref('int_rating_inputs') }}
),

warning_inputs as (
    select * from {{ ref('int_warning_inputs') }}
),

final as (
    select * from rating_inputs
    union all
    select
        kind,
        state_key,
        fingerprint,
        cast(null as string) as partner_type,
        cast(null as string) as association_type,
        cast(null as string) as product_type,
        valid_from,
        valid_to,
        customer_id
    from warning_inputs
)

select * from final
