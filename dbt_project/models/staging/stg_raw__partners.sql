with

source as (
    select * from {{ source('raw', 'partners') }}
),

renamed as (
    select
        cast(partner_id as string) as partner_id,
        cast(partner_name as string) as partner_name,
        cast(partner_type as string) as partner_type,
        cast(parent_partner_id as string) as parent_partner_id,
        cast(development_stage as string) as development_stage
    from source
)

select * from renamed
