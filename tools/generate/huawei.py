"""Huawei's own incentive export (激励明细) and statements for the sample partner P3001.

The lines are what the rules of DOMAIN section 3 give for P3001 (a solution provider: it
settles for itself), computed here from the generator's own world, independently of the
warehouse: attribution at the order (refund) instant and at the end of the usage day,
the policy in force on the date, half-up rounding per line, and the acceleration rows
of its projects. Every closed month's export lands on the day its statement is generated
(the 3rd of the next month), with a statement whose amount is the sum of its lines.

Then the planted differences (`PLANTED`), each on the first candidate line of the first
closed month that has one (lines in key order), so the reconciliation has one of each to
find and nothing else:

| name | Huawei's line | the warehouse's line | class (component) |
|---|---|---|---|
| `missed_order` | absent | an order line | only_in_warehouse |
| `missed_consumption` | absent | a consumption line | only_in_warehouse |
| `wrong_rate` | an order line at the rate − 0.01, amount recomputed | the policy's rate | amount_differs (rate) |
| `rounding` | the incentive truncated, 0.01 less (a line whose exact amount rounds up) | half-up | amount_differs (rounding) |
| `acceleration_cap` | an existing customer's project capped at 15,000 | capped at 20,000 (T11) | amount_differs (cap) |
| `attributed_elsewhere` | an order of a customer then associated with the distributor P1001 | P1001's line | attributed_elsewhere |
| `only_in_huawei` | an order line with an order number no export of the partner holds | absent | only_in_huawei |
| `fallback_match` | an order line whose order number carries Huawei's suffix `-01` | the same order | matched (by customer, product, period, amount) |
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import polars as pl

from tools.generate.calendar import Window, add_months, billing_period
from tools.generate.parties import DISTRIBUTOR, SOLUTION_PROVIDER, Team
from tools.generate.statements import closed_months, generation_day
from tools.generate.world import World, customer_id

SAMPLE_PARTNER = SOLUTION_PROVIDER
SAMPLE_PARTNER_TYPE = "solution_provider"
NEW_CUSTOMER_CAP = 15_000_000  # cents
EXISTING_CUSTOMER_CAP = 2_000_000
HUAWEI_EXISTING_CAP = 1_500_000  # the planted `acceleration_cap`
WRONG_RATE_STEP = 10_000  # micros: 0.01
MICROS = 1_000_000
FAR = datetime(9999, 12, 31)
Line = dict[str, object]
Rates = dict[tuple[str, str], list[tuple[date, date, int]]]


@dataclass(frozen=True)
class Planted:
    """One planted difference: which line, and how the reconciliation must classify it."""

    name: str
    billing_period: str
    transaction_type: str
    reference: str  # order_no, resource_id:usage_date or project_id (the warehouse's)
    match_class: str
    component: str | None


@dataclass(frozen=True)
class Period:
    customer: str
    partner_id: str
    association_type: str
    manager_id: str | None
    start: datetime
    end: datetime  # FAR while open


def association_periods(world: World) -> list[Period]:
    """Accepted associations as [start, end) periods (rejected events never open or close one)."""
    origin = world.window.moment(0, 0)
    open_: dict[int, tuple[str, str, str | None, datetime]] = {}
    periods = []
    for e in sorted(
        (e for e in world.events if e.rejection is None), key=lambda e: (e.minute, e.customer)
    ):
        at = origin + timedelta(minutes=e.minute)
        if e.event_type == "associate":
            open_[e.customer] = (e.partner_id, e.association_type, e.manager_id, at)
        elif e.customer in open_:
            partner, kind, manager, start = open_.pop(e.customer)
            periods.append(Period(customer_id(e.customer), partner, kind, manager, start, at))
    for customer, (partner, kind, manager, start) in open_.items():
        periods.append(Period(customer_id(customer), partner, kind, manager, start, FAR))
    return periods


def owner_at(periods: dict[str, list[Period]], customer: str, at: datetime) -> Period | None:
    """The association in force at an instant: start <= at < end."""
    return next((p for p in periods.get(customer, []) if p.start <= at < p.end), None)


def policy_rates(policies: pl.DataFrame) -> Rates:
    """(association type, product) -> [(valid_from, valid_to, rate micros)] of the sample
    partner's type, latest start first (the version that started last wins)."""
    rows = policies.filter(pl.col("partner_type") == SAMPLE_PARTNER_TYPE).sort(
        ["valid_from", "policy_id"], descending=[True, False]
    )
    out: Rates = {}
    for r in rows.iter_rows(named=True):
        out.setdefault((r["association_type"], r["product_type"]), []).append(
            (r["valid_from"], r["valid_to"] or date.max, round(float(r["rate"]) * MICROS))
        )
    return out


def rate_on(rates: Rates, association_type: str, product: str, on: date) -> int:
    """The rate (micros) in force on a date; no policy gives 0 (rule 3)."""
    return next(
        (r for start, end, r in rates.get((association_type, product), []) if start <= on <= end), 0
    )


def half_up(cents: int, rate: int) -> int:
    """cents × rate rounded half away from zero to the cent (rule 3)."""
    exact = abs(cents) * rate
    rounded = (exact + MICROS // 2) // MICROS
    return rounded if cents >= 0 else -rounded


def read_policies(path: Path) -> pl.DataFrame:
    return pl.read_csv(
        path,
        schema_overrides={"rate": pl.Float64, "valid_from": pl.Date, "valid_to": pl.Date},
    )


def line(
    period: str,
    kind: str,
    customer: str,
    product: str | None,
    eligible: int,
    rate: int | None,
    incentive: int,
    **reference: object,
) -> Line:
    return {
        "billing_period": period,
        "transaction_type": kind,
        "order_no": reference.get("order_no"),
        "resource_id": reference.get("resource_id"),
        "usage_date": reference.get("usage_date"),
        "project_id": reference.get("project_id"),
        "customer_id": customer,
        "product_type": product,
        "incentive_type": "acceleration" if kind == "project" else "base",
        "eligible_amount": eligible,
        "rate": rate,
        "incentive_amount": incentive,
    }


def order_lines(
    orders: pl.DataFrame, periods: dict[str, list[Period]], rates: Rates, partners: Iterable[str]
) -> list[Line]:
    """Order and refund lines of the customers' owners in `partners`, with their owner."""
    latest = orders.unique("order_no", keep="last", maintain_order=True)
    out = []
    for o in latest.filter(pl.col("order_status") != "cancelled").iter_rows(named=True):
        events = [("order", o["order_time"], o["paid_amount"])]
        if o["refund_time"] is not None:
            events.append(("refund", o["refund_time"], -o["refund_amount"]))
        for kind, at, cents in events:
            owner = owner_at(periods, o["customer_id"], at)
            if owner is None or owner.partner_id not in partners:
                continue
            rate = rate_on(rates, owner.association_type, o["product_type"], at.date())
            row = line(
                billing_period(at.date()),
                kind,
                o["customer_id"],
                o["product_type"],
                cents,
                rate,
                half_up(cents, rate),
                order_no=o["order_no"],
            )
            out.append({**row, "owner": owner.partner_id, "manager_id": owner.manager_id})
    return out


def consumption_lines(
    consumption: pl.DataFrame, periods: dict[str, list[Period]], rates: Rates
) -> list[Line]:
    """The sample partner's consumption lines: the owner at the end of the usage day."""
    out = []
    for c in consumption.iter_rows(named=True):
        day_end = datetime.combine(c["usage_date"] + timedelta(days=1), datetime.min.time())
        owner = next(
            (
                p
                for p in periods.get(c["customer_id"], [])
                if p.start < day_end and p.end >= day_end
            ),
            None,
        )
        if owner is None or owner.partner_id != SAMPLE_PARTNER:
            continue
        rate = rate_on(rates, owner.association_type, c["product_type"], c["usage_date"])
        row = line(
            billing_period(c["usage_date"]),
            "consumption",
            c["customer_id"],
            c["product_type"],
            c["paid_amount"],
            rate,
            half_up(c["paid_amount"], rate),
            resource_id=c["resource_id"],
            usage_date=c["usage_date"],
        )
        out.append({**row, "owner": SAMPLE_PARTNER, "manager_id": owner.manager_id})
    return out


def project_lines(
    world: World, orders: pl.DataFrame, periods: dict[str, list[Period]]
) -> list[Line]:
    """Acceleration rows (T11) of the sample partner's projects."""
    window = world.window
    out = []
    latest = orders.unique("order_no", keep="last", maintain_order=True)
    for p in world.projects:
        if p.partner_id != SAMPLE_PARTNER:
            continue
        start = window.date_of(p.start_day)
        customer = customer_id(p.customer)
        if world.customers.is_new[p.customer]:
            end = add_months(start, 2) - timedelta(days=1)
            amount = window_amount(latest, p.project_id, start, end)
            booked, capped = end, min(max(amount, 0), NEW_CUSTOMER_CAP)
        else:
            committee = p.committee_cents
            if p.revision and p.revision[0] <= window.last:
                committee = p.revision[1]
            if committee is None:
                continue
            amount, booked = committee, start
            capped = min(max(amount, 0), EXISTING_CUSTOMER_CAP)
        start_end = datetime.combine(start + timedelta(days=1), datetime.min.time())
        owner = next(
            (
                q
                for q in periods.get(customer, [])
                if q.partner_id == SAMPLE_PARTNER and q.start < start_end <= q.end
            ),
            None,
        )
        row = line(
            billing_period(booked),
            "project",
            customer,
            None,
            amount,
            None,
            capped,
            project_id=p.project_id,
        )
        out.append(
            {
                **row,
                "owner": SAMPLE_PARTNER,
                "manager_id": owner.manager_id if owner else None,
                "is_new": bool(world.customers.is_new[p.customer]),
            }
        )
    return out


def window_amount(orders: pl.DataFrame, project_id: str, first: date, last: date) -> int:
    """Orders minus refunds of a project dated in [first, last]."""
    rows = orders.filter(pl.col("project_id") == project_id)
    total = 0
    for o in rows.iter_rows(named=True):
        if o["order_status"] == "cancelled":
            continue
        if first <= o["order_time"].date() <= last:
            total += o["paid_amount"]
        if o["refund_time"] is not None and first <= o["refund_time"].date() <= last:
            total -= o["refund_amount"]
    return total


@dataclass(frozen=True)
class HuaweiExport:
    details: pl.DataFrame  # with `_day`, money in cents, rate in micros
    statements: pl.DataFrame
    planted: tuple[Planted, ...]


def reference_of(row: Line) -> str:
    if row["transaction_type"] == "consumption":
        return f"{row['resource_id']}:{row['usage_date']}"
    if row["transaction_type"] == "project":
        return str(row["project_id"])
    return str(row["order_no"])


def sort_key(row: Line) -> tuple[str, ...]:
    return (str(row["billing_period"]), str(row["transaction_type"]), reference_of(row))


class Planter:
    """Applies the planted differences to the sample partner's true lines."""

    def __init__(self, lines: list[Line], months: list[str]) -> None:
        self.lines = sorted(lines, key=sort_key)
        self.months = months
        self.used: set[int] = set()
        self.planted: list[Planted] = []

    def take(
        self, name: str, match_class: str, component: str | None, test: Callable[[Line], bool]
    ) -> Line | None:
        """The first unused closed-month line passing `test`, recorded as planted."""
        for i, row in enumerate(self.lines):
            if i in self.used or row["billing_period"] not in self.months or not test(row):
                continue
            self.used.add(i)
            self.planted.append(
                Planted(
                    name,
                    str(row["billing_period"]),
                    str(row["transaction_type"]),
                    reference_of(row),
                    match_class,
                    component,
                )
            )
            return row
        return None


def own(row: Line) -> bool:
    return row["owner"] == SAMPLE_PARTNER


def is_order(row: Line, minimum: int = 1) -> bool:
    return (
        own(row) and row["transaction_type"] == "order" and int(row["eligible_amount"]) >= minimum
    )


def rounds_up(row: Line) -> bool:
    cents, rate = int(row["eligible_amount"]), int(row["rate"] or 0)
    return (
        own(row)
        and row["transaction_type"] == "consumption"
        and cents > 0
        and rate > 0
        and (cents * rate) % MICROS >= MICROS // 2
    )


def planted_lines(lines: list[Line], months: list[str]) -> tuple[list[Line], list[Planted]]:
    """Huawei's lines of the closed months: the sample partner's true lines with the planted
    differences (module docstring)."""
    planter = Planter(lines, months)
    removed: set[int] = set()
    changed: dict[int, Line] = {}
    added: list[Line] = []

    def index_of(row: Line) -> int:
        return next(i for i, r in enumerate(planter.lines) if r is row)

    missed = [
        planter.take("missed_order", "only_in_warehouse", None, is_order),
        planter.take(
            "missed_consumption",
            "only_in_warehouse",
            None,
            lambda r: (
                own(r) and r["transaction_type"] == "consumption" and int(r["incentive_amount"]) > 0
            ),
        ),
    ]
    removed.update(index_of(r) for r in missed if r is not None)
    # 0.01 of the rate on at least 200 yuan: a difference above the dispute threshold.
    wrong = planter.take(
        "wrong_rate",
        "amount_differs",
        "rate",
        lambda r: is_order(r, 20_000) and int(r["rate"] or 0) > WRONG_RATE_STEP,
    )
    if wrong is not None:
        rate = int(wrong["rate"]) - WRONG_RATE_STEP
        changed[index_of(wrong)] = {
            **wrong,
            "rate": rate,
            "incentive_amount": half_up(int(wrong["eligible_amount"]), rate),
        }
    rounding = planter.take("rounding", "amount_differs", "rounding", rounds_up)
    if rounding is not None:
        changed[index_of(rounding)] = {
            **rounding,
            "incentive_amount": int(rounding["incentive_amount"]) - 1,
        }
    capped = planter.take(
        "acceleration_cap",
        "amount_differs",
        "cap",
        lambda r: (
            own(r)
            and r["transaction_type"] == "project"
            and not r["is_new"]
            and int(r["incentive_amount"]) == EXISTING_CUSTOMER_CAP
        ),
    )
    if capped is not None:
        changed[index_of(capped)] = {**capped, "incentive_amount": HUAWEI_EXISTING_CAP}
    elsewhere = planter.take(
        "attributed_elsewhere",
        "attributed_elsewhere",
        None,
        lambda r: r["owner"] == DISTRIBUTOR and r["transaction_type"] == "order",
    )
    if elsewhere is not None:
        added.append(elsewhere)
    fallback = planter.take("fallback_match", "matched", None, is_order)
    if fallback is not None:
        changed[index_of(fallback)] = {**fallback, "order_no": f"{fallback['order_no']}-01"}
    template = next(
        (r for r in planter.lines if is_order(r) and r["billing_period"] in months), None
    )
    if template is not None:
        ghost = {
            **template,
            "order_no": f"CS{str(template['billing_period'])[2:]}309999999",
            "eligible_amount": 123_456,
            "incentive_amount": half_up(123_456, int(template["rate"] or 0)),
        }
        added.append(ghost)
        planter.planted.append(
            Planted(
                "only_in_huawei",
                str(ghost["billing_period"]),
                "order",
                str(ghost["order_no"]),
                "only_in_huawei",
                None,
            )
        )
    kept = [
        changed.get(i, row)
        for i, row in enumerate(planter.lines)
        if own(row) and row["billing_period"] in months and i not in removed
    ]
    return sorted(kept + added, key=sort_key), planter.planted


def huawei_export(
    world: World,
    team: Team,
    orders: pl.DataFrame,
    consumption: pl.DataFrame,
    policies: pl.DataFrame,
) -> HuaweiExport:
    """The sample partner's export of every closed month, planted, with its statements."""
    window = world.window
    by_customer: dict[str, list[Period]] = {}
    for p in association_periods(world):
        by_customer.setdefault(p.customer, []).append(p)
    rates = policy_rates(policies)
    lines = [
        *order_lines(orders, by_customer, rates, (SAMPLE_PARTNER, DISTRIBUTOR)),
        *consumption_lines(consumption, by_customer, rates),
        *project_lines(world, orders, by_customer),
    ]
    months = {billing_period(m): m for m in closed_months(window)}
    huawei, planted = planted_lines(lines, list(months))
    return HuaweiExport(
        details_frame(world, team, huawei, months),
        statements_frame(window, huawei, months),
        tuple(planted),
    )


def details_frame(
    world: World, team: Team, lines: list[Line], months: dict[str, date]
) -> pl.DataFrame:
    names = {customer_id(i): c for i, c in enumerate(world.customers.company)}
    staff = {m.staff_id: m.staff_name for m in team.members}
    rows = [
        {
            "detail_id": f"HW{row['billing_period']}{n:06d}",
            "billing_period": row["billing_period"],
            "partner_id": SAMPLE_PARTNER,
            "transaction_type": row["transaction_type"],
            "order_no": row["order_no"],
            "resource_id": row["resource_id"],
            "usage_date": row["usage_date"],
            "project_id": row["project_id"],
            "customer_name": names[str(row["customer_id"])].name,
            "account_name": names[str(row["customer_id"])].account_name,
            "reseller_name": None,
            "customer_manager_name": staff.get(str(row["manager_id"])),
            "product_type": row["product_type"],
            "incentive_type": row["incentive_type"],
            "eligible_amount": row["eligible_amount"],
            "rate": row["rate"],
            "incentive_amount": row["incentive_amount"],
            "statement_status": "pending_confirmation",
            "_day": world.window.day_of(generation_day(months[str(row["billing_period"])])),
        }
        for n, row in enumerate(lines, 1)
    ]
    return pl.DataFrame(rows, schema=DETAIL_SCHEMA, orient="row")


DETAIL_SCHEMA = {
    "detail_id": pl.String,
    "billing_period": pl.String,
    "partner_id": pl.String,
    "transaction_type": pl.String,
    "order_no": pl.String,
    "resource_id": pl.String,
    "usage_date": pl.Date,
    "project_id": pl.String,
    "customer_name": pl.String,
    "account_name": pl.String,
    "reseller_name": pl.String,
    "customer_manager_name": pl.String,
    "product_type": pl.String,
    "incentive_type": pl.String,
    "eligible_amount": pl.Int64,
    "rate": pl.Int64,
    "incentive_amount": pl.Int64,
    "statement_status": pl.String,
    "_day": pl.Int64,
}


def statements_frame(window: Window, lines: list[Line], months: dict[str, date]) -> pl.DataFrame:
    """One statement per closed month: the sum of Huawei's lines, pending confirmation."""
    totals = {period: 0 for period in months}
    for row in lines:
        totals[str(row["billing_period"])] += int(row["incentive_amount"])
    return pl.DataFrame(
        [
            {
                "partner_id": SAMPLE_PARTNER,
                "billing_period": period,
                "incentive_amount": amount,
                "status": "pending_confirmation",
                "_day": window.day_of(generation_day(months[period])),
            }
            for period, amount in totals.items()
        ],
        schema={
            "partner_id": pl.String,
            "billing_period": pl.String,
            "incentive_amount": pl.Int64,
            "status": pl.String,
            "_day": pl.Int64,
        },
    )
