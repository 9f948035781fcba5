-- The histogram of cents the what-if rates from (int_rated_amount_residues) equals the
-- transactions it counts, per settlement partner, billing period and rating combination:
-- rows, stored incentive, and the eligible amount rebuilt from sign, whole yuan and cents.
-- An incremental run that added or subtracted a row twice, or missed one, shows here.
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

from_residues as (
    select
        settlement_partner_id,
        billing_period,
        settlement_partner_type,
        association_type,
        product_type,
        sum(eligible_sign * (whole_yuan + eligible_cents * detail_rows)) as eligible_amount,
        sum(incentive_amount) as incentive_amount,
        sum(detail_rows) as detail_rows
    from {{ ref('int_rated_amount_residues') }}
    group by
        settlement_partner_id, billing_period, settlement_partner_type, association_type,
        product_type
)

select
    from_transactions.settlement_partner_id,
    from_transactions.billing_period,
    from_residues.settlement_partner_id as residues_partner_id
from from_transactions
full outer join from_residues
    on
        from_transactions.settlement_partner_id = from_residues.settlement_partner_id
        and from_transactions.billing_period = from_residues.billing_period
        and from_transactions.settlement_partner_type is not distinct from from_residues.settlement_partner_type
        and from_transactions.association_type = from_residues.association_type
        and from_transactions.product_type = from_residues.product_type
where
    from_residues.detail_rows is distinct from from_transactions.detail_rows
    or from_residues.eligible_amount is distinct from from_transactions.eligible_amount
    or from_residues.incentive_amount is distinct from from_transactions.incentive_amount
