-- The details' per-customer groups equal the detail rows they count and sum, per customer,
-- period and partner: an incremental run that missed a (customer, day) pair it touched, or
-- kept one twice, shows here. (Group for group it cost 16 s of a 10M-row full build; the
-- week test compares the kept table with a fresh build group for group.)
with

from_facts as (
    select
        customer_id,
        billing_period,
        partner_id,
        owner_partner_id,
        sum(eligible_amount) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        count(*) as detail_rows
    from {{ ref('incentive_facts') }}
    group by customer_id, billing_period, partner_id, owner_partner_id
),

from_customers as (
    select
        customer_id,
        billing_period,
        partner_id,
        owner_partner_id,
        sum(eligible_amount) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        sum(detail_rows) as detail_rows
    from {{ ref('incentive_customer_daily') }}
    group by customer_id, billing_period, partner_id, owner_partner_id
),

only_facts as (
    select * from from_facts
    except
    select * from from_customers
),

only_customers as (
    select * from from_customers
    except
    select * from from_facts
)

select
    'only in the details' as side,
    only_facts.*
from only_facts
union all
select
    'only in the customer groups' as side,
    only_customers.*
from only_customers
