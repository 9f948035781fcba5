-- One row per accepted association: [associated_at, disassociated_at). By construction of
-- the validation the next accepted event of the customer after an accepted associate is
-- the disassociation from that partner, so periods of one customer never overlap.
with

accepted as (
    select * from {{ ref('int_association_events_validated') }}
    where is_accepted
),

sequenced as (
    select
        *,
        lead(event_type) over by_customer as next_event_type,
        lead(event_time) over by_customer as next_event_time,
        lead(event_id) over by_customer as next_event_id
    from accepted
    window by_customer as (partition by customer_id order by event_time, event_id)
),

final as (
    select
        event_id as association_id,
        customer_id,
        partner_id,
        association_type,
        invitation_channel,
        customer_manager_id,
        event_time as associated_at,
        case when next_event_type = 'disassociate' then next_event_time end as disassociated_at,
        case when next_event_type = 'disassociate' then next_event_id end as disassociation_event_id,
        cast(event_time as date) as started_on,
        case
            when next_event_type = 'disassociate' then cast(next_event_time as date)
        end as ended_on
    from sequenced
    where event_type = 'associate'
)

select * from final
