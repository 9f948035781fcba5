with

source as (
    select * from {{ source('raw', 'staff') }}
),

renamed as (
    select
        cast(staff_id as string) as staff_id,
        cast(partner_id as string) as partner_id,
        cast(staff_name as string) as staff_name,
        cast(role as string) as role,
        cast(supervisor_id as string) as supervisor_id
    from source
)

select * from renamed
