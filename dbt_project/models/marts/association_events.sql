-- Every association event with whether it was accepted and, if not, why (DOMAIN 1).
with

events as (
    select * from {{ ref('int_association_events_validated') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

partners as (
    select * from {{ ref('stg_raw__partners') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

final as (
    select
        events.event_id,
        events.customer_id,
        customers.customer_name,
        events.partner_id,
        partners.partner_name,
        events.event_type,
        events.association_type,
        events.invitation_channel,
        events.customer_manager_id,
        staff.staff_name as customer_manager_name,
        events.event_time,
        events.event_seq,
        events.is_accepted,
        events.rejection_reason,
        events.rejection_code,
        events.rejection_partner_id,
        events.rejection_since,
        events.rejection_limit
    from events
    left join customers on events.customer_id = customers.customer_id
    left join partners on events.partner_id = partners.partner_id
    left join staff on events.customer_manager_id = staff.staff_id
)

select * from final
