-- Each transaction is attributed to at most one association (no fan-out over overlapping
-- periods), and every detail row has exactly one owner.
with

attributed as (
    select transaction_id from {{ ref('int_orders_attributed') }}
    union all
    select transaction_id from {{ ref('int_consumption_attributed') }}
),

duplicated as (
    select
        transaction_id,
        'attributed more than once' as problem
    from attributed
    group by transaction_id
    having count(*) > 1
),

detail_owners as (
    select
        transaction_id,
        'detail row without owner or settlement partner' as problem
    from {{ ref('incentive_details') }}
    where owner_partner_id is null or partner_id is null
)

select * from duplicated
union all
select * from detail_owners
