-- 指标信息 (S10): settlement partner x indicator of the catalog x reconciliation period.
-- Periods: every month from the partner's first activity (detail row or association of
-- it or its resellers) to the later of the as-of month and its last detail period. An
-- indicator without activity in a period is 0.
with

incentives as (
    select * from {{ ref('int_incentives_by_day') }}
),

customer_days as (
    select * from {{ ref('int_customer_daily') }}
    where transaction_date <= {{ as_of() }}
),

periods as (
    select * from {{ ref('int_association_periods') }}
),

partners as (
    select * from {{ ref('int_partners_resolved') }}
),

catalog as (
    select * from {{ ref('indicator_catalog') }}
),

associations as (
    select
        coalesce(partners.settlement_partner_id, periods.partner_id) as partner_id,
        periods.customer_id,
        {{ billing_period('periods.associated_at') }} as started_period,
        {{ billing_period('periods.disassociated_at') }} as ended_period
    from periods
    left join partners on periods.partner_id = partners.partner_id
),

bounds as (
    select
        partner_id,
        min(first_period) as first_period,
        greatest(max(last_period), {{ billing_period(as_of()) }}) as last_period
    from (
        select
            settlement_partner_id as partner_id,
            billing_period as first_period,
            billing_period as last_period
        from incentives
        union all
        select
            partner_id,
            started_period as first_period,
            started_period as last_period
        from associations
    ) as activity
    group by partner_id
),

months as (
    select
        partner_id,
        {{ billing_period('month_start') }} as reconciliation_period
    from (
        select
            partner_id,
            {{ time_series(
                parse_time("first_period || '01'", '%Y%m%d'),
                parse_time("last_period || '01'", '%Y%m%d'),
                'interval 1 month'
            ) }} as month_start
        from bounds
    ) as month_starts
),

spend as (
    select
        settlement_partner_id as partner_id,
        billing_period as reconciliation_period,
        sum(eligible_amount) filter (where transaction_type != 'project') as cash_spend,
        sum(incentive_amount) as incentive_amount
    from incentives
    group by settlement_partner_id, billing_period
),

customer_net as (
    select
        settlement_partner_id as partner_id,
        billing_period as reconciliation_period,
        customer_id
    from customer_days
    group by settlement_partner_id, billing_period, customer_id
    having sum(eligible_amount) > 0
),

active as (
    select
        partner_id,
        reconciliation_period,
        count(distinct customer_id) as active_customers
    from customer_net
    group by partner_id, reconciliation_period
),

started as (
    select
        partner_id,
        started_period as reconciliation_period,
        count(*) as new_customers
    from associations
    group by partner_id, started_period
),

ended as (
    select
        partner_id,
        ended_period as reconciliation_period,
        count(*) as disassociated_customers
    from associations
    where ended_period is not null
    group by partner_id, ended_period
),

monthly as (
    select
        months.partner_id,
        months.reconciliation_period,
        coalesce(spend.cash_spend, 0) as cash_spend,
        sum(coalesce(spend.cash_spend, 0)) over (
            partition by months.partner_id, left(months.reconciliation_period, 4)
            order by months.reconciliation_period
            rows between unbounded preceding and current row
        ) as cash_spend_ytd,
        coalesce(spend.incentive_amount, 0) as incentive_amount,
        coalesce(started.new_customers, 0) as new_customers,
        coalesce(ended.disassociated_customers, 0) as disassociated_customers,
        coalesce(active.active_customers, 0) as active_customers
    from months
    left join spend
        on
            months.partner_id = spend.partner_id
            and months.reconciliation_period = spend.reconciliation_period
    left join started
        on
            months.partner_id = started.partner_id
            and months.reconciliation_period = started.reconciliation_period
    left join ended
        on
            months.partner_id = ended.partner_id
            and months.reconciliation_period = ended.reconciliation_period
    left join active
        on
            months.partner_id = active.partner_id
            and months.reconciliation_period = active.reconciliation_period
),

values_long as (
    select
        partner_id,
        reconciliation_period,
        'cash_spend' as indicator_code,
        cash_spend as indicator_value
    from monthly
    union all
    select
        partner_id,
        reconciliation_period,
        'cash_spend_ytd' as indicator_code,
        cash_spend_ytd as indicator_value
    from monthly
    union all
    select
        partner_id,
        reconciliation_period,
        'incentive_amount' as indicator_code,
        incentive_amount as indicator_value
    from monthly
    union all
    select
        partner_id,
        reconciliation_period,
        'new_customers' as indicator_code,
        new_customers as indicator_value
    from monthly
    union all
    select
        partner_id,
        reconciliation_period,
        'disassociated_customers' as indicator_code,
        disassociated_customers as indicator_value
    from monthly
    union all
    select
        partner_id,
        reconciliation_period,
        'active_customers' as indicator_code,
        active_customers as indicator_value
    from monthly
),

final as (
    select
        values_long.partner_id,
        catalog.indicator_code,
        catalog.indicator_name_zh,
        catalog.indicator_name_en,
        catalog.statistical_method,
        catalog.statistical_period,
        values_long.reconciliation_period,
        cast(values_long.indicator_value as decimal(18, 2)) as indicator_value,
        catalog.sort_order,
        catalog.statistical_method_zh,
        catalog.statistical_period_zh
    from values_long
    inner join catalog on values_long.indicator_code = catalog.indicator_code
)

select * from final
