-- Association events of DOMAIN section 1, replayed in order per customer, each accepted or
-- rejected with a reason in words. The rules are sequential (whether an event is accepted
-- depends on the events accepted before it), hence the recursive walk.
with recursive

events as (
    select * from {{ ref('stg_raw__associations') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

orders as (
    select * from {{ ref('stg_raw__orders') }}
),

activity_bounds as (
    select * from {{ ref('int_customer_activity_bounds') }}
),

balances as (
    select * from {{ ref('stg_raw__balances') }}
),

params as (
    select
        {{ param('offline_invitation_max_account_age_days', 'integer') }} as max_account_age_days,
        {{ param('disassociation_cooldown_months', 'integer') }} as cooldown_months
),

-- An order's cash counts from its order time; a day of consumption counts as spent
-- before an association made on a later day; a negative balance snapshot as arrears
-- before an association made on a later day.
first_order_spend as (
    select
        customer_id,
        min(order_time) as first_order_spend_at
    from orders
    where order_status != 'cancelled' and paid_amount > 0
    group by customer_id
),

first_consumption_spend as (
    select
        customer_id,
        first_paid_date as first_usage_spend_on
    from activity_bounds
    where first_paid_date is not null
),

first_arrears as (
    select
        customer_id,
        min(snapshot_date) as first_arrears_on
    from balances
    where available_balance < 0
    group by customer_id
),

flagged as (
    select
        events.event_id,
        events.customer_id,
        events.partner_id,
        events.event_type,
        events.association_type,
        events.invitation_channel,
        events.customer_manager_id,
        events.event_time,
        events._partition_date,
        customers.account_created_at,
        coalesce(
            events.event_type = 'associate'
            and events.invitation_channel = 'offline'
            and customers.account_created_at
            < events.event_time - {{ interval_days('params.max_account_age_days') }},
            false
        ) as is_account_too_old,
        coalesce(
            events.event_type = 'associate'
            and events.invitation_channel = 'offline'
            and (
                first_order_spend.first_order_spend_at < events.event_time
                or first_consumption_spend.first_usage_spend_on < cast(events.event_time as date)
            ),
            false
        ) as had_cash_spend_before,
        coalesce(
            events.event_type = 'associate'
            and events.invitation_channel = 'offline'
            and first_arrears.first_arrears_on < cast(events.event_time as date),
            false
        ) as had_arrears_before,
        params.max_account_age_days,
        params.cooldown_months,
        row_number() over (
            partition by events.customer_id
            order by events.event_time, events.event_id
        ) as seq
    from events
    cross join params
    left join customers on events.customer_id = customers.customer_id
    left join first_order_spend on events.customer_id = first_order_spend.customer_id
    left join first_consumption_spend on events.customer_id = first_consumption_spend.customer_id
    left join first_arrears on events.customer_id = first_arrears.customer_id
),

-- State per customer after each event: the partner it is associated with (null when
-- none) and the time of its last accepted disassociation. seq 0 is the empty start.
walk as (
    select distinct
        customer_id,
        0 as seq,
        cast(null as string) as event_id,
        cast(null as string) as rejection_reason,
        cast(null as string) as rejection_code,
        cast(null as string) as rejection_partner_id,
        cast(null as timestamp) as rejection_since,
        cast(null as string) as state_partner_id,
        cast(null as timestamp) as state_last_disassociated_at
    from flagged

    union all

    select
        decided.customer_id,
        decided.seq,
        decided.event_id,
        decided.rejection_reason,
        decided.rejection_code,
        case decided.rejection_code
            when 'still_associated' then decided.state_partner_id
            when 'not_associated' then decided.partner_id
        end as rejection_partner_id,
        case
            when decided.rejection_code = 'disassociation_cooldown'
                then decided.state_last_disassociated_at
        end as rejection_since,
        case
            when decided.rejection_reason is not null then decided.state_partner_id
            when decided.event_type = 'associate' then decided.partner_id
        end as state_partner_id,
        case
            when decided.rejection_reason is null and decided.event_type = 'disassociate'
                then decided.event_time
            else decided.state_last_disassociated_at
        end as state_last_disassociated_at
    from (
        select
            flagged.*,
            walk.state_partner_id,
            walk.state_last_disassociated_at,
            case
                when flagged.event_type = 'associate' and walk.state_partner_id is not null
                    then 'customer is still associated with partner ' || walk.state_partner_id
                when flagged.is_account_too_old
                    then 'offline invitation: the customer account was created more than '
                        || flagged.max_account_age_days || ' days before the association'
                when flagged.had_cash_spend_before
                    then 'offline invitation: the customer had cash spend before the association'
                when flagged.had_arrears_before
                    then 'offline invitation: the customer was in arrears before the association'
                when
                    flagged.event_type = 'disassociate'
                    and (walk.state_partner_id is null or walk.state_partner_id != flagged.partner_id)
                    then 'customer is not associated with partner ' || flagged.partner_id
                when
                    flagged.event_type = 'disassociate'
                    and flagged.event_time
                    < walk.state_last_disassociated_at + {{ interval_months('flagged.cooldown_months') }}
                    then 'second disassociation within ' || flagged.cooldown_months
                        || ' months of the previous one ('
                        || {{ format_time('walk.state_last_disassociated_at', '%Y-%m-%d') }} || ')'
            end as rejection_reason,
            -- the same decision as a code, for readers who word it in their language
            case
                when flagged.event_type = 'associate' and walk.state_partner_id is not null
                    then 'still_associated'
                when flagged.is_account_too_old then 'account_too_old'
                when flagged.had_cash_spend_before then 'cash_spend_before'
                when flagged.had_arrears_before then 'arrears_before'
                when
                    flagged.event_type = 'disassociate'
                    and (walk.state_partner_id is null or walk.state_partner_id != flagged.partner_id)
                    then 'not_associated'
                when
                    flagged.event_type = 'disassociate'
                    and flagged.event_time
                    < walk.state_last_disassociated_at + {{ interval_months('flagged.cooldown_months') }}
                    then 'disassociation_cooldown'
            end as rejection_code
        from walk
        inner join flagged
            on walk.customer_id = flagged.customer_id and flagged.seq = walk.seq + 1
    ) as decided
),

final as (
    select
        flagged.event_id,
        flagged.customer_id,
        flagged.partner_id,
        flagged.event_type,
        flagged.association_type,
        flagged.invitation_channel,
        flagged.customer_manager_id,
        flagged.event_time,
        cast(flagged.seq as bigint) as event_seq,
        walk.rejection_reason is null as is_accepted,
        walk.rejection_reason,
        walk.rejection_code,
        walk.rejection_partner_id,
        cast(walk.rejection_since as date) as rejection_since,
        case walk.rejection_code
            when 'account_too_old' then flagged.max_account_age_days
            when 'disassociation_cooldown' then flagged.cooldown_months
        end as rejection_limit,
        flagged._partition_date
    from flagged
    inner join walk on flagged.event_id = walk.event_id
)

select * from final
