-- The half-month aggregate the what-if rates from (int_incentive_half_months) equals the
-- transactions it sums, per settlement partner, billing period and rating combination:
-- rows, stored incentive, and the eligible amount as whole yuan plus cents (cents_rated_100:
-- the cents at 100%). An incremental run that added or subtracted a row twice, or missed
-- one, shows here.
with

from_transactions as (
    select
        settlement_partner_id,
        billing_period,
        settlement_partner_type,
        association_type,
        product_type,
        sum(eligible_amount) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        count(*) as detail_rows
    from {{ ref('int_transactions_rated') }}
    group by
        settlement_partner_id, billing_period, settlement_partner_type, association_type,
        product_type
),

from_half_months as (
    select
        settlement_partner_id,
        billing_period,
        settlement_partner_type,
        association_type,
        product_type,
        sum(whole_yuan + cents_rated_100) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        sum(detail_rows) as detail_rows
    from {{ ref('int_incentive_half_months') }}
    group by
        settlement_partner_id, billing_period, settlement_partner_type, association_type,
        product_type
)

select
    from_transactions.settlement_partner_id,
    from_transactions.billing_period,
    from_half_months.settlement_partner_id as half_months_partner_id
from from_transactions
full outer join from_half_months
    on
        from_transactions.settlement_partner_id = from_half_months.settlement_partner_id
        and from_transactions.billing_period = from_half_months.billing_period
        and from_transactions.settlement_partner_type is not distinct from from_half_months.settlement_partner_type
        and from_transactions.association_type = from_half_months.association_type
        and from_transactions.product_type = from_half_months.product_type
where
    from_half_months.detail_rows is distinct from from_transactions.detail_rows
    or from_half_months.eligible_amount is distinct from from_transactions.eligible_amount
    or from_half_months.incentive_amount is distinct from from_transactions.incentive_amount
