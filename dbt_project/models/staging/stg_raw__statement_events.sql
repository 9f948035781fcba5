with

source as (
    select * from {{ source('raw', 'statement_events') }}
),

renamed as (
    select
        cast(partner_id as string) as partner_id,
        cast(billing_period as string) as billing_period,
        cast(event_type as string) as event_type,
        cast(event_time as timestamp) as event_time
    from source
)

select * from renamed
