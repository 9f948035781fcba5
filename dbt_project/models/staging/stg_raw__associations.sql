with

source as (
    select * from {{ source('raw', 'associations') }}
),

renamed as (
    select
        cast(event_id as varchar) as event_id,
        cast(customer_id as varchar) as customer_id,
        cast(partner_id as varchar) as partner_id,
        cast(event_type as varchar) as event_type,
        cast(association_type as varchar) as association_type,
        cast(invitation_channel as varchar) as invitation_channel,
        cast(customer_manager_id as varchar) as customer_manager_id,
        cast(event_time as timestamp) as event_time,
        cast(_partition_date as date) as _partition_date
    from source
)

select * from renamed
