with

source as (
    select * from {{ source('raw', 'associations') }}
),

renamed as (
    select
        cast(event_id as string) as event_id,
        cast(customer_id as string) as customer_id,
        cast(partner_id as string) as partner_id,
        cast(event_type as string) as event_type,
        cast(association_type as string) as association_type,
        cast(invitation_channel as string) as invitation_channel,
        cast(customer_manager_id as string) as customer_manager_id,
        cast(event_time as timestamp) as event_time,
        cast(_partition_date as date) as _partition_date
    from source
)

select * from renamed
