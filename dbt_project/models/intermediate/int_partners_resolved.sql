-- Each partner with its settlement partner: Huawei settles with distributors, so a
-- reseller's settlement partner is its parent distributor (and it is the second-tier
-- reseller); every other partner settles for itself.
with

partners as (
    select * from {{ ref('stg_raw__partners') }}
),

resolved as (
    select
        partners.partner_id,
        partners.partner_name,
        partners.partner_type,
        partners.parent_partner_id,
        partners.development_stage,
        case
            when partners.partner_type = 'reseller' then partners.parent_partner_id
            else partners.partner_id
        end as settlement_partner_id,
        case when partners.partner_type = 'reseller' then partners.partner_id end as reseller_id,
        case when partners.partner_type = 'reseller' then partners.partner_name end as reseller_name
    from partners
),

final as (
    select
        resolved.*,
        settlement.partner_name as settlement_partner_name,
        settlement.partner_type as settlement_partner_type
    from resolved
    left join partners as settlement on resolved.settlement_partner_id = settlement.partner_id
)

select * from final
