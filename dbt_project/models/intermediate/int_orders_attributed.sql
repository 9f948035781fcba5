-- Yearly/monthly orders as transactions: a paid (or later refunded) order counts
-- positively at its order time, a refund negatively at its refund time (so it nets in the
-- refund's billing period); cancelled orders count for nothing. Each transaction is
-- attributed to the association in force at that instant (associated_at <= t <
-- disassociated_at); a transaction outside any association keeps a null owner.
with

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

periods as (
    select * from {{ ref('int_association_periods') }}
),

transactions as (
    select
        'order:' || order_no as transaction_id,
        'order' as transaction_type,
        order_no,
        customer_id,
        product_type,
        project_id,
        order_time as transaction_time,
        paid_amount as eligible_amount
    from orders
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
    from orders
    where
        order_status in ('paid', 'refunded')
        and refund_time is not null
        and refund_amount is not null
),

final as (
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
        periods.association_id,
        periods.partner_id as owner_partner_id,
        periods.association_type,
        periods.customer_manager_id
    from transactions
    left join periods
        on
            transactions.customer_id = periods.customer_id
            and transactions.transaction_time >= periods.associated_at
            and transactions.transaction_time < {{ open_ended('periods.disassociated_at') }}
)

select * from final
