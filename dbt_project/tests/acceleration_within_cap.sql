-- An acceleration row never exceeds the cap of its branch, is never negative, and is the
-- capped amount before cap (rate null).
with

caps as (
    select
        max(value) filter (where parameter = 'new_customer_acceleration_cap') as new_customer_cap,
        max(value) filter (where parameter = 'existing_customer_acceleration_cap') as existing_customer_cap
    from {{ ref('business_parameters') }}
),

accelerated as (
    select * from {{ ref('int_projects_accelerated') }}
)

select accelerated.*
from accelerated
cross join caps
where
    accelerated.incentive_amount < 0
    or accelerated.incentive_amount
    > case when accelerated.is_new_customer then caps.new_customer_cap else caps.existing_customer_cap end
    or accelerated.incentive_amount != least(greatest(accelerated.eligible_amount, 0), accelerated.cap_amount)
