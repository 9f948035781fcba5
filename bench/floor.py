"""The floor: DuckDB alone, one process, one SQL query over the landing files.

It computes what the pipeline's `marts.incentive_details` sums to per settlement partner
and billing period (base incentive of orders, refunds and consumption), with no
validation, no quarantine, no lineage and no orchestration: the least work the job can
be. It reads the benchmark's landing set (`generate --plain --clean
--no-rejected-events`), whose association events are all valid, so periods are simply
each `associate` up to the customer's next event.
"""

from pathlib import Path

import duckdb
import polars as pl

FLOOR_SQL = """
with
latest_orders as (
    select * from read_csv('{landing}/orders/*/*.csv', all_varchar = true, filename = true)
    qualify row_number() over (partition by order_no order by filename desc) = 1
),
latest_partners as (
    select * from read_csv('{landing}/partners/*/*.csv', all_varchar = true, filename = true)
    qualify row_number() over (partition by partner_id order by filename desc) = 1
),
latest_staff as (
    select * from read_csv('{landing}/staff/*/*.csv', all_varchar = true, filename = true)
    qualify row_number() over (partition by staff_id order by filename desc) = 1
),
policies as (
    select
        policy_id, partner_type, association_type, product_type,
        cast(rate as decimal(9, 6)) as rate,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to
    from read_csv('{landing}/incentive_policies/*/*.csv', all_varchar = true)
),
events as (
    select
        customer_id, partner_id, event_type, association_type,
        cast(event_time as timestamp) as event_time,
        lead(event_type) over by_customer as next_type,
        cast(lead(event_time) over by_customer as timestamp) as next_time
    from read_csv('{landing}/associations/*/*.csv', all_varchar = true)
    window by_customer as (partition by customer_id order by event_time, event_id)
),
periods as (
    select
        customer_id, partner_id, association_type, event_time as associated_at,
        case when next_type = 'disassociate' then next_time end as disassociated_at
    from events
    where event_type = 'associate'
),
settlement as (
    select
        p.partner_id,
        case when p.partner_type = 'reseller' then p.parent_partner_id else p.partner_id end
            as settlement_partner_id
    from latest_partners as p
),
settlement_typed as (
    select s.partner_id, s.settlement_partner_id, p.partner_type as settlement_partner_type
    from settlement as s
    left join latest_partners as p on s.settlement_partner_id = p.partner_id
),
order_rows as (
    select customer_id, product_type, cast(order_time as timestamp) as at,
        cast(paid_amount as decimal(18, 2)) as eligible
    from latest_orders where order_status in ('paid', 'refunded')
    union all
    select customer_id, product_type, cast(refund_time as timestamp),
        -cast(refund_amount as decimal(18, 2))
    from latest_orders
    where order_status in ('paid', 'refunded') and refund_time is not null
        and refund_amount is not null
),
consumption as (
    select usage_date, customer_id, product_type, paid_amount
    from read_parquet('{landing}/consumption/*/*.parquet')
    union all
    select cast(usage_date as date), customer_id, product_type,
        cast(paid_amount as decimal(18, 2))
    from read_csv('{landing}/consumption/*/*.csv', all_varchar = true)
),
attributed as (
    select o.product_type, cast(o.at as date) as day, o.eligible,
        p.partner_id, p.association_type
    from order_rows as o
    inner join periods as p
        on o.customer_id = p.customer_id and o.at >= p.associated_at
        and o.at < coalesce(p.disassociated_at, timestamp '9999-12-31')
    union all
    select c.product_type, c.usage_date, c.paid_amount, p.partner_id, p.association_type
    from consumption as c
    inner join periods as p
        on c.customer_id = p.customer_id
        and p.associated_at < c.usage_date + interval 1 day
        and coalesce(p.disassociated_at, timestamp '9999-12-31') >= c.usage_date + interval 1 day
),
resolved as (
    select a.*, coalesce(s.settlement_partner_id, a.partner_id) as settlement_partner_id,
        s.settlement_partner_type, row_number() over () as row_id
    from attributed as a
    left join settlement_typed as s on a.partner_id = s.partner_id
),
rated as (
    select r.settlement_partner_id, r.day, r.eligible, pol.rate
    from resolved as r
    left join policies as pol
        on r.settlement_partner_type = pol.partner_type
        and r.association_type = pol.association_type
        and r.product_type = pol.product_type
        and r.day >= pol.valid_from and r.day <= coalesce(pol.valid_to, date '9999-12-31')
    qualify row_number() over (
        partition by r.row_id order by pol.valid_from desc, pol.policy_id
    ) = 1
)
select
    settlement_partner_id as partner_id,
    strftime(day, '%Y%m') as billing_period,
    sum(cast(round(cast(eligible * coalesce(rate, 0) as decimal(18, 8)), 2) as decimal(18, 2)))
        as incentive_amount
from rated
group by all
order by all
"""


def floor_totals(landing: Path) -> pl.DataFrame:
    """Base incentive per settlement partner and billing period, straight from the files."""
    with duckdb.connect() as con:
        return con.sql(FLOOR_SQL.format(landing=landing.resolve().as_posix())).pl()
