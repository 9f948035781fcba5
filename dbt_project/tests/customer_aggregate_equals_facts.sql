-- The details' per-customer groups equal the detail rows they count and sum, group for
-- group: an incremental run that missed a (customer, day) pair it touched, or kept one
-- twice, shows here. EXCEPT compares nulls as equal (the reseller of a direct customer).
with

from_facts as (
    select
        customer_id,
        partner_id,
        owner_partner_id,
        reseller_id,
        customer_manager_id,
        association_type,
        product_type,
        transaction_type,
        billing_mode,
        incentive_type,
        billing_period,
        transaction_date,
        sum(eligible_amount) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        count(*) as detail_rows
    from {{ ref('incentive_facts') }}
    group by
        customer_id,
        partner_id,
        owner_partner_id,
        reseller_id,
        customer_manager_id,
        association_type,
        product_type,
        transaction_type,
        billing_mode,
        incentive_type,
        billing_period,
        transaction_date
),

from_customers as (
    select
        customer_id,
        partner_id,
        owner_partner_id,
        reseller_id,
        customer_manager_id,
        association_type,
        product_type,
        transaction_type,
        billing_mode,
        incentive_type,
        billing_period,
        transaction_date,
        sum(eligible_amount) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        sum(detail_rows) as detail_rows
    from {{ ref('incentive_customer_daily') }}
    group by
        customer_id,
        partner_id,
        owner_partner_id,
        reseller_id,
        customer_manager_id,
        association_type,
        product_type,
        transaction_type,
        billing_mode,
        incentive_type,
        billing_period,
        transaction_date
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
