"""The daily facts, one day at a time: on-demand consumption and account balances.

Only one day's rows exist at once (the running balance per customer is the only state),
so the generator's memory does not grow with the number of days. Each day draws from
its own seeded stream, `[seed, 4, day]`, so a day's rows do not depend on the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from tools.generate.resources import OnDemandPlan
from tools.generate.world import World, customer_id

WEEKEND_FACTOR = 0.85  # business workloads run lighter on Saturdays and Sundays
TOP_UP_BELOW_DAYS = 10  # a customer tops up when the balance covers fewer days of spend
TOP_UP_DAYS = 60  # ...by about this many days of spend, rounded up to 100 yuan


def is_balance_day(world: World, day: int) -> bool:
    """Balances are weekly snapshots, plus the last day so the latest balance is current."""
    return day % 7 == 0 or day == world.window.last


def consumption_day(world: World, plan: OnDemandPlan, seed: int, day: int) -> pl.DataFrame:
    """The consumption rows of `day` (money in cents): one per running on-demand resource."""
    c = world.customers
    rng = np.random.default_rng([seed, 4, day])
    noise = rng.lognormal(0.0, 0.12, plan.count)
    running = np.flatnonzero((plan.start <= day) & (day < plan.end))
    who = plan.customer[running]
    weekend = WEEKEND_FACTOR if world.window.date_of(day).weekday() >= 5 else 1.0
    factor = np.where(day >= c.drop_day[who], c.drop_factor[who], 1.0)
    cents = np.maximum(1, np.rint(plan.daily_cents[running] * noise[running] * weekend * factor))
    cents = cents.astype(np.int64)
    in_voucher = (c.voucher_from[who] <= day) & (day < c.voucher_to[who])
    share = np.where(c.voucher_share[who] > 0.95, 1.0, c.voucher_share[who])
    voucher = np.where(in_voucher, np.rint(cents * share), 0).astype(np.int64)
    return (
        plan.ids[running]
        .with_columns(
            pl.lit(world.window.date_of(day)).alias("usage_date"),
            pl.Series("consumption_amount", cents),
            pl.Series("voucher_amount", voucher),
            pl.Series("paid_amount", cents - voucher),
        )
        .select(
            "usage_date",
            "customer_id",
            "resource_id",
            "product_type",
            "consumption_amount",
            "voucher_amount",
            "paid_amount",
        )
    )


@dataclass
class Balances:
    """Each customer's running available balance in cents."""

    world: World
    cents: np.ndarray
    expected_daily: np.ndarray  # typical daily spend, drives opening balance and top-ups

    @classmethod
    def opening(cls, world: World, plan: OnDemandPlan) -> Balances:
        c = world.customers
        # At least 10 yuan a day, so that customers without resources still get a balance.
        expected = np.maximum(
            1000, np.bincount(plan.customer, weights=plan.daily_cents, minlength=c.count)
        )
        opening = np.rint(expected * c.balance_days / 100).astype(np.int64) * 100
        return cls(world, opening, expected)

    def spend(self, consumption: pl.DataFrame, customers: np.ndarray) -> None:
        """Deduct the day's cash spend, then top up the customers who do so when low."""
        paid = np.bincount(
            customers, weights=consumption["paid_amount"].to_numpy(), minlength=len(self.cents)
        )
        self.cents -= paid.astype(np.int64)
        low = self.world.customers.tops_up & (self.cents < TOP_UP_BELOW_DAYS * self.expected_daily)
        top_up = np.ceil(TOP_UP_DAYS * self.expected_daily / 10_000).astype(np.int64) * 10_000
        self.cents += np.where(low, top_up, 0)

    def snapshot(self, day: int) -> pl.DataFrame:
        """Balance rows (money in cents, rates in millionths) of customers whose account exists."""
        c = self.world.customers
        exists = np.flatnonzero(c.created_day <= day)
        return pl.DataFrame(
            {
                "snapshot_date": [self.world.window.date_of(day)] * len(exists),
                "customer_id": [customer_id(int(i)) for i in exists],
                "available_balance": self.cents[exists],
                "credit_limit": c.credit_limit_cents[exists].astype(np.int64),
                "discount_rate": c.discount_micros[exists].astype(np.int64),
            },
            schema={
                "snapshot_date": pl.Date,
                "customer_id": pl.String,
                "available_balance": pl.Int64,
                "credit_limit": pl.Int64,
                "discount_rate": pl.Int64,
            },
        )


def running_customers(plan: OnDemandPlan, day: int) -> np.ndarray:
    """Customer index of each row of `consumption_day(..., day)`, in the same order."""
    return plan.customer[(plan.start <= day) & (day < plan.end)]
