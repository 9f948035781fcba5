-- depends_on: {{ ref('int_changed_inputs') }}
-- The customers whose association periods changed since the previous build, each with the
-- first day whose attribution may differ (changed_from): a new period from its start, a
-- removed one from its start, a period that only ended (or whose end moved) from the
-- earlier end, and any other change (partner, type, manager, start) from the earlier
-- start. Rows dated before changed_from keep their owner, so the rating re-rates only
-- the customer's rows from there on (int_changed_keys). Empty on a full build.
{% set incremental = builds_on_previous_run() %}
with

{% if incremental %}
    changed as (
        select * from {{ ref('int_changed_inputs') }}
        where kind = 'association'
    ),

    current_versions as (
        select * from changed
        where is_current
    ),

    previous_versions as (
        select * from changed
        where not is_current
    ),

    associations as (
        select
            current_versions.customer_id as current_customer_id,
            previous_versions.customer_id as previous_customer_id,
            case
                when previous_versions.state_key is null then current_versions.valid_from
                when current_versions.state_key is null then previous_versions.valid_from
                when previous_versions.fingerprint = current_versions.fingerprint
                    then least(
                            coalesce(previous_versions.valid_to, cast('9999-12-31' as date)),
                            coalesce(current_versions.valid_to, cast('9999-12-31' as date))
                        )
                else least(previous_versions.valid_from, current_versions.valid_from)
            end as changed_from
        from current_versions
        full outer join previous_versions on current_versions.state_key = previous_versions.state_key
    ),

    customers as (
        select
            current_customer_id as customer_id,
            changed_from
        from associations
        where current_customer_id is not null
        union all
        select
            previous_customer_id as customer_id,
            changed_from
        from associations
        where previous_customer_id is not null
    ),

    final as (
        select
            customer_id,
            min(changed_from) as changed_from
        from customers
        group by customer_id
    )
{% else %}
    final as (
        select
            cast(null as string) as customer_id,
            cast(null as date) as changed_from
        where 1 = 0
    )
{% endif %}

select * from final
