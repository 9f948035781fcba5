-- Every catalog row names a measure, a method and a period of the documented seeds, and a
-- distinct count names a measure kept by customer: marts.indicators joins them, so a row
-- naming anything else would silently show no value.
with

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

checked as (
    select
        catalog.indicator_code,
        catalog.measure,
        catalog.statistical_method,
        catalog.statistical_period,
        measures.measure is null as unknown_measure,
        methods.statistical_method is null as unknown_method,
        statistical_periods.statistical_period is null as unknown_period,
        catalog.statistical_method = 'distinct count'
        and not coalesce(measures.by_customer, false) as distinct_count_without_customers
    from catalog
    left join measures on catalog.measure = measures.measure
    left join methods on catalog.statistical_method = methods.statistical_method
    left join statistical_periods
        on catalog.statistical_period = statistical_periods.statistical_period
)

select * from checked
where unknown_measure or unknown_method or unknown_period or distinct_count_without_customers
