-- Every incentive row of the details: base incentive of orders, refunds and consumption,
-- and the acceleration incentive of projects. One row per transaction_id.
with

rated as (
    select * from {{ ref('int_transactions_rated') }}
),

accelerated as (
    select * from {{ ref('int_projects_accelerated') }}
),

final as (
    select
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
        customer_manager_id,
        settlement_partner_id,
        reseller_id,
        supervisor_id,
        policy_id,
        rate,
        incentive_amount,
        'base' as incentive_type
    from rated

    union all

    select
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
        customer_manager_id,
        settlement_partner_id,
        reseller_id,
        supervisor_id,
        cast(null as varchar) as policy_id,
        cast(null as decimal(9, 6)) as rate,
        incentive_amount,
        'acceleration' as incentive_type
    from accelerated
)

select * from final
