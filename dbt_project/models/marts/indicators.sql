-- 指标信息 (S10): settlement partner x indicator of the catalog x reconciliation period.
-- The catalog drives the values: each row names a measure, a statistical method and a
-- statistical period from the seeds indicator_measures, indicator_methods and
-- indicator_periods (docs/RULES.md, "Indicators"), so a new row needs no SQL.
-- Periods: every month from the partner's first activity (detail row or association of
-- it or its resellers) to the later of the as-of month and its last detail period. An
-- indicator without activity in a period is 0.
with

incentives as (
    select * from {{ ref('int_incentives_by_day') }}
),

-- customers' amounts: by period for the months before the as-of month, by day within it
customer_periods as (
    select * from {{ ref('int_customer_periods') }}
    where transaction_period < {{ billing_period(as_of()) }}
),

as_of_month_customer_days as (
    select * from {{ ref('int_customer_daily') }}
    -- the first condition lets the scan skip the row groups of earlier days
    where
        transaction_date > {{ as_of() }} - 31
        and transaction_date <= {{ as_of() }}
        and {{ billing_period('transaction_date') }} = {{ billing_period(as_of()) }}
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

measures as (
    select * from {{ ref('indicator_measures') }}
),

methods as (
    select * from {{ ref('indicator_methods') }}
),

statistical_periods as (
    select * from {{ ref('indicator_periods') }}
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

-- Measures: the facts a catalog row can name (seed indicator_measures), per settlement
-- partner and billing period: `amount` is what a sum adds, `items` what a count counts.
measure_facts as (
    select
        settlement_partner_id as partner_id,
        billing_period,
        'cash_spend' as measure,
        sum(eligible_amount) as amount,
        sum(detail_rows) as items
    from incentives
    where transaction_type != 'project'
    group by settlement_partner_id, billing_period

    union all

    select
        settlement_partner_id as partner_id,
        billing_period,
        'incentive' as measure,
        sum(incentive_amount) as amount,
        sum(detail_rows) as items
    from incentives
    group by settlement_partner_id, billing_period

    union all

    select
        partner_id,
        started_period as billing_period,
        'associations_started' as measure,
        count(*) as amount,
        count(*) as items
    from associations
    group by partner_id, started_period

    union all

    select
        partner_id,
        ended_period as billing_period,
        'associations_ended' as measure,
        count(*) as amount,
        count(*) as items
    from associations
    where ended_period is not null
    group by partner_id, ended_period
),

-- The same measures by customer, read only by a distinct count.
customer_facts as (
    select
        settlement_partner_id as partner_id,
        billing_period,
        'cash_spend' as measure,
        customer_id,
        sum(eligible_amount) as amount
    from (
        select
            settlement_partner_id,
            billing_period,
            customer_id,
            eligible_amount
        from customer_periods
        union all
        select
            settlement_partner_id,
            billing_period,
            customer_id,
            eligible_amount
        from as_of_month_customer_days
    ) as customer_amounts
    group by settlement_partner_id, billing_period, customer_id

    union all

    select
        partner_id,
        started_period as billing_period,
        'associations_started' as measure,
        customer_id,
        count(*) as amount
    from associations
    group by partner_id, started_period, customer_id

    union all

    select
        partner_id,
        ended_period as billing_period,
        'associations_ended' as measure,
        customer_id,
        count(*) as amount
    from associations
    where ended_period is not null
    group by partner_id, ended_period, customer_id
),

month_numbers as (
    select
        partner_id,
        reconciliation_period,
        left(reconciliation_period, 4) as period_year,
        cast(right(reconciliation_period, 2) as integer) as month_number
    from months
),

-- Every catalog row for every month of the partner, with the months its value covers:
-- the statistical period holding the reconciliation month (its first month is the
-- month minus its offset in the period), cut at the reconciliation month for a
-- cumulative sum.
windows as (
    select
        month_numbers.partner_id,
        month_numbers.reconciliation_period,
        month_numbers.period_year,
        catalog.indicator_code,
        catalog.measure,
        catalog.statistical_method,
        month_numbers.month_number
        - (month_numbers.month_number - 1) % statistical_periods.months as first_month,
        case
            when catalog.statistical_method = 'cumulative sum' then month_numbers.month_number
            else
                month_numbers.month_number
                - (month_numbers.month_number - 1) % statistical_periods.months
                + statistical_periods.months - 1
        end as last_month
    from month_numbers
    cross join catalog
    inner join statistical_periods
        on catalog.statistical_period = statistical_periods.statistical_period
),

window_totals as (
    select
        windows.partner_id,
        windows.reconciliation_period,
        windows.indicator_code,
        sum(measure_facts.amount) as amount,
        sum(measure_facts.items) as items
    from windows
    inner join measure_facts
        on
            windows.partner_id = measure_facts.partner_id
            and windows.measure = measure_facts.measure
            and left(measure_facts.billing_period, 4) = windows.period_year
            and cast(right(measure_facts.billing_period, 2) as integer)
            between windows.first_month and windows.last_month
    where windows.statistical_method != 'distinct count'
    group by windows.partner_id, windows.reconciliation_period, windows.indicator_code
),

customer_totals as (
    select
        windows.partner_id,
        windows.reconciliation_period,
        windows.indicator_code,
        customer_facts.customer_id
    from windows
    inner join customer_facts
        on
            windows.partner_id = customer_facts.partner_id
            and windows.measure = customer_facts.measure
            and left(customer_facts.billing_period, 4) = windows.period_year
            and cast(right(customer_facts.billing_period, 2) as integer)
            between windows.first_month and windows.last_month
    where windows.statistical_method = 'distinct count'
    group by
        windows.partner_id,
        windows.reconciliation_period,
        windows.indicator_code,
        customer_facts.customer_id
    having sum(customer_facts.amount) > 0
),

distinct_customers as (
    select
        partner_id,
        reconciliation_period,
        indicator_code,
        count(*) as customers
    from customer_totals
    group by partner_id, reconciliation_period, indicator_code
),

final as (
    select
        windows.partner_id,
        catalog.indicator_code,
        catalog.indicator_name_zh,
        catalog.indicator_name_en,
        catalog.statistical_method,
        catalog.statistical_period,
        windows.reconciliation_period,
        cast(
            case windows.statistical_method
                when 'count' then coalesce(window_totals.items, 0)
                when 'distinct count' then coalesce(distinct_customers.customers, 0)
                else coalesce(window_totals.amount, 0)
            end as decimal(18, 2)
        ) as indicator_value,
        catalog.sort_order,
        methods.method_name_zh as statistical_method_zh,
        statistical_periods.period_name_zh as statistical_period_zh,
        methods.method_name_en as statistical_method_en,
        statistical_periods.period_name_en as statistical_period_en,
        catalog.measure,
        case when methods.unit = 'measure' then measures.unit else methods.unit end as unit
    from windows
    inner join catalog on windows.indicator_code = catalog.indicator_code
    inner join measures on catalog.measure = measures.measure
    inner join methods on catalog.statistical_method = methods.statistical_method
    inner join statistical_periods
        on catalog.statistical_period = statistical_periods.statistical_period
    left join window_totals
        on
            windows.partner_id = window_totals.partner_id
            and windows.reconciliation_period = window_totals.reconciliation_period
            and windows.indicator_code = window_totals.indicator_code
    left join distinct_customers
        on
            windows.partner_id = distinct_customers.partner_id
            and windows.reconciliation_period = distinct_customers.reconciliation_period
            and windows.indicator_code = distinct_customers.indicator_code
)

select * from final
