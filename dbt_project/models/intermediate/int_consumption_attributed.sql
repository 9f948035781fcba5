{{
    config(
        materialized='incremental',
        incremental_strategy=consumption_incremental_strategy(),
        unique_key='transaction_id',
        partition_by=consumption_partition_by(),
        on_schema_change='sync_all_columns'
    )
}}
-- On-demand consumption as transactions, attributed to the association in force at the
-- END of the usage day (associated before midnight, not disassociated before midnight):
-- a customer who changes partner during the day counts that day for the new partner; a
-- customer disassociated during the day counts it for nobody.
--
-- Incremental: a run processes the consumption of partitions after the watermark (the
-- newest _partition_date already here) plus all consumption of the customers whose
-- association periods changed since their rows were written (a fingerprint of the
-- customer's periods is stored on each row): new or late association events, or an
-- association that validation now accepts or rejects differently.
-- Rows without an owner are kept (null owner) so that a re-attribution always replaces
-- the previous row of the same transaction_id.
with

periods as (
    select * from {{ ref('int_association_periods') }}
),

fingerprints as (
    select
        customer_id,
        md5({{ ordered_string_agg(
            "association_id || '|' || " ~ format_time('associated_at', '%Y-%m-%d %H:%M:%S.%f') ~ " || '|'
            || coalesce(" ~ format_time('disassociated_at', '%Y-%m-%d %H:%M:%S.%f') ~ ", 'open') || '|'
            || partner_id || '|' || coalesce(association_type, '') || '|'
            || coalesce(customer_manager_id, '')",
            "','",
            'associated_at, association_id'
        ) }}) as association_fingerprint
    from periods
    group by customer_id
),

{#- written before the fingerprint existed: everything is reprocessed once -#}
{% set reprocess_changes = is_incremental() and relation_has_column(this, '_association_fingerprint') %}

{% if reprocess_changes %}
    changed_customers as (
        select done.customer_id
        from (
            select distinct
                written.customer_id,
                written._association_fingerprint
            from {{ this }} as written
        ) as done
        left join fingerprints on done.customer_id = fingerprints.customer_id
        where done._association_fingerprint is distinct from fingerprints.association_fingerprint
    ),
{% endif %}

consumption as (
    select new_rows.* from {{ ref('stg_raw__consumption') }} as new_rows
    {% if reprocess_changes %}
        where
            new_rows._partition_date > (
                select coalesce(max(done._partition_date), date '1900-01-01') from {{ this }} as done
            )
            or {{ consumption_reprocessed('new_rows', ref('stg_raw__consumption'), 'changed_customers') }}
    {% endif %}
),

final as (
    select
        'consumption:' || consumption.resource_id || ':'
        || {{ format_time('consumption.usage_date', '%Y-%m-%d') }} as transaction_id,
        'consumption' as transaction_type,
        cast(null as string) as order_no,
        consumption.resource_id,
        cast(null as string) as project_id,
        consumption.customer_id,
        consumption.product_type,
        'on_demand' as billing_mode,
        cast(consumption.usage_date as timestamp) as transaction_time,
        consumption.usage_date as transaction_date,
        {{ billing_period('consumption.usage_date') }} as billing_period,
        consumption.paid_amount as eligible_amount,
        periods.association_id,
        periods.partner_id as owner_partner_id,
        periods.association_type,
        periods.customer_manager_id,
        consumption._partition_date,
        fingerprints.association_fingerprint as _association_fingerprint,
        '{{ invocation_id }}' as _dbt_invocation_id
    from consumption
    left join fingerprints on consumption.customer_id = fingerprints.customer_id
    left join periods
        on
            consumption.customer_id = periods.customer_id
            and periods.associated_at < consumption.usage_date + interval 1 day
            and {{ open_ended('periods.disassociated_at') }} >= consumption.usage_date + interval 1 day
)

select * from final
