{{ config(materialized='view') }}
-- What a day's customer warnings depend on besides the dated rows (consumption by usage
-- date and balances by snapshot date, which the warning scope follows by date): each
-- customer's order days and yearly/monthly resources, the warning parameters and the as-of
-- date. int_applied_state keeps what a build used; the next build's int_changed_inputs
-- compares, and int_warning_scope re-evaluates from the first warning date a changed row
-- moves (`valid_from`):
-- - an order day (a non-cancelled order's date) is activity from that day on;
-- - a resource counts on warning date d when it is yearly/monthly, not released, and
--   start_date <= d <= expire_date <= d + expiring_resource_days: from the later of its
--   start and its expiry less those days, to its expiry (`valid_to`). Only the rows that
--   can count are kept: one that stops counting (released, another billing mode) leaves
--   the set, which is a change from its old first date.
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

params as (
    select {{ param('expiring_resource_days', 'integer') }} as expiring_days
),

resource_states as (
    select
        'resource' as kind,
        resources.resource_id as state_key,
        md5(concat_ws(
            '|',
            resources.customer_id,
            cast(resources.start_date as string),
            cast(resources.expire_date as string)
        )) as fingerprint,
        resources.customer_id,
        greatest(resources.start_date, resources.expire_date - params.expiring_days) as valid_from,
        resources.expire_date as valid_to
    from resources
    cross join params
    where
        resources.billing_mode = 'yearly_monthly'
        and resources.status != 'released'
        and resources.start_date is not null
        and resources.expire_date is not null
),

order_day_states as (
    select distinct
        'order_day' as kind,
        customer_id || '|' || cast(cast(order_time as date) as string) as state_key,
        'ordered' as fingerprint,
        customer_id,
        cast(order_time as date) as valid_from,
        cast(null as date) as valid_to
    from orders
    where order_status != 'cancelled'
),

parameter_fingerprint as (
    select
        'parameters' as kind,
        'warnings' as state_key,
        md5({{ ordered_string_agg("parameter || '=' || cast(value as string)", "','", 'parameter') }})
            as fingerprint,
        cast(null as string) as customer_id,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to
    from parameters
),

as_of_date as (
    select
        'as_of' as kind,
        'warnings' as state_key,
        '{{ as_of_text() }}' as fingerprint,
        cast(null as string) as customer_id,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to
),

final as (
    select * from resource_states
    union all
    select * from order_day_states
    union all
    select * from parameter_fingerprint
    union all
    select * from as_of_date
)

select * from final
