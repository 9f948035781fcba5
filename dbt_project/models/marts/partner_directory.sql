-- Every partner's name and type, for the dashboards' reseller search (see
-- customer_directory: a fragment is matched among the partners, not on every detail row).
with

partners as (
    select * from {{ ref('stg_raw__partners') }}
),

final as (
    select
        partner_id,
        partner_name,
        partner_type,
        parent_partner_id
    from partners
)

select * from final
