with

source as (
    select * from {{ source('raw', 'incentive_policies') }}
),

renamed as (
    select
        cast(policy_id as string) as policy_id,
        cast(policy_name as string) as policy_name,
        cast(partner_type as string) as partner_type,
        cast(association_type as string) as association_type,
        cast(product_type as string) as product_type,
        cast(rate as decimal(9, 6)) as rate,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to
    from source
)

select * from renamed
