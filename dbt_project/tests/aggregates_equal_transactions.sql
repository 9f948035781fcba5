-- The aggregates kept by difference equal the transactions they sum: an incremental run
-- that added or subtracted a row twice, or missed one, shows here.
with

from_transactions as (
    select
        settlement_partner_id,
        owner_partner_id,
        billing_period,
        sum(eligible_amount) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        count(*) as detail_rows
    from {{ ref('int_transactions_rated') }}
    group by settlement_partner_id, owner_partner_id, billing_period
),

from_daily as (
    select
        settlement_partner_id,
        owner_partner_id,
        billing_period,
        sum(eligible_amount) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        sum(detail_rows) as detail_rows
    from {{ ref('int_incentive_daily') }}
    group by settlement_partner_id, owner_partner_id, billing_period
),

from_customers as (
    select
        settlement_partner_id,
        owner_partner_id,
        billing_period,
        sum(eligible_amount) as eligible_amount,
        sum(detail_rows) as detail_rows
    from {{ ref('int_customer_daily') }}
    group by settlement_partner_id, owner_partner_id, billing_period
),

-- int_customer_periods has no owner: compared by settlement partner and period
from_customer_periods as (
    select
        settlement_partner_id,
        billing_period,
        sum(eligible_amount) as eligible_amount,
        sum(detail_rows) as detail_rows
    from {{ ref('int_customer_periods') }}
    group by settlement_partner_id, billing_period
),

by_settlement as (
    select
        settlement_partner_id,
        billing_period,
        sum(eligible_amount) as eligible_amount,
        sum(detail_rows) as detail_rows
    from from_transactions
    group by settlement_partner_id, billing_period
),

settlement_differences as (
    select
        by_settlement.settlement_partner_id,
        cast(null as string) as owner_partner_id,
        by_settlement.billing_period
    from by_settlement
    full outer join from_customer_periods
        on
            by_settlement.settlement_partner_id = from_customer_periods.settlement_partner_id
            and by_settlement.billing_period = from_customer_periods.billing_period
    where
        from_customer_periods.detail_rows is distinct from by_settlement.detail_rows
        or from_customer_periods.eligible_amount is distinct from by_settlement.eligible_amount
)

select
    from_transactions.settlement_partner_id,
    from_transactions.owner_partner_id,
    from_transactions.billing_period
from from_transactions
full outer join from_daily
    on
        from_transactions.settlement_partner_id = from_daily.settlement_partner_id
        and from_transactions.owner_partner_id = from_daily.owner_partner_id
        and from_transactions.billing_period = from_daily.billing_period
full outer join from_customers
    on
        from_transactions.settlement_partner_id = from_customers.settlement_partner_id
        and from_transactions.owner_partner_id = from_customers.owner_partner_id
        and from_transactions.billing_period = from_customers.billing_period
where
    from_daily.detail_rows is distinct from from_transactions.detail_rows
    or from_daily.eligible_amount is distinct from from_transactions.eligible_amount
    or from_daily.incentive_amount is distinct from from_transactions.incentive_amount
    or from_customers.detail_rows is distinct from from_transactions.detail_rows
    or from_customers.eligible_amount is distinct from from_transactions.eligible_amount

union all

select * from settlement_differences
