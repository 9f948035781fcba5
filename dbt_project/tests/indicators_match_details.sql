-- The money indicators add up to the details: cash_spend = eligible of non-project rows,
-- incentive_amount = incentive of all rows, per settlement partner and period.
with

details as (
    select
        partner_id,
        billing_period,
        sum(eligible_amount) filter (where transaction_type != 'project') as cash_spend,
        sum(incentive_amount) as incentive_amount
    from {{ ref('incentive_details') }}
    group by partner_id, billing_period
),

indicators as (
    select
        partner_id,
        reconciliation_period,
        max(indicator_value) filter (where indicator_code = 'cash_spend') as cash_spend,
        max(indicator_value) filter (where indicator_code = 'incentive_amount') as incentive_amount
    from {{ ref('indicators') }}
    group by partner_id, reconciliation_period
)

select details.*
from details
left join indicators
    on details.partner_id = indicators.partner_id and details.billing_period = indicators.reconciliation_period
where
    indicators.partner_id is null
    or coalesce(details.cash_spend, 0) != indicators.cash_spend
    or details.incentive_amount != indicators.incentive_amount
