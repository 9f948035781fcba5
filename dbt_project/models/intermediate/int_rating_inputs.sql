{{ config(materialized='view') }}
-- What a rated transaction depends on besides its own raw row, one fingerprint per thing:
-- each customer's association periods, each partner's settlement, each policy version.
-- int_applied_state keeps the fingerprints a build used; the next build compares.
with

periods as (
    select * from {{ ref('int_association_periods') }}
),

partners as (
    select * from {{ ref('int_partners_resolved') }}
),

policies as (
    select * from {{ ref('stg_raw__incentive_policies') }}
),

customer_fingerprints as (
    select
        'customer' as kind,
        customer_id as state_key,
        md5({{ ordered_string_agg(
            "association_id || '|' || " ~ format_time('associated_at', '%Y-%m-%d %H:%M:%S.%f') ~ " || '|'
            || coalesce(" ~ format_time('disassociated_at', '%Y-%m-%d %H:%M:%S.%f') ~ ", 'open') || '|'
            || partner_id || '|' || coalesce(association_type, '') || '|'
            || coalesce(customer_manager_id, '')",
            "','",
            'associated_at, association_id'
        ) }}) as fingerprint
    from periods
    group by customer_id
),

partner_fingerprints as (
    select
        'partner' as kind,
        partner_id as state_key,
        md5(concat_ws(
            '|',
            coalesce(settlement_partner_id, '~'),
            coalesce(settlement_partner_type, '~'),
            coalesce(reseller_id, '~')
        )) as fingerprint
    from partners
),

policy_fingerprints as (
    select
        'policy' as kind,
        policy_id as state_key,
        md5(concat_ws(
            '|',
            coalesce(partner_type, '~'),
            coalesce(association_type, '~'),
            coalesce(product_type, '~'),
            coalesce(cast(rate as string), '~'),
            coalesce(cast(valid_from as string), '~'),
            coalesce(cast(valid_to as string), '~')
        )) as fingerprint
    from policies
),

fingerprints as (
    select * from customer_fingerprints
    union all
    select * from partner_fingerprints
    union all
    select * from policy_fingerprints
),

-- a policy's row also carries what it covers, so a changed version's dates can be found
final as (
    select
        fingerprints.kind,
        fingerprints.state_key,
        fingerprints.fingerprint,
        policies.partner_type,
        policies.association_type,
        policies.product_type,
        policies.valid_from,
        policies.valid_to
    from fingerprints
    left join policies
        on
            fingerprints.kind = 'policy'
            and fingerprints.state_key = policies.policy_id
)

select * from final
