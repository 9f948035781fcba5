{{ config(materialized='view', tags=['same_every_day']) }}
-- Huawei's incentive detail lines matched one by one with the warehouse's lines of the
-- same settlement partner and billing period (docs/RULES.md, "Reconciliation with
-- Huawei's export"). Only the partner-periods Huawei has sent (a statement or a detail
-- line) are reconciled. Each line ends in exactly one class:
-- 1. by the transaction key (the warehouse's transaction_id rebuilt from Huawei's
--    reference, and the incentive type), same partner: matched or amount_differs;
-- 2. the same key under another settlement partner: attributed_elsewhere;
-- 3. the fallback on what is left on both sides: same partner, period, transaction and
--    incentive type, account, product, usage date (consumption) and eligible amount,
--    when that combination is unique on both sides: matched or amount_differs;
-- 4. whatever is left: only_in_huawei or only_in_warehouse.
-- A view: a page reads one partner and period, and a day's run rebuilds nothing.
with

huawei_rows as (
    select * from {{ ref('stg_raw__huawei_incentive_details') }}
),

huawei_statements as (
    select * from {{ ref('stg_raw__huawei_statements') }}
),

facts as (
    select * from {{ ref('incentive_facts') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

params as (
    select {{ param('reconciliation_dispute_threshold', 'decimal(18, 2)') }} as dispute_threshold
),

scope as (
    select
        partner_id,
        billing_period
    from huawei_statements
    union
    select
        partner_id,
        billing_period
    from huawei_rows
),

huawei as (
    select
        *,
        case
            when transaction_type in ('order', 'refund') then transaction_type || ':' || order_no
            when transaction_type = 'consumption'
                then
                    'consumption:' || resource_id || ':'
                    || {{ format_time('usage_date', '%Y-%m-%d') }}
            else 'project:' || project_id
        end as transaction_id
    from huawei_rows
),

warehouse as (
    select
        facts.*,
        customers.account_name,
        case when facts.transaction_type = 'consumption' then facts.transaction_date end as usage_date
    from facts
    inner join scope
        on
            facts.partner_id = scope.partner_id
            and facts.billing_period = scope.billing_period
    left join customers on facts.customer_id = customers.customer_id
),

-- A transaction Huawei lists twice pairs with its first line (by detail_id); the second
-- is only_in_huawei, so no warehouse line is counted twice.
key_pairs as (
    select
        huawei.detail_id,
        warehouse.transaction_id as warehouse_transaction_id,
        row_number() over (
            partition by warehouse.transaction_id order by huawei.detail_id
        ) as pair_rank
    from huawei
    inner join warehouse
        on
            huawei.transaction_id = warehouse.transaction_id
            and huawei.incentive_type = warehouse.incentive_type
            and huawei.partner_id = warehouse.partner_id
),

by_key as (
    select
        detail_id,
        warehouse_transaction_id,
        'transaction_key' as match_method
    from key_pairs
    where pair_rank = 1
),

elsewhere as (
    select
        huawei.detail_id,
        facts.transaction_id as warehouse_transaction_id,
        facts.partner_id as attributed_partner_id,
        facts.incentive_amount as attributed_amount
    from huawei
    inner join facts
        on
            huawei.transaction_id = facts.transaction_id
            and huawei.incentive_type = facts.incentive_type
            and huawei.partner_id != facts.partner_id
    where huawei.detail_id not in (select by_key.detail_id from by_key)
),

huawei_left as (
    select
        *,
        count(*) over (
            partition by
                partner_id, billing_period, transaction_type, incentive_type, account_name,
                product_type, usage_date, eligible_amount
        ) as fallback_count
    from huawei
    where
        detail_id not in (select by_key.detail_id from by_key)
        and detail_id not in (select elsewhere.detail_id from elsewhere)
),

warehouse_left as (
    select
        *,
        count(*) over (
            partition by
                partner_id, billing_period, transaction_type, incentive_type, account_name,
                product_type, usage_date, eligible_amount
        ) as fallback_count
    from warehouse
    where transaction_id not in (select by_key.warehouse_transaction_id from by_key)
),

by_fallback as (
    select
        huawei_left.detail_id,
        warehouse_left.transaction_id as warehouse_transaction_id,
        'fallback' as match_method
    from huawei_left
    inner join warehouse_left
        on
            huawei_left.partner_id = warehouse_left.partner_id
            and huawei_left.billing_period = warehouse_left.billing_period
            and huawei_left.transaction_type = warehouse_left.transaction_type
            and huawei_left.incentive_type = warehouse_left.incentive_type
            and huawei_left.account_name = warehouse_left.account_name
            and huawei_left.product_type is not distinct from warehouse_left.product_type
            and huawei_left.usage_date is not distinct from warehouse_left.usage_date
            and huawei_left.eligible_amount = warehouse_left.eligible_amount
    where huawei_left.fallback_count = 1 and warehouse_left.fallback_count = 1
),

pairs as (
    select * from by_key
    union all
    select * from by_fallback
),

paired as (
    select
        huawei.partner_id,
        huawei.billing_period,
        case
            when warehouse.incentive_amount = huawei.incentive_amount then 'matched'
            else 'amount_differs'
        end as match_class,
        case
            when warehouse.incentive_amount = huawei.incentive_amount then null
            when warehouse.eligible_amount != huawei.eligible_amount then 'eligible_amount'
            when warehouse.incentive_type = 'acceleration' then 'cap'
            when coalesce(warehouse.rate, -1) != coalesce(huawei.rate, -1) then 'rate'
            when abs(warehouse.incentive_amount - huawei.incentive_amount) <= 0.01 then 'rounding'
            else 'incentive_amount'
        end as differing_component,
        pairs.match_method,
        warehouse.transaction_id,
        warehouse.transaction_type,
        warehouse.order_no,
        warehouse.resource_id,
        warehouse.usage_date,
        warehouse.project_id,
        warehouse.incentive_type,
        warehouse.customer_id,
        warehouse.product_type,
        huawei.incentive_amount as huawei_amount,
        warehouse.incentive_amount as warehouse_amount,
        huawei.eligible_amount as huawei_eligible_amount,
        warehouse.eligible_amount as warehouse_eligible_amount,
        huawei.rate as huawei_rate,
        warehouse.rate as warehouse_rate,
        warehouse.policy_id,
        warehouse.association_id,
        warehouse.association_type,
        warehouse.owner_partner_id,
        cast(null as string) as attributed_partner_id,
        huawei.order_no as huawei_order_no,
        huawei.customer_name as huawei_customer_name,
        huawei.account_name as huawei_account_name,
        huawei.detail_id,
        huawei.source_file,
        huawei.source_row
    from pairs
    inner join huawei on pairs.detail_id = huawei.detail_id
    inner join warehouse on pairs.warehouse_transaction_id = warehouse.transaction_id
),

huawei_only as (
    select
        huawei.partner_id,
        huawei.billing_period,
        case
            when elsewhere.detail_id is null then 'only_in_huawei' else 'attributed_elsewhere'
        end as match_class,
        cast(null as string) as differing_component,
        case when elsewhere.detail_id is null then 'none' else 'transaction_key' end as match_method,
        huawei.transaction_id,
        huawei.transaction_type,
        huawei.order_no,
        huawei.resource_id,
        huawei.usage_date,
        huawei.project_id,
        huawei.incentive_type,
        facts.customer_id,
        huawei.product_type,
        huawei.incentive_amount as huawei_amount,
        cast(null as decimal(18, 2)) as warehouse_amount,
        huawei.eligible_amount as huawei_eligible_amount,
        facts.eligible_amount as warehouse_eligible_amount,
        huawei.rate as huawei_rate,
        facts.rate as warehouse_rate,
        facts.policy_id,
        facts.association_id,
        facts.association_type,
        facts.owner_partner_id,
        elsewhere.attributed_partner_id,
        huawei.order_no as huawei_order_no,
        huawei.customer_name as huawei_customer_name,
        huawei.account_name as huawei_account_name,
        huawei.detail_id,
        huawei.source_file,
        huawei.source_row
    from huawei
    left join elsewhere on huawei.detail_id = elsewhere.detail_id
    left join facts
        on
            elsewhere.warehouse_transaction_id = facts.transaction_id
            and huawei.incentive_type = facts.incentive_type
    where huawei.detail_id not in (select pairs.detail_id from pairs)
),

warehouse_only as (
    select
        warehouse.partner_id,
        warehouse.billing_period,
        'only_in_warehouse' as match_class,
        cast(null as string) as differing_component,
        'none' as match_method,
        warehouse.transaction_id,
        warehouse.transaction_type,
        warehouse.order_no,
        warehouse.resource_id,
        warehouse.usage_date,
        warehouse.project_id,
        warehouse.incentive_type,
        warehouse.customer_id,
        warehouse.product_type,
        cast(null as decimal(18, 2)) as huawei_amount,
        warehouse.incentive_amount as warehouse_amount,
        cast(null as decimal(18, 2)) as huawei_eligible_amount,
        warehouse.eligible_amount as warehouse_eligible_amount,
        cast(null as decimal(9, 6)) as huawei_rate,
        warehouse.rate as warehouse_rate,
        warehouse.policy_id,
        warehouse.association_id,
        warehouse.association_type,
        warehouse.owner_partner_id,
        cast(null as string) as attributed_partner_id,
        cast(null as string) as huawei_order_no,
        cast(null as string) as huawei_customer_name,
        cast(null as string) as huawei_account_name,
        cast(null as string) as detail_id,
        cast(null as string) as source_file,
        cast(null as integer) as source_row
    from warehouse
    where warehouse.transaction_id not in (select pairs.warehouse_transaction_id from pairs)
),

classified as (
    select * from paired
    union all
    select * from huawei_only
    union all
    select * from warehouse_only
),

final as (
    select
        classified.*,
        coalesce(classified.warehouse_amount, 0) - coalesce(classified.huawei_amount, 0)
            as difference,
        coalesce(classified.warehouse_amount, 0) - coalesce(classified.huawei_amount, 0)
        > params.dispute_threshold as is_disputable
    from classified
    cross join params
)

select * from final
