-- 激励看板 (S5): incentive per settlement partner, billing period and customer manager
-- (with the manager's supervisor), with the status of the period's statement.
with

details as (
    select * from {{ ref('incentive_details') }}
),

final as (
    select
        partner_id,
        billing_period,
        supervisor_name,
        customer_manager_name,
        statement_status as status,
        cast(sum(incentive_amount) as decimal(18, 2)) as incentive_amount,
        supervisor_id,
        customer_manager_id,
        year,
        cast(sum(eligible_amount) as decimal(18, 2)) as eligible_amount,
        count(*) as detail_rows,
        owner_partner_id
    from details
    group by
        partner_id, billing_period, supervisor_name, customer_manager_name, statement_status,
        supervisor_id, customer_manager_id, year, owner_partner_id
)

select * from final
