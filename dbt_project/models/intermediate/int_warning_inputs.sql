{{ config(materialized='view') }}
-- What a day's customer warnings depend on besides the dated rows (consumption by usage
-- date and balances by snapshot date, which the warning scope follows by date): each
-- customer's yearly/monthly resources and the days of their non-cancelled orders (these
-- move a customer's warnings on any day, so a change re-evaluates that customer's whole
-- window), the warning parameters and the as-of date. int_applied_state keeps what a build
-- used; the next build's int_changed_inputs compares.
with

resources as (
    select * from {{ ref('stg_raw__resources') }}
),

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

parameters as (
    select * from {{ ref('business_parameters') }}
),

resource_fingerprints as (
    select
        'resources' as kind,
        customer_id as state_key,
        {{ set_fingerprint(
            "resource_id || '|' || coalesce(billing_mode, '~') || '|' || coalesce(status, '~') || '|'
            || coalesce(cast(start_date as string), '~') || '|' || coalesce(cast(expire_date as string), '~')"
        ) }} as fingerprint
    from resources
    group by customer_id
),

order_day_fingerprints as (
    select
        'order_days' as kind,
        customer_id as state_key,
        {{ set_fingerprint("cast(order_date as string)") }} as fingerprint
    from (
        select distinct
            customer_id,
            cast(order_time as date) as order_date
        from orders
        where order_status != 'cancelled'
    ) as order_days
    group by customer_id
),

parameter_fingerprint as (
    select
        'parameters' as kind,
        'warnings' as state_key,
        md5({{ ordered_string_agg("parameter || '=' || cast(value as string)", "','", 'parameter') }})
            as fingerprint
    from parameters
),

as_of_date as (
    select
        'as_of' as kind,
        'warnings' as state_key,
        '{{ as_of_text() }}' as fingerprint
),

final as (
    select * from resource_fingerprints
    union all
    select * from order_day_fingerprints
    union all
    select * from parameter_fingerprint
    union all
    select * from as_of_date
)

select * from final
