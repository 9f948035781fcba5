with

source as (
    select * from {{ source('raw', 'partners') }}
),

renamed as (
    select
        cast(partner_id as varchar) as partner_id,
        cast(partner_name as varchar) as partner_name,
        cast(partner_type as varchar) as partner_type,
        cast(parent_partner_id as varchar) as parent_partner_id,
        cast(development_stage as varchar) as development_stage
    from source
)

select * from renamed
