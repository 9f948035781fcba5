"""Cloud resources: on-demand ones (which produce the daily consumption) and yearly/monthly
ones (bought by orders, or before the window).

A resource lands as a snapshot row on the day it starts (history on day 0), and again
when it changes: released (on-demand, or a refunded subscription), frozen (the scripted
inactive customer), expired (the day after its expiry date, if inside the window).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from tools.generate.calendar import NEVER, Window, add_months
from tools.generate.orders import Order, order_numbers
from tools.generate.products import PRODUCT_TYPES, PRODUCT_WEIGHTS, PRODUCTS
from tools.generate.world import DAY, SCRIPTED, Role, World, customer_id

# On-demand resources per customer: 1 + Poisson(this); tuned so that scale 1 gives about
# 100k consumption rows over the default 175 days.
EXTRA_RESOURCES_MEAN = 3.2


@dataclass(frozen=True)
class OnDemandPlan:
    """Parallel arrays, one entry per on-demand resource, in customer order."""

    ids: pl.DataFrame  # resource_id, customer_id, product_type (gathered per day)
    customer: np.ndarray
    product: np.ndarray
    start: np.ndarray  # first day of use
    end: np.ndarray  # first day without use (release), NEVER if still running
    daily_cents: np.ndarray  # typical spend per day

    @property
    def count(self) -> int:
        return len(self.customer)


def on_demand_plan(world: World, seed: int) -> OnDemandPlan:
    """The on-demand resources of every customer, vectorized over resources."""
    rng = np.random.default_rng([seed, 2])
    c = world.customers
    days = world.window.days
    per_customer = 1 + rng.poisson(EXTRA_RESOURCES_MEAN, c.count)
    customer = np.repeat(np.arange(c.count), per_customer)
    first_of_customer = np.r_[True, customer[1:] != customer[:-1]]
    n = len(customer)
    product = rng.choice(len(PRODUCTS), size=n, p=PRODUCT_WEIGHTS)
    spend_from = c.spend_from[customer]
    unrestricted = spend_from == -NEVER
    # An existing customer's first resource predates the window, so its spend is steady;
    # a restricted customer's first resource starts on the first allowed day.
    later = rng.integers(0, days, n)
    before = -rng.integers(1, 700, n)
    start = np.where(
        unrestricted,
        np.where(first_of_customer | (rng.random(n) < 0.7), before, later),
        np.where(first_of_customer, spend_from, spend_from + rng.integers(0, 21, n)),
    )
    released = rng.random(n) < 0.1
    release_day = start + 1 + (rng.random(n) * np.maximum(1, days - 1 - start)).astype(np.int64)
    end = np.where(released & ~first_of_customer, release_day, NEVER)
    end = np.minimum(end, c.stop_day[customer])
    daily = (
        np.array([p.daily_median for p in PRODUCTS])[product]
        * rng.lognormal(0.0, 0.8, n)
        * c.size[customer]
        * 100
    )
    keep = (start <= world.window.last) & (start < end)
    customer, product, start, end, daily = (a[keep] for a in (customer, product, start, end, daily))
    numbers = np.arange(1, len(customer) + 1)
    ids = pl.DataFrame(
        {
            "resource_id": [
                f"{PRODUCT_TYPES[p].lower()}-{k:08d}" for p, k in zip(product, numbers, strict=True)
            ],
            "customer_id": [customer_id(int(i)) for i in customer],
            "product_type": [PRODUCT_TYPES[p] for p in product],
        }
    )
    return OnDemandPlan(ids, customer, product, start, end, daily)


def on_demand_frame(world: World, plan: OnDemandPlan) -> pl.DataFrame:
    """Snapshot rows of on-demand resources: running from their start, then their release."""
    window = world.window
    running = plan.ids.with_columns(
        pl.lit("on_demand").alias("billing_mode"),
        (pl.lit(window.start) + pl.duration(days=pl.Series(plan.start)))
        .cast(pl.Date)
        .alias("start_date"),
        pl.lit(None, dtype=pl.Date).alias("expire_date"),
        pl.lit("active").alias("status"),
        pl.Series("_day", np.maximum(plan.start, 0), dtype=pl.Int64),
    )
    # The scripted inactive customer's resources are frozen rather than deleted.
    ended = running.with_columns(
        pl.when(pl.col("customer_id") == customer_id(Role.INACTIVE))
        .then(pl.lit("frozen"))
        .otherwise(pl.lit("released"))
        .alias("status"),
        pl.Series("_day", plan.end, dtype=pl.Int64),
    ).filter(pl.col("_day") <= window.last)
    return pl.concat([running, ended]).select(list(RESOURCE_SCHEMA))


def prepaid_rows(
    window: Window,
    resource_id: str,
    i: int,
    product_type: str,
    start: int,
    months: int,
    refund_day: int | None = None,
) -> list[dict]:
    """Snapshot rows of one yearly/monthly resource: active, then released or expired."""
    start_date = window.date_of(start)
    expire_date = add_months(start_date, months) - timedelta(days=1)
    base = {
        "resource_id": resource_id,
        "customer_id": customer_id(i),
        "product_type": product_type,
        "billing_mode": "yearly_monthly",
        "start_date": start_date,
        "expire_date": expire_date,
        "status": "active",
        "_day": window.drop_day(start),
    }
    rows = [base]
    expired_day = window.day_of(expire_date) + 1
    if refund_day is not None:
        rows.append({**base, "status": "released", "_day": refund_day})
    elif expired_day <= window.last:
        rows.append({**base, "status": "expired", "_day": expired_day})
    return rows


def resources_frame(
    world: World, plan: OnDemandPlan, orders: list[Order], seed: int
) -> pl.DataFrame:
    """Every resource snapshot row with its landing day `_day`."""
    window = world.window
    c = world.customers
    rows: list[dict] = []
    for number, o in zip(order_numbers(world, orders), orders, strict=True):
        if o.status != "cancelled":
            refund_day = o.refund_minute // DAY if o.refund_minute is not None else None
            rows += prepaid_rows(
                window,
                f"{o.product_type.lower()}-{number.lower()}",
                o.customer,
                o.product_type,
                o.minute // DAY,
                o.months,
                refund_day,
            )
    # Subscriptions bought in the year before the window: some expire inside it.
    rng = np.random.default_rng([seed, 6])
    bought = [
        (
            i,
            PRODUCT_TYPES[int(rng.choice(len(PRODUCTS), p=PRODUCT_WEIGHTS))],
            -int(rng.integers(30, 360)),
            12,
        )
        for i in range(SCRIPTED, c.count)
        if not c.is_new[i] and rng.random() < 0.3
    ]
    for i, product_type, expire_day, months in world.prepaid:
        expire = window.date_of(expire_day)
        start = window.day_of(add_months(expire + timedelta(days=1), -months))
        bought.append((i, product_type, start, months))
    for n, (i, product_type, start, months) in enumerate(bought, 1):
        rows += prepaid_rows(
            window, f"{product_type.lower()}-pre{n:07d}", i, product_type, start, months
        )
    prepaid = pl.DataFrame(rows, schema=RESOURCE_SCHEMA)
    return pl.concat([on_demand_frame(world, plan), prepaid]).sort(
        "_day", "resource_id", maintain_order=True
    )


RESOURCE_SCHEMA = {
    "resource_id": pl.String,
    "customer_id": pl.String,
    "product_type": pl.String,
    "billing_mode": pl.String,
    "start_date": pl.Date,
    "expire_date": pl.Date,
    "status": pl.String,
    "_day": pl.Int64,
}
