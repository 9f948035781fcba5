{#- The customer board's breakdown dimensions (S8), one place for the board's revenue
    (int_board_revenue_daily) and its customer counts (int_owner_days). -#}

{#- One row per dimension, the five the board breaks down by. -#}
{% macro board_dimensions() -%}
    select 'industry' as dimension
    union all
    select 'region' as dimension
    union all
    select 'association_type' as dimension
    union all
    select 'customer_kind' as dimension
    union all
    select 'customer_manager' as dimension
{%- endmacro %}

{#- A row's value of `dimension` (a column holding a dimension's name): its industry, region,
    association type, new/existing and customer manager id come from the `row` relation's
    columns, the profile from `profile` (the customer's); 'unknown' when missing. -#}
{% macro board_dimension_key(dimension, row, profile) -%}
    coalesce(case {{ dimension }}
        when 'industry' then {{ profile }}.industry
        when 'region' then {{ profile }}.region
        when 'association_type' then {{ row }}.association_type
        when 'customer_kind' then case when {{ profile }}.is_new_customer then 'new' else 'existing' end
        when 'customer_manager' then {{ row }}.customer_manager_id
    end, 'unknown')
{%- endmacro %}

{#- int_board_revenue_daily's rows of int_customer_daily with a customer profile: `join`ed
    ('left join' / 'inner join') to `profile` (a relation with customer_id and, behind
    `prefix`, industry, region and is_new_customer), counted `sign` times, on the
    recomputed days (`days` 'in'), the others ('not in') or all (none). -#}
{% macro board_contributions(join, profile, prefix, sign, days=none) -%}
    select
        daily.owner_partner_id,
        daily.transaction_date,
        daily.association_type,
        daily.customer_manager_id,
        {{ profile }}.{{ prefix }}industry as industry,
        {{ profile }}.{{ prefix }}region as region,
        {{ profile }}.{{ prefix }}is_new_customer as is_new_customer,
        daily.eligible_amount,
        {{ sign }} as sign
    from {{ ref('int_customer_daily') }} as daily
    {{ join }} {{ profile }} on daily.customer_id = {{ profile }}.customer_id
    {%- if days %}
        where daily.transaction_date {{ days }} (select recomputed_days.transaction_date from recomputed_days)
    {%- endif %}
{%- endmacro %}
