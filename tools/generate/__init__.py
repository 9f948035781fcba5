"""Deterministic sample landing data: `generate_landing(out, seed=, scale=, start=, days=)`.

Same arguments, byte-identical files. Files land in `out/<source>/<YYYY-MM-DD>/<source>.<ext>`
where the folder is the **drop date**: every export is made at the end of the day it
covers, so a day's consumption, balance snapshot, orders and events land in that day's
own folder. History (associations before the window, resources and subscriptions bought
earlier, existing customers) lands with the first day, together with the first full
version of every snapshot source (partners, staff, customers, resources, projects);
later days hold only new or changed snapshot rows (same key = newer version). The
incentive policy library (`incentive_policies.csv` beside this file) is copied in on the
first day. Formats per source: see `tools.generate.formats`. Files at the same paths
are overwritten; nothing else under `out` is removed, so generate into an empty folder.

The world: one distributor P1001 with resellers P2001-P2003, one solution provider P3001;
~190 × scale random customers after 13 scripted ones (C000001-C000013, one per
`world.Role`); about 100k consumption rows per 175 days at scale 1. Default: 2026-06-01
to 2026-11-22 (175 days), so a run as of 2026-11-23 sees complete data.

Deliberately rejected association events (DOMAIN section 1). They are the only events
the rules reject; every other event is valid:

1. C000001 (`OFFLINE_TOO_OLD`): an offline `associate` with P2001 on day 10% of the
   window, while the account was created 400 days before the window. Two days later an
   online `associate` with P2001 is accepted.
2. C000002 (`OFFLINE_AFTER_SPEND`): a new account (created on day 5%) with on-demand cash
   spend from its creation day; an offline `associate` with P3001 three days after
   creation (within 7 days, but after cash spend). The next day an online `associate`
   with P3001 is accepted.
3. C000003 (`ASSOCIATE_WHILE_ASSOCIATED`): associated with P2001 200 days before the
   window; an `associate` with P1001 on day 20% while still associated.
4. C000004 (`SECOND_DISASSOCIATION`): associated with P1001 before the window,
   `disassociate` on day 15% (accepted), `associate` with P3001 a few days later
   (accepted), `disassociate` again a few weeks later: rejected, within 3 months of the
   first, so the customer stays with P3001.

C000005 is the valid contrast: disassociated 100 days before the window, re-associated,
and disassociated again on day 10%, more than 3 months later (accepted).

Other scripted customers: C000006 spend drops to a quarter in the last 7 days
(consumption_drop), C000007 all resources frozen 45 days before the end
(inactive), C000008 never tops up its balance (arrears), C000009 a yearly ECS expiring 7
days after the end (expiring_resource), C000010-C000013 projects: new customer with
orders above 150,000 / under 150,000 in 2 months, existing customer with committee
amount 30,000 then revised to 35,000 (above 20,000) / 12,000.

Bad rows (`bad_rows=True`; `False` writes none), each with a key no valid row uses:

| source | landing day | column | problem |
|---|---|---|---|
| associations | 9 | event_type | unknown event type 转移关联 |
| orders | 5 | list_amount | non-numeric `1,2O0.00` |
| consumption | 3 (a CSV day) | usage_date | impossible date `<year>-02-30` |
| balances | 0 | discount_rate | 1.5000, above 1 |
| resources | 2 | billing_mode | unknown billing mode 包季 |
| statement_events | last day | billing_period | `<year>13`, no month 13 |

Huawei's own incentive export and statements of the sample partner P3001, with planted
differences for the reconciliation: see `tools.generate.huawei`.

Statement events: see `tools.generate.statements` (every status, an auto-confirmed
month, a rejected invoice, an overdue month, the latest month only generated).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import polars as pl

from tools.generate.bad_rows import BadRow, bad_rows
from tools.generate.calendar import Window
from tools.generate.daily import Balances, consumption_day, is_balance_day, running_customers
from tools.generate.formats import file_format, file_path, landing_bytes
from tools.generate.huawei import HuaweiExport, huawei_export, read_policies
from tools.generate.orders import draw_orders, orders_frame
from tools.generate.parties import partners_frame, staff_frame, team
from tools.generate.resources import on_demand_plan, resources_frame
from tools.generate.statements import statement_events_frame
from tools.generate.tables import associations_frame, customers_frame, projects_frame
from tools.generate.world import (
    OFFLINE_AFTER_SPEND,
    OFFLINE_TOO_OLD,
    SECOND_DISASSOCIATION,
    STILL_ASSOCIATED,
    build_world,
)

__all__ = [
    "BAD_ROWS",
    "MIN_DAYS",
    "REJECTED_ASSOCIATIONS",
    "RejectedAssociation",
    "generate_landing",
    "sample_huawei_export",
]

POLICY_LIBRARY = Path(__file__).with_name("incentive_policies.csv")
# The scripted cases (rejections, warnings, projects, statements) need four weeks.
MIN_DAYS = 28


@dataclass(frozen=True)
class RejectedAssociation:
    customer_id: str
    event_type: str
    partner_id: str
    reason: str


REJECTED_ASSOCIATIONS: tuple[RejectedAssociation, ...] = (
    RejectedAssociation("C000001", "associate", "P2001", OFFLINE_TOO_OLD),
    RejectedAssociation("C000002", "associate", "P3001", OFFLINE_AFTER_SPEND),
    RejectedAssociation("C000003", "associate", "P1001", STILL_ASSOCIATED),
    RejectedAssociation("C000004", "disassociate", "P3001", SECOND_DISASSOCIATION),
)

# (source, column, problem) of each bad row, for tests and docs.
BAD_ROWS: tuple[tuple[str, str, str], ...] = tuple(
    (b.source, b.column, b.problem) for b in bad_rows(Window(date(2026, 6, 1), 175))
)


def generate_landing(
    out: Path,
    *,
    seed: int = 7,
    scale: float = 1.0,
    start: date = date(2026, 6, 1),
    days: int = 175,
    bad_rows: bool = True,
    rejected_events: bool = True,
    plain: bool = False,
    huawei: bool = True,
) -> dict[str, int]:
    """Write landing files under out/<source>/<YYYY-MM-DD>/ and return rows written per source.

    `rejected_events=False` leaves out the scripted association events that the rules
    reject, and `plain=True` writes every text source as UTF-8 CSV with English headers:
    the benchmark's floor and peer validate nothing and read no Excel or GB18030.
    `huawei=False` writes no Huawei export: it is computed line by line in Python, which
    the benchmark's sizes (up to 100M consumption rows) cannot afford."""
    if days < MIN_DAYS:
        raise ValueError(f"days must be at least {MIN_DAYS} (got {days})")
    if scale <= 0:
        raise ValueError(f"scale must be positive (got {scale})")
    window = Window(start, days)
    staff = team(window, seed, scale)
    world = build_world(window, staff, seed, scale)
    if not rejected_events:
        world = replace(world, events=[e for e in world.events if e.rejection is None])
    plan = on_demand_plan(world, seed)
    orders = draw_orders(world, seed)
    by_day = {
        "partners": partners_frame(window),
        "staff": staff_frame(staff),
        "customers": customers_frame(world),
        "associations": associations_frame(world),
        "orders": orders_frame(world, orders),
        "resources": resources_frame(world, plan, orders, seed),
        "statement_events": statement_events_frame(window, seed),
        "projects": projects_frame(world),
    }
    writer = LandingWriter(
        Path(out), window, bad_rows_by_file(window) if bad_rows else {}, plain=plain
    )
    writer.copy_policies()
    partitions = {source: split_by_day(frame) for source, frame in by_day.items()}
    balances = Balances.opening(world, plan)
    consumed = []
    for day in range(days):
        for source, days_frames in partitions.items():
            writer.write(source, day, days_frames.get(day))
        consumption = consumption_day(world, plan, seed, day)
        writer.write("consumption", day, consumption)
        if huawei:
            consumed.append(consumption)
        balances.spend(consumption, running_customers(plan, day))
        if is_balance_day(world, day):
            writer.write("balances", day, balances.snapshot(day))
    if huawei:
        landed_orders = by_day["orders"].filter(pl.col("_day").is_between(0, window.last))
        export = huawei_export(
            world, staff, landed_orders, pl.concat(consumed), read_policies(POLICY_LIBRARY)
        )
        for source, frame in (
            ("huawei_incentive_details", export.details),
            ("huawei_statements", export.statements),
        ):
            for day, part in split_by_day(frame).items():
                writer.write(source, day, part)
    writer.write_leftover_bad_rows()
    return dict(sorted(writer.rows.items()))


def sample_huawei_export(
    *, seed: int = 7, scale: float = 1.0, start: date = date(2026, 6, 1), days: int = 175
) -> HuaweiExport:
    """What `generate_landing` with these arguments writes as Huawei's export and
    statements, with the list of its planted differences (for tests and docs)."""
    window = Window(start, days)
    staff = team(window, seed, scale)
    world = build_world(window, staff, seed, scale)
    plan = on_demand_plan(world, seed)
    orders = orders_frame(world, draw_orders(world, seed))
    consumed = [consumption_day(world, plan, seed, day) for day in range(days)]
    return huawei_export(
        world,
        staff,
        orders.filter(pl.col("_day").is_between(0, window.last)),
        pl.concat(consumed),
        read_policies(POLICY_LIBRARY),
    )


def split_by_day(frame: pl.DataFrame) -> dict[int, pl.DataFrame]:
    """The frame's rows per landing day, without the `_day` column, in their order."""
    return {
        int(key[0]): part.drop("_day")
        for key, part in frame.partition_by("_day", as_dict=True, maintain_order=True).items()
    }


def bad_rows_by_file(window: Window) -> dict[tuple[str, int], list[BadRow]]:
    grouped: dict[tuple[str, int], list[BadRow]] = {}
    for row in bad_rows(window):
        grouped.setdefault((row.source, row.day), []).append(row)
    return grouped


class LandingWriter:
    """Writes one file per source and drop day, appending that file's bad rows."""

    def __init__(
        self,
        out: Path,
        window: Window,
        bad: dict[tuple[str, int], list[BadRow]],
        *,
        plain: bool = False,
    ) -> None:
        self.out = out
        self.plain = plain
        self.window = window
        self.bad = dict(bad)
        self.rows: Counter[str] = Counter()

    def write(self, source: str, day: int, frame: pl.DataFrame | None) -> None:
        bad = [b.values for b in self.bad.pop((source, day), [])]
        if (frame is None or frame.is_empty()) and not bad:
            return
        fmt = file_format(source, day, plain=self.plain)
        drop_date = self.window.date_of(day)
        path = file_path(self.out, source, drop_date, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        if frame is None:
            frame = pl.DataFrame()
        path.write_bytes(landing_bytes(frame, bad, source, fmt, drop_date))
        self.rows[source] += frame.height + len(bad)

    def write_leftover_bad_rows(self) -> None:
        """Bad rows whose day had no valid rows of their source are written on their own."""
        for source, day in sorted(self.bad):
            self.write(source, day, None)

    def copy_policies(self) -> None:
        fmt = file_format("incentive_policies", 0, plain=self.plain)
        path = file_path(self.out, "incentive_policies", self.window.start, fmt)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = POLICY_LIBRARY.read_bytes()
        path.write_bytes(data)
        self.rows["incentive_policies"] += data.count(b"\n") - 1
