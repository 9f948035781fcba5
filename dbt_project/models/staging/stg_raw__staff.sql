with

source as (
    select * from {{ source('raw', 'staff') }}
),

renamed as (
    select
        cast(staff_id as varchar) as staff_id,
        cast(partner_id as varchar) as partner_id,
        cast(staff_name as varchar) as staff_name,
        cast(role as varchar) as role,
        cast(supervisor_id as varchar) as supervisor_id
    from source
)

select * from renamed
