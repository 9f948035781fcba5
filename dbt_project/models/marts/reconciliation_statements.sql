{{ config(materialized='view', tags=['same_every_day']) }}
-- One row per partner and billing period Huawei has sent: its statement amount, the
-- warehouse's, the difference split by class, and what is worth disputing. A view over
-- reconciliation_lines: reading one partner's rows costs that partner's reconciled lines,
-- and a day's run builds nothing.
with

lines as (
    select * from {{ ref('reconciliation_lines') }}
),

huawei_statements as (
    select * from {{ ref('stg_raw__huawei_statements') }}
),

per_period as (
    select
        partner_id,
        billing_period,
        cast(sum(coalesce(huawei_amount, 0)) as decimal(18, 2)) as huawei_lines_amount,
        cast(sum(coalesce(warehouse_amount, 0)) as decimal(18, 2)) as warehouse_amount,
        cast(sum(case when match_class = 'amount_differs' then difference else 0 end) as decimal(18, 2))
            as amount_differs_difference,
        cast(sum(case when match_class = 'only_in_huawei' then difference else 0 end) as decimal(18, 2))
            as only_in_huawei_difference,
        cast(sum(case when match_class = 'only_in_warehouse' then difference else 0 end) as decimal(18, 2))
            as only_in_warehouse_difference,
        cast(sum(case when match_class = 'attributed_elsewhere' then difference else 0 end) as decimal(18, 2))
            as attributed_elsewhere_difference,
        cast(sum(case when is_disputable then difference else 0 end) as decimal(18, 2))
            as disputable_amount,
        count(*) filter (where match_class = 'matched') as lines_matched,
        count(*) filter (where match_class != 'matched') as lines_differing,
        count(*) filter (where is_disputable) as lines_disputable
    from lines
    group by partner_id, billing_period
),

final as (
    select
        coalesce(per_period.partner_id, huawei_statements.partner_id) as partner_id,
        coalesce(per_period.billing_period, huawei_statements.billing_period) as billing_period,
        coalesce(huawei_statements.incentive_amount, per_period.huawei_lines_amount, 0)
            as huawei_amount,
        coalesce(per_period.warehouse_amount, 0) as warehouse_amount,
        coalesce(per_period.warehouse_amount, 0)
        - coalesce(huawei_statements.incentive_amount, per_period.huawei_lines_amount, 0)
            as difference,
        coalesce(per_period.disputable_amount, 0) as disputable_amount,
        coalesce(per_period.lines_matched, 0) as lines_matched,
        coalesce(per_period.lines_differing, 0) as lines_differing,
        coalesce(per_period.lines_disputable, 0) as lines_disputable,
        coalesce(per_period.amount_differs_difference, 0) as amount_differs_difference,
        coalesce(per_period.only_in_huawei_difference, 0) as only_in_huawei_difference,
        coalesce(per_period.only_in_warehouse_difference, 0) as only_in_warehouse_difference,
        coalesce(per_period.attributed_elsewhere_difference, 0) as attributed_elsewhere_difference,
        coalesce(per_period.huawei_lines_amount, 0) as huawei_lines_amount,
        -- Huawei's statement against the sum of its own lines: 0 when its export is whole
        coalesce(huawei_statements.incentive_amount, per_period.huawei_lines_amount, 0)
        - coalesce(per_period.huawei_lines_amount, 0) as statement_gap,
        huawei_statements.status as huawei_status
    from per_period
    full outer join huawei_statements
        on
            per_period.partner_id = huawei_statements.partner_id
            and per_period.billing_period = huawei_statements.billing_period
)

select * from final
