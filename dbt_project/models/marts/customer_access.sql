-- Rule 7 (S12) as data, for the associations in force at the end of the as-of day:
-- a partner sees its own customers in full; a distributor its resellers' customers as
-- basic info; a customer manager their own customers in full; a supervisor the customers
-- of the managers reporting to them, in full.
with

periods as (
    select * from {{ ref('int_association_periods') }} as periods
    where {{ in_force_at_end_of('periods', as_of()) }}
),

partners as (
    select * from {{ ref('stg_raw__partners') }}
),

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

grants as (
    select
        'partner' as viewer_kind,
        periods.partner_id as viewer_id,
        periods.customer_id,
        'full' as access_level
    from periods

    union all

    select
        'partner' as viewer_kind,
        partners.parent_partner_id as viewer_id,
        periods.customer_id,
        'basic' as access_level
    from periods
    inner join partners on periods.partner_id = partners.partner_id
    where partners.partner_type = 'reseller' and partners.parent_partner_id is not null

    union all

    select
        'staff' as viewer_kind,
        periods.customer_manager_id as viewer_id,
        periods.customer_id,
        'full' as access_level
    from periods
    where periods.customer_manager_id is not null

    union all

    select
        'staff' as viewer_kind,
        staff.supervisor_id as viewer_id,
        periods.customer_id,
        'full' as access_level
    from periods
    inner join staff on periods.customer_manager_id = staff.staff_id
    where staff.supervisor_id is not null and staff.supervisor_id != staff.staff_id
),

final as (
    -- a viewer reaching a customer twice keeps the widest access
    select
        viewer_kind,
        viewer_id,
        customer_id,
        case when bool_or(access_level = 'full') then 'full' else 'basic' end as access_level
    from grants
    group by viewer_kind, viewer_id, customer_id
)

select * from final
