-- depends_on: {{ ref('int_transactions_rated') }}
-- The inputs the rated transactions were built from (int_rating_inputs) and the last load
-- of each transaction source they include. Built after the rating; the next build's
-- int_transaction_changes compares the inputs of its time with these.
with

inputs as (
    select * from {{ ref('int_rating_inputs') }}
),

watermarks as (
    select
        'watermark' as kind,
        'orders' as state_key,
        cast(load_id as string) as fingerprint
    from ({{ load_watermark('orders') }}) as orders_loaded
    union all
    select
        'watermark' as kind,
        'consumption' as state_key,
        cast(load_id as string) as fingerprint
    from ({{ load_watermark('consumption') }}) as consumption_loaded
),

final as (
    select * from inputs
    union all
    select
        kind,
        state_key,
        fingerprint,
        cast(null as string) as partner_type,
        cast(null as string) as association_type,
        cast(null as string) as product_type,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to
    from watermarks
)

select * from final
