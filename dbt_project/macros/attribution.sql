{#- Rule 1, attribution point in time: the one definition, used by the attribution views
    (every row) and by the incremental rating (only the rows a run recomputes). -#}

{#- Orders and refunds of the staged orders `rows`, attributed to the association of
    `periods` in force at the order (refund) instant: associated_at <= t < disassociated_at.
    A paid (or later refunded) order counts positively at its order time, its refund
    negatively at its refund time; cancelled orders count for nothing. -#}
{% macro attributed_orders(rows, periods) -%}
    select
        transactions.transaction_id,
        transactions.transaction_type,
        transactions.order_no,
        cast(null as string) as resource_id,
        transactions.project_id,
        transactions.customer_id,
        transactions.product_type,
        'yearly_monthly' as billing_mode,
        transactions.transaction_time,
        cast(transactions.transaction_time as date) as transaction_date,
        {{ billing_period('transactions.transaction_time') }} as billing_period,
        cast(transactions.eligible_amount as decimal(18, 2)) as eligible_amount,
        attributed_to.association_id,
        attributed_to.partner_id as owner_partner_id,
        attributed_to.association_type,
        attributed_to.customer_manager_id,
        'order:' || transactions.order_no as source_key
    from (
        select
            'order:' || order_no as transaction_id,
            'order' as transaction_type,
            order_no,
            customer_id,
            product_type,
            project_id,
            order_time as transaction_time,
            paid_amount as eligible_amount
        from {{ rows }}
        where order_status in ('paid', 'refunded')
        union all
        select
            'refund:' || order_no as transaction_id,
            'refund' as transaction_type,
            order_no,
            customer_id,
            product_type,
            project_id,
            refund_time as transaction_time,
            -refund_amount as eligible_amount
        from {{ rows }}
        where
            order_status in ('paid', 'refunded')
            and refund_time is not null
            and refund_amount is not null
    ) as transactions
    left join {{ periods }} as attributed_to
        on
            transactions.customer_id = attributed_to.customer_id
            and transactions.transaction_time >= attributed_to.associated_at
            and transactions.transaction_time < {{ open_ended('attributed_to.disassociated_at') }}
{%- endmacro %}

{#- On-demand consumption of the staged consumption `rows`, attributed to the association of
    `periods` in force at the END of the usage day (associated before midnight, not
    disassociated before midnight): a customer who changes partner during the day counts
    that day for the new partner; one disassociated during the day counts it for nobody. -#}
{% macro attributed_consumption(rows, periods) -%}
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
        attributed_to.association_id,
        attributed_to.partner_id as owner_partner_id,
        attributed_to.association_type,
        attributed_to.customer_manager_id,
        'consumption:' || consumption.resource_id || ':'
        || {{ format_time('consumption.usage_date', '%Y-%m-%d') }} as source_key
    from {{ rows }} as consumption
    left join {{ periods }} as attributed_to
        on
            consumption.customer_id = attributed_to.customer_id
            and {{ in_force_at_end_of('attributed_to', 'consumption.usage_date') }}
{%- endmacro %}

{#- Whether the association `period` (a row of int_association_periods: [associated_at,
    disassociated_at)) is in force at the END of the day `day` (a date, Asia/Shanghai wall
    time): it started before the next midnight and had not ended by then. The one
    definition of "the association of a day" (rules 1, 4, 6, 7 and the customer board): a
    customer who changes partner during the day is the new partner's that day, one
    disassociated during the day is nobody's. An open end is written with open_ended, never
    an OR, so that a join on it keeps its equality keys (see open_ended). -#}
{% macro in_force_at_end_of(period, day) -%}
    {{ period }}.associated_at < {{ day }} + interval 1 day
    and {{ open_ended(period ~ '.disassociated_at') }} >= {{ day }} + interval 1 day
{%- endmacro %}
