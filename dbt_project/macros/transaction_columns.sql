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
