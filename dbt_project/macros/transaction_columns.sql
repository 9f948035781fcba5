{#- The columns every attributed transaction carries, in one order. The base incentive
    unions orders with consumption and the details union base with acceleration rows;
    `union all` matches columns by position, so every branch selects this one list. -#}
{% macro attributed_transaction_columns() -%}
    transaction_id,
    transaction_type,
    order_no,
    resource_id,
    project_id,
    customer_id,
    product_type,
    billing_mode,
    transaction_time,
    transaction_date,
    billing_period,
    eligible_amount,
    association_id,
    owner_partner_id,
    association_type,
    customer_manager_id
{%- endmacro %}

{#- The incentive rows summed per day and grouping column, up to the as-of date: the base
    rows from a kept aggregate (`base`: int_incentive_daily, or int_incentive_customer_daily
    with `keys` 'customer_id'), the acceleration rows (one per project) as they are. Nothing
    dated after the as-of date counts anywhere: it waits for its day. -#}
{% macro incentive_groups_to_as_of(base, keys=none) -%}
    {%- for incentive_type, source, detail_rows in [
        ('base', base, 'detail_rows'),
        ('acceleration', ref('int_projects_accelerated'), 'cast(1 as bigint)'),
    ] %}
        {%- if not loop.first %}

    union all

        {% endif %}
    select
        {% if keys %}{{ keys }},{% endif %}
        settlement_partner_id,
        owner_partner_id,
        reseller_id,
        customer_manager_id,
        association_type,
        product_type,
        transaction_type,
        billing_mode,
        '{{ incentive_type }}' as incentive_type,
        billing_period,
        transaction_date,
        eligible_amount,
        incentive_amount,
        {{ detail_rows }}{% if detail_rows != 'detail_rows' %} as detail_rows{% endif %}
    from {{ source }}
    where transaction_date <= {{ as_of() }}
    {%- endfor %}
{%- endmacro %}

{#- The columns of the published day groups (marts.incentive_daily and, after its
    customer_id, marts.incentive_customer_daily), in one order: the details page reads
    either for its totals and its days, so they must agree. From a relation with the
    columns of incentive_groups_to_as_of. -#}
{% macro day_group_columns() -%}
    settlement_partner_id as partner_id,
    owner_partner_id,
    reseller_id,
    customer_manager_id,
    association_type,
    product_type,
    transaction_type,
    billing_mode,
    incentive_type,
    billing_period,
    cast(left(billing_period, 4) as integer) as year,
    transaction_date,
    eligible_amount,
    incentive_amount,
    detail_rows
{%- endmacro %}

{#- The columns the base incentive is grouped by per day (int_incentive_daily, and after
    customer_id int_incentive_customer_daily): every column the details page filters by,
    in one list so that the two tables keep the same groups. -#}
{% macro incentive_day_dimensions() -%}
    {{ return([
        'settlement_partner_id', 'owner_partner_id', 'reseller_id', 'customer_manager_id',
        'association_type', 'product_type', 'transaction_type', 'billing_mode',
        'billing_period', 'transaction_date']) }}
{%- endmacro %}
