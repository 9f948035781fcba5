{{ config(materialized='view') }}
-- Customer resources (S15): on-demand and yearly/monthly resources with their expiry. A
-- view: a table of every customer's resources was written again every day for its days to
-- expiry (which read the as-of date); a page reads the resources of its customers.
with

resources as (
    select * from {{ ref('stg_raw__resources') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

final as (
    select
        resources.customer_id,
        resources.resource_id,
        resources.product_type,
        resources.billing_mode,
        resources.start_date,
        resources.expire_date,
        resources.status,
        customers.customer_name,
        case
            when resources.expire_date is not null
                then cast({{ days_between(as_of(), 'resources.expire_date') }} as integer)
        end as days_to_expiry
    from resources
    left join customers on resources.customer_id = customers.customer_id
)

select * from final
