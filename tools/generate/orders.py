"""Yearly/monthly (包年/包月) orders: paid, refunded later, or cancelled.

Amounts are integer cents so that paid = list − discount − voucher holds exactly for paid
and refunded orders. A cancelled order was never paid: its paid_amount and voucher are
0.00 (the quoted list price and discount stay). A refunded order lands twice: as paid
on its order day, then again (same order_no, a later version) as refunded on its refund
day, the way the partner center re-exports a changed order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl

from tools.generate.calendar import add_months
from tools.generate.products import PRODUCT_TYPES, PRODUCT_WEIGHTS, product
from tools.generate.world import DAY, Role, World, customer_id


@dataclass(frozen=True)
class Order:
    customer: int
    product_type: str
    months: int  # 1 = 包月, 12 = 包年
    minute: int
    list_cents: int
    discount_cents: int
    voucher_cents: int
    paid_cents: int
    status: str  # paid / refunded / cancelled
    refund_minute: int | None
    refund_cents: int | None
    project_id: str | None


# Scripted project orders: (days after the project start, product, months, list price CNY).
PROJECT_ORDERS = {
    Role.PROJECT_NEW_ABOVE_CAP: (
        (1, "GaussDB", 12, 120_000),
        (10, "ECS", 12, 68_000),
        (20, "RDS", 1, 9_000),
    ),
    Role.PROJECT_NEW_UNDER_CAP: (
        (1, "ECS", 1, 4_200),
        (12, "OBS", 12, 24_000),
        (18, "ECS", 1, 4_200),
    ),
}


def order_amounts(
    rng: np.random.Generator, list_cents: int, discount_micros: int
) -> tuple[int, int, int]:
    """(discount, voucher, paid) cents of a paid order: the customer's discount, sometimes a
    voucher rounded to 100 yuan."""
    discount = list_cents * discount_micros // 1_000_000
    voucher = 0
    if rng.random() < 0.15:
        voucher = min(
            int(list_cents * rng.uniform(0.05, 0.2)) // 10_000 * 10_000, list_cents - discount
        )
    return discount, voucher, list_cents - discount - voucher


def draw_order(
    rng: np.random.Generator,
    world: World,
    i: int,
    day: int,
    product_type: str | None = None,
    months: int | None = None,
    list_yuan: int | None = None,
    status: str | None = None,
) -> Order:
    """One order of customer `i` on `day`; the optional arguments fix what a script needs."""
    c = world.customers
    product_type = (
        product_type or PRODUCT_TYPES[int(rng.choice(len(PRODUCT_TYPES), p=PRODUCT_WEIGHTS))]
    )
    months = months or (12 if rng.random() < 0.3 else 1)
    if list_yuan is None:
        monthly = product(product_type).monthly_median * rng.lognormal(0.0, 0.5) * c.size[i]
        # A year costs about ten months, as on the Huawei Cloud price list.
        list_yuan = max(50, round(monthly * (10 if months == 12 else 1)))
    list_cents = list_yuan * 100
    minute = day * DAY + int(rng.integers(8 * 60, 23 * 60))
    discount, voucher, paid = order_amounts(rng, list_cents, int(c.discount_micros[i]))
    if status is None:
        draw = rng.random()
        status = "cancelled" if draw < 0.06 else "refunded" if draw < 0.14 else "paid"
    refund_minute = refund_cents = None
    if status == "cancelled":
        voucher, paid = 0, 0
    elif status == "refunded":
        refund_minute = minute + int(rng.integers(1, 21)) * DAY + int(rng.integers(-120, 120))
        if refund_minute // DAY > world.window.last or paid == 0:
            status, refund_minute = "paid", None
        else:
            # Unsubscribing part-way returns part of the payment, never more than paid.
            refund_cents = min(paid, int(paid * rng.uniform(0.3, 1.0)))
    return Order(
        i,
        product_type,
        months,
        minute,
        list_cents,
        discount,
        voucher,
        paid,
        status,
        refund_minute,
        refund_cents,
        None,
    )


def order_window(world: World, i: int) -> tuple[int, int]:
    """First and last day customer `i` may order in the window (empty if first > last)."""
    c = world.customers
    first = max(0, int(c.spend_from[i]))
    last = min(world.window.last, int(c.stop_day[i]) - 1)
    return first, last


def draw_orders(world: World, seed: int) -> list[Order]:
    """Every order of the window, in time order."""
    rng = np.random.default_rng([seed, 3])
    c = world.customers
    years = world.window.days / 365
    orders: list[Order] = []
    scripted_projects = {p.customer: p for p in world.projects if p.customer in PROJECT_ORDERS}
    for i in range(c.count):
        first, last = order_window(world, i)
        if i in scripted_projects:
            project = scripted_projects[i]
            for after, product_type, months, list_yuan in PROJECT_ORDERS[Role(i)]:
                orders.append(
                    draw_order(
                        rng,
                        world,
                        i,
                        min(world.window.last, project.start_day + after),
                        product_type,
                        months,
                        list_yuan,
                        "paid",
                    )
                )
            continue
        if first > last:
            continue
        rate = (2.0 if c.is_new[i] else 2.8) * years * min(2.0, float(c.size[i]))
        for day in sorted(rng.integers(first, last + 1, rng.poisson(rate))):
            orders.append(draw_order(rng, world, i, int(day)))
    # New customers' projects buy their cloud resources right after the project starts.
    for project in world.projects:
        if c.is_new[project.customer] and project.customer not in scripted_projects:
            for _ in range(int(rng.integers(1, 3))):
                day = min(world.window.last, project.start_day + int(rng.integers(0, 21)))
                orders.append(draw_order(rng, world, project.customer, day, months=12))
    return link_projects(world, sorted(orders, key=lambda o: (o.minute, o.customer)))


def link_projects(world: World, orders: list[Order]) -> list[Order]:
    """Orders placed in a project's first two months name the project."""
    window = world.window
    spans = {}
    for p in world.projects:
        start = window.date_of(p.start_day)
        spans[p.customer] = (p.project_id, p.start_day, window.day_of(add_months(start, 2)))
    linked = []
    for o in orders:
        span = spans.get(o.customer)
        day = o.minute // DAY
        if span and span[1] <= day < span[2]:
            o = Order(**{**o.__dict__, "project_id": span[0]})
        linked.append(o)
    return linked


def order_numbers(world: World, orders: list[Order]) -> list[str]:
    """Order numbers like CS2606030000012: CS, the order date (yymmdd), a running number."""
    return [
        f"CS{world.window.date_of(o.minute // DAY):%y%m%d}{n:07d}" for n, o in enumerate(orders, 1)
    ]


def orders_frame(world: World, orders: list[Order]) -> pl.DataFrame:
    """Order rows (money in cents) with landing day `_day`; a refunded order has two versions."""
    origin = world.window.moment(0, 0)
    rows = []
    for number, o in zip(order_numbers(world, orders), orders, strict=True):
        base = {
            "order_no": number,
            "customer_id": customer_id(o.customer),
            "product_type": o.product_type,
            "product_name": f"{product(o.product_type).name_zh}（{'包年 1年' if o.months == 12 else '包月 1个月'}）",
            "order_time": origin + timedelta(minutes=o.minute),
            "list_amount": o.list_cents,
            "discount_amount": o.discount_cents,
            "voucher_amount": o.voucher_cents,
            "paid_amount": o.paid_cents,
            "order_status": "paid" if o.status == "refunded" else o.status,
            "refund_time": None,
            "refund_amount": None,
            "project_id": o.project_id,
            "_day": o.minute // DAY,
        }
        rows.append(base)
        if o.status == "refunded":
            assert o.refund_minute is not None
            rows.append(
                {
                    **base,
                    "order_status": "refunded",
                    "refund_time": origin + timedelta(minutes=o.refund_minute),
                    "refund_amount": o.refund_cents,
                    "_day": o.refund_minute // DAY,
                }
            )
    return pl.DataFrame(rows, schema=ORDER_SCHEMA)


ORDER_SCHEMA = {
    "order_no": pl.String,
    "customer_id": pl.String,
    "product_type": pl.String,
    "product_name": pl.String,
    "order_time": pl.Datetime("us"),
    "list_amount": pl.Int64,
    "discount_amount": pl.Int64,
    "voucher_amount": pl.Int64,
    "paid_amount": pl.Int64,
    "order_status": pl.String,
    "refund_time": pl.Datetime("us"),
    "refund_amount": pl.Int64,
    "project_id": pl.String,
    "_day": pl.Int64,
}
