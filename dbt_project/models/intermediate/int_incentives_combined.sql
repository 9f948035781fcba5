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
        {{ attributed_transaction_columns() }},
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
        {{ attributed_transaction_columns() }},
        settlement_partner_id,
        reseller_id,
        supervisor_id,
        cast(null as string) as policy_id,
        cast(null as decimal(9, 6)) as rate,
        incentive_amount,
        'acceleration' as incentive_type
    from accelerated
)

select * from final
