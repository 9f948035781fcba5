{{ config(materialized='view', tags=['same_every_day']) }}
-- Huawei's incentive detail export reconciled line by line with the warehouse
-- (int_reconciliation_lines): one row per line of either side, in exactly one class, with
-- the evidence a dispute needs. A view: pages read it filtered by partner and period.
with

lines as (
    select * from {{ ref('int_reconciliation_lines') }}
),

final as (
    select
        partner_id,
        billing_period,
        match_class,
        differing_component,
        match_method,
        transaction_id,
        transaction_type,
        order_no,
        resource_id,
        usage_date,
        project_id,
        incentive_type,
        customer_id,
        product_type,
        huawei_amount,
        warehouse_amount,
        difference,
        is_disputable,
        huawei_eligible_amount,
        warehouse_eligible_amount,
        huawei_rate,
        warehouse_rate,
        policy_id,
        association_id,
        association_type,
        owner_partner_id,
        attributed_partner_id,
        huawei_order_no,
        huawei_customer_name,
        huawei_account_name,
        detail_id,
        source_file,
        source_row,
        concat_ws(
            '; ',
            case
                when association_id is not null
                    then
                        'association ' || association_id || ' (' || association_type
                        || ', owner ' || owner_partner_id || ')'
                else 'no association of this partner in force'
            end,
            case
                when incentive_type = 'acceleration' and warehouse_eligible_amount is not null
                    then 'acceleration (T11) before cap ' || cast(warehouse_eligible_amount as string)
                when warehouse_rate is not null
                    then
                        'policy ' || coalesce(policy_id, 'none') || ' rate '
                        || cast(warehouse_rate as string)
            end,
            case
                when attributed_partner_id is not null
                    then 'the warehouse attributes it to ' || attributed_partner_id
            end,
            case
                when detail_id is not null
                    then
                        'Huawei ' || detail_id || ' (' || source_file || ' row '
                        || cast(source_row as string) || ')'
                else 'not in Huawei''s export'
            end,
            case when match_method = 'fallback' then 'matched by the fallback' end
        ) as evidence
    from lines
)

select * from final
