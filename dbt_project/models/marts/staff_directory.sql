-- Staff with the name of their supervisor, for the dashboards' person filters.
with

staff as (
    select * from {{ ref('stg_raw__staff') }}
),

final as (
    select
        staff.staff_id,
        staff.partner_id,
        staff.staff_name,
        staff.role,
        staff.supervisor_id,
        supervisors.staff_name as supervisor_name
    from staff
    left join staff as supervisors on staff.supervisor_id = supervisors.staff_id
)

select * from final
