-- One incentive statement per settlement partner and billing period that has a detail row
-- or a statement event known as of the as-of day, with its status as of that day.
-- Events after the as-of day are ignored.
with

incentives as (
    select * from {{ ref('int_incentives_by_day') }}
),

events as (
    select * from {{ ref('stg_raw__statement_events') }}
    where event_time < {{ as_of_end() }}
),

params as (
    select
        {{ param('auto_confirm_days', 'integer') }} as auto_confirm_days,
        {{ param('payment_term_days', 'integer') }} as payment_term_days
),

statements as (
    select distinct
        settlement_partner_id as partner_id,
        billing_period
    from incentives
    union
    select distinct
        partner_id,
        billing_period
    from events
),

event_times as (
    select
        partner_id,
        billing_period,
        min(event_time) filter (where event_type = 'generated') as generated_at,
        min(event_time) filter (where event_type = 'partner_confirmed') as partner_confirmed_at,
        min(event_time) filter (where event_type = 'ops_approved') as ops_approved_at,
        min(event_time) filter (where event_type = 'paid') as paid_at,
        max(event_time) filter (where event_type = 'invoice_received') as last_invoice_received_at,
        max(event_time) filter (where event_type = 'invoice_rejected') as last_invoice_rejected_at
    from events
    group by partner_id, billing_period
),

confirmed as (
    select
        statements.partner_id,
        statements.billing_period,
        event_times.generated_at,
        event_times.partner_confirmed_at,
        event_times.ops_approved_at,
        event_times.paid_at,
        event_times.last_invoice_received_at,
        event_times.last_invoice_rejected_at,
        event_times.generated_at + {{ interval_days('params.auto_confirm_days') }} as auto_confirm_at,
        params.payment_term_days,
        statements.billing_period >= {{ billing_period(as_of()) }} as is_period_open
    from statements
    cross join params
    left join event_times
        on
            statements.partner_id = event_times.partner_id
            and statements.billing_period = event_times.billing_period
),

dated as (
    select
        *,
        case
            when partner_confirmed_at <= auto_confirm_at then partner_confirmed_at
            when auto_confirm_at < {{ as_of_end() }} then auto_confirm_at
        end as confirmed_at,
        case
            when
                last_invoice_rejected_at is null
                or last_invoice_rejected_at < last_invoice_received_at
                then last_invoice_received_at
        end as invoice_received_at
    from confirmed
),

final as (
    select
        partner_id,
        billing_period,
        partner_id || '-' || billing_period as statement_id,
        case
            when is_period_open or generated_at is null then 'estimated'
            when ops_approved_at is not null and paid_at is not null then 'issued'
            when confirmed_at is not null then 'issuing'
            else 'pending_confirmation'
        end as status,
        is_period_open,
        generated_at,
        confirmed_at,
        coalesce(
            confirmed_at is not null and confirmed_at = auto_confirm_at
            and (partner_confirmed_at is null or partner_confirmed_at > auto_confirm_at), false)
            as is_auto_confirmed,
        ops_approved_at,
        invoice_received_at,
        cast(invoice_received_at as date) + payment_term_days as payment_due_date,
        paid_at,
        coalesce(
            paid_at is null
            and invoice_received_at is not null
            and {{ as_of() }} > cast(invoice_received_at as date) + payment_term_days,
            false
        ) as is_overdue
    from dated
)

select * from final
