-- Every attributed order, refund and consumption row dated up to the as-of date (later ones
-- wait for their day) is in the details exactly once, with
-- the cash of its source row (refunds negative): nothing lost, doubled or altered on the
-- way through the joins.
with

source_amounts as (
    select
        'order:' || order_no as transaction_id,
        paid_amount as source_amount
    from {{ ref('stg_raw__orders') }}
    where order_status != 'cancelled'
    union all
    select
        'refund:' || order_no as transaction_id,
        -refund_amount as source_amount
    from {{ ref('stg_raw__orders') }}
    where order_status != 'cancelled' and refund_time is not null and refund_amount is not null
    union all
    select
        'consumption:' || resource_id || ':' || {{ format_time('usage_date', '%Y-%m-%d') }} as transaction_id,
        paid_amount as source_amount
    from {{ ref('stg_raw__consumption') }}
),

attributed as (
    select transaction_id from {{ ref('int_orders_attributed') }}
    where owner_partner_id is not null and transaction_date <= {{ as_of() }}
    union all
    select transaction_id from {{ ref('int_consumption_attributed') }}
    where owner_partner_id is not null and transaction_date <= {{ as_of() }}
),

details as (
    select
        transaction_id,
        count(*) as n_rows,
        sum(eligible_amount) as eligible_amount
    from {{ ref('incentive_details') }}
    where incentive_type = 'base'
    group by transaction_id
)

select
    coalesce(attributed.transaction_id, details.transaction_id) as transaction_id,
    details.n_rows,
    details.eligible_amount,
    source_amounts.source_amount
from attributed
full outer join details on attributed.transaction_id = details.transaction_id
left join source_amounts
    on coalesce(attributed.transaction_id, details.transaction_id) = source_amounts.transaction_id
where
    attributed.transaction_id is null
    or details.transaction_id is null
    or details.n_rows != 1
    or details.eligible_amount is distinct from source_amounts.source_amount
