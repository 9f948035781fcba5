{{ config(materialized='view', tags=['same_every_day']) }}
-- What a rated transaction depends on besides its own raw row, one fingerprint per thing:
-- each association period, each partner's settlement, each policy version.
-- int_applied_state keeps the fingerprints a build used; the next build compares.
-- An association's fingerprint covers its customer, partner, type, manager and start; its
-- end is a column of its own (valid_to), so that a period that only ended (a
-- disassociation) re-rates the days from its end on, not its whole history
-- (int_changed_customers).
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

association_fingerprints as (
    select
        'association' as kind,
        association_id as state_key,
        md5(concat_ws(
            '|',
            customer_id,
            partner_id,
            coalesce(association_type, '~'),
            coalesce(customer_manager_id, '~'),
            {{ format_time('associated_at', '%Y-%m-%d %H:%M:%S.%f') }}
        )) as fingerprint,
        customer_id,
        started_on as valid_from,
        -- the day it ended (or was ended later): rows of that day may change owner
        ended_on as valid_to
    from periods
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
        )) as fingerprint,
        cast(null as string) as customer_id,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to
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
        )) as fingerprint,
        cast(null as string) as customer_id,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to
    from policies
),

fingerprints as (
    select * from association_fingerprints
    union all
    select * from partner_fingerprints
    union all
    select * from policy_fingerprints
),

-- a policy's row also carries what it covers, so a changed version's dates can be found;
-- an association's row its customer and days
final as (
    select
        fingerprints.kind,
        fingerprints.state_key,
        fingerprints.fingerprint,
        policies.partner_type,
        policies.association_type,
        policies.product_type,
        coalesce(policies.valid_from, fingerprints.valid_from) as valid_from,
        coalesce(policies.valid_to, fingerprints.valid_to) as valid_to,
        fingerprints.customer_id
    from fingerprints
    left join policies
        on
            fingerprints.kind = 'policy'
            and fingerprints.state_key = policies.policy_id
)

select * from final
