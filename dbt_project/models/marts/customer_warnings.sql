{{ config(materialized='view', tags=['whole_in_last_batch']) }}
-- 客户预警 (S2): customer x day x warning type for every day of the warning window ending
-- at as_of, under the owner partner of that day, assigned to the customer manager, else
-- to the partner. first_seen is capped at the window's first day (null in the evaluated
-- rows: the view reads the as-of date, so it is made again each day). A view: the names
-- and the assignee are joined where read, so a renamed customer or manager rewrites
-- nothing, and a daily run does not copy the whole window (0.7 s at 10M rows); a page
-- reads one day of it.
with

warnings as (
    select * from {{ ref('int_customer_warnings_evaluated') }}
),

warning_types as (
    select * from {{ ref('warning_types') }}
),

customers as (
    select * from {{ ref('stg_raw__customers') }}
),

partners as (
    select * from {{ ref('int_partners_resolved') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

final as (
    select
        warnings.warning_date,
        warnings.partner_id,
        warnings.customer_id,
        warnings.warning_type,
        warning_types.severity,
        warnings.detail,
        coalesce(warnings.first_seen, {{ warning_window_start() }}) as first_seen,
        warning_types.category,
        customers.customer_name,
        coalesce(partners.settlement_partner_id, warnings.partner_id) as settlement_partner_id,
        coalesce(partners.partner_type = 'reseller', false) as is_reseller_customer,
        managers.staff_id as assignee_staff_id,
        coalesce(managers.staff_name, partners.partner_name, warnings.partner_id) as assignee_name,
        warnings.detail_amount,
        warnings.detail_reference_amount,
        warnings.detail_ratio,
        warnings.detail_days,
        warnings.detail_date,
        warnings.detail_count,
        warnings.detail_items
    from warnings
    left join warning_types on warnings.warning_type = warning_types.warning_type
    left join customers on warnings.customer_id = customers.customer_id
    left join partners on warnings.partner_id = partners.partner_id
    left join staff as managers on warnings.customer_manager_id = managers.staff_id
)

select * from final
