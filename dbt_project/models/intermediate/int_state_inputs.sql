-- What the incremental models depend on besides their own raw rows, one fingerprint per
-- thing (int_rating_inputs for the rating, int_warning_inputs for the warnings, and each
-- customer's profile for the board's revenue by dimension, int_board_revenue_daily),
-- computed once a run: int_changed_inputs compares them with the previous build's, and
-- int_applied_state keeps them for the next.
with

rating_inputs as (
    select * from {{ ref('int_rating_inputs') }}
),

warning_inputs as (
    select * from {{ ref('int_warning_inputs') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

profile_inputs as (
    select
        'customer_profile' as kind,
        customer_id as state_key,
        md5(concat_ws(
            '|',
            coalesce(industry, '~'),
            coalesce(region, '~'),
            coalesce(cast(is_new_customer as string), '~')
        )) as fingerprint
    from customers
),

final as (
    select * from rating_inputs
    union all
    select
        kind,
        state_key,
        fingerprint,
        {{ no_state_detail_columns() }}
    from warning_inputs
    union all
    select
        kind,
        state_key,
        fingerprint,
        {{ no_state_detail_columns() }}
    from profile_inputs
)

select * from final
