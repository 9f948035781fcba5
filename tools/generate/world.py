"""The customers, their association history and their projects: the generator's fixed world.

The first customers are *scripted*: each plays one role the warehouse must show (a
rejected association, a warning, a project above or below the cap), at any scale. The
others are random. The random ones always follow the association rules of DOMAIN
section 1, so the only rejected events are the scripted ones listed in
`tools.generate.REJECTED_ASSOCIATIONS`:

- a new customer associated through an offline invitation is associated within 7 days
  of the account's creation, and its spend (resources, orders) starts the day after;
- a customer is disassociated at most once in the window, and re-associated (online,
  to another partner) only after that.

Times are minutes from the window's first midnight (negative = before the window).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np

from tools.generate.calendar import NEVER, Window
from tools.generate.names import Company, companies
from tools.generate.parties import (
    DISTRIBUTOR,
    PARTNER_IDS,
    RESELLER_1,
    RESELLER_2,
    RESELLER_3,
    SOLUTION_PROVIDER,
    Team,
)

DAY = 1440  # minutes
# Random customers at scale 1; with the scripted ones this gives ~100k consumption rows
# over 175 days.
RANDOM_CUSTOMERS_PER_SCALE = 190
PARTNER_WEIGHTS = (0.25, 0.2, 0.15, 0.15, 0.25)
# Probability that an association is reseller (代售类) rather than referral (顾问销售类):
# resellers resell, a solution provider mostly advises.
RESELLER_SHARE = {
    DISTRIBUTOR: 0.5,
    RESELLER_1: 0.85,
    RESELLER_2: 0.85,
    RESELLER_3: 0.85,
    SOLUTION_PROVIDER: 0.2,
}
OFFERINGS = (
    "智慧园区解决方案",
    "电商大促弹性架构",
    "工业互联网平台",
    "医疗影像云",
    "在线教育直播平台",
    "数据湖治理",
    "SAP上云迁移",
    "AI质检方案",
)


class Role(IntEnum):
    """The scripted customers, in customer-number order (C000001 is the first)."""

    OFFLINE_TOO_OLD = 0
    OFFLINE_AFTER_SPEND = 1
    ASSOCIATE_WHILE_ASSOCIATED = 2
    SECOND_DISASSOCIATION = 3
    DISASSOCIATION_AFTER_3_MONTHS = 4
    CONSUMPTION_DROP = 5
    INACTIVE = 6
    ARREARS = 7
    EXPIRING_RESOURCE = 8
    PROJECT_NEW_ABOVE_CAP = 9
    PROJECT_NEW_UNDER_CAP = 10
    PROJECT_EXISTING_ABOVE_CAP = 11
    PROJECT_EXISTING_UNDER_CAP = 12


SCRIPTED = len(Role)

# Reasons of the deliberately rejected association events (DOMAIN section 1).
OFFLINE_TOO_OLD = "offline invitation of an account created more than 7 days before"
OFFLINE_AFTER_SPEND = "offline invitation of an account that already had cash spend"
STILL_ASSOCIATED = "associate while the customer is still associated"
SECOND_DISASSOCIATION = "second disassociation within 3 months"


def customer_id(index: int) -> str:
    return f"C{index + 1:06d}"


@dataclass
class AssociationEvent:
    customer: int
    partner_id: str
    event_type: str  # associate / disassociate
    association_type: str
    channel: str | None  # online / offline; empty on a disassociation
    minute: int
    rejection: str | None = None  # why DOMAIN section 1 rejects it, for scripted cases
    manager_id: str | None = None


@dataclass
class Project:
    project_id: str
    partner_id: str
    customer: int
    offering_name: str
    start_day: int
    committee_cents: int | None
    # A later revision of the committee amount: (landing day, new amount in cents).
    revision: tuple[int, int] | None = None


@dataclass
class Customers:
    """One entry per customer (index = customer number - 1); arrays drive the daily facts."""

    company: list[Company]
    is_new: np.ndarray  # bool
    created_minute: np.ndarray  # int64
    spend_from: np.ndarray  # first day resources and orders may start
    stop_day: np.ndarray  # from this day on: no spend, no orders (churned)
    drop_day: np.ndarray  # from this day on, spend × drop_factor
    drop_factor: np.ndarray
    size: np.ndarray  # spend multiplier
    voucher_from: np.ndarray
    voucher_to: np.ndarray  # vouchers cover voucher_share of spend in [from, to)
    voucher_share: np.ndarray
    tops_up: np.ndarray  # bool: tops the balance up when low (else may fall into arrears)
    balance_days: np.ndarray  # opening balance, in days of expected spend
    credit_limit_cents: np.ndarray
    discount_micros: np.ndarray  # discount_rate × 1e6
    industry_fix_day: np.ndarray  # industry empty on first landing, filled on that day

    @property
    def count(self) -> int:
        return len(self.company)

    @property
    def created_day(self) -> np.ndarray:
        return np.floor_divide(self.created_minute, DAY)


@dataclass
class World:
    window: Window
    team: Team
    customers: Customers
    events: list[AssociationEvent]
    projects: list[Project]
    # Scripted yearly/monthly resources bought before the window:
    # (customer, product_type, expire day, months).
    prepaid: list[tuple[int, str, int, int]] = field(default_factory=list)


def random_customers(rng: np.random.Generator, window: Window, count: int) -> Customers:
    """Customer attributes drawn independently per customer; the scripts override some."""
    is_new = rng.random(count) < 0.4
    existing_age = rng.integers(60, 2500, count) * DAY + rng.integers(0, DAY, count)
    new_created = rng.integers(-5, max(-4, window.days - 3), count) * DAY + rng.integers(
        8 * 60, 22 * 60, count
    )
    created = np.where(is_new, new_created, -existing_age).astype(np.int64)
    churns = rng.random(count) < 0.04
    drops = (rng.random(count) < 0.05) & ~churns
    has_voucher = rng.random(count) < 0.25
    voucher_from = rng.integers(0, window.days, count)
    late_industry = rng.random(count) < 0.03
    return Customers(
        company=companies(rng, count),
        is_new=is_new,
        created_minute=created,
        spend_from=np.where(is_new, np.floor_divide(created, DAY) + 1, -NEVER),
        stop_day=np.where(churns, rng.integers(window.at(0.3), window.at(0.85) + 1, count), NEVER),
        drop_day=np.where(drops, rng.integers(window.at(0.3), window.days, count), NEVER),
        drop_factor=rng.uniform(0.1, 0.45, count),
        size=rng.lognormal(0.0, 0.6, count),
        voucher_from=np.where(has_voucher, voucher_from, NEVER),
        voucher_to=voucher_from + rng.integers(7, 60, count),
        voucher_share=rng.uniform(0.2, 1.0, count),
        tops_up=is_new | (rng.random(count) < 0.9),
        balance_days=rng.uniform(15, 90, count),
        credit_limit_cents=rng.choice([0, 0, 0, 500_000, 1_000_000, 2_000_000, 5_000_000], count),
        discount_micros=rng.choice([0, 20_000, 50_000, 80_000, 100_000, 150_000], count),
        industry_fix_day=np.where(late_industry, rng.integers(1, window.days + 14, count), -1),
    )


def pick_partner(rng: np.random.Generator, exclude: str | None = None) -> str:
    weights = np.array(
        [0 if p == exclude else w for p, w in zip(PARTNER_IDS, PARTNER_WEIGHTS, strict=True)]
    )
    return PARTNER_IDS[int(rng.choice(len(PARTNER_IDS), p=weights / weights.sum()))]


def association_type(rng: np.random.Generator, partner_id: str) -> str:
    return "reseller" if rng.random() < RESELLER_SHARE[partner_id] else "referral"


def random_history(
    rng: np.random.Generator, window: Window, c: Customers, i: int
) -> list[AssociationEvent]:
    """The association events of random customer `i`, valid by every rule; sets spend_from."""
    events: list[AssociationEvent] = []
    created = int(c.created_minute[i])
    start_minute: int | None = None
    if c.is_new[i]:
        if rng.random() < 0.85:
            # Within 7 days of the account's creation, so an offline invitation is valid.
            start_minute = created + int(rng.integers(10, int(6.5 * DAY)))
            if start_minute // DAY > window.last:
                return events
            channel = "offline" if rng.random() < 0.5 else "online"
            # Spend starts the day after, so there is none before an offline association.
            c.spend_from[i] = start_minute // DAY + 1
        else:
            return events
    else:
        draw = rng.random()
        if draw < 0.82:
            earliest = max(created + DAY, -700 * DAY)
            start_minute = int(rng.integers(earliest, -60))
        elif draw < 0.9:
            start_minute = int(rng.integers(0, window.days * DAY))
        else:
            return events
        channel = "online"
    partner = pick_partner(rng)
    kind = association_type(rng, partner)
    events.append(AssociationEvent(i, partner, "associate", kind, channel, start_minute))
    start_day = start_minute // DAY
    if rng.random() < 0.08 and max(0, start_day + 7) < window.last:
        end_minute = int(rng.integers(max(0, start_day + 7), window.last)) * DAY + int(
            rng.integers(9 * 60, 19 * 60)
        )
        events.append(AssociationEvent(i, partner, "disassociate", kind, None, end_minute))
        if rng.random() < 0.5:
            again = end_minute + int(rng.integers(3, 31)) * DAY
            if again // DAY <= window.last:
                other = pick_partner(rng, exclude=partner)
                events.append(
                    AssociationEvent(
                        i, other, "associate", association_type(rng, other), "online", again
                    )
                )
    return events


def scripted_history(
    window: Window, c: Customers
) -> tuple[list[AssociationEvent], list[Project], list[tuple[int, str, int, int]]]:
    """Set up the scripted customers (see `Role`) and return their events, projects and
    prepaid resources. Every day used lies inside a window of at least 28 days."""
    events: list[AssociationEvent] = []

    def assoc(
        role: Role,
        partner: str,
        minute: int,
        kind: str = "reseller",
        channel: str = "online",
        rejection: str | None = None,
    ) -> None:
        events.append(
            AssociationEvent(role, partner, "associate", kind, channel, minute, rejection)
        )

    def dissoc(
        role: Role, partner: str, minute: int, kind: str = "reseller", rejection: str | None = None
    ) -> None:
        events.append(
            AssociationEvent(role, partner, "disassociate", kind, None, minute, rejection)
        )

    def existing(role: Role, age_days: int) -> None:
        c.is_new[role] = False
        c.created_minute[role] = -age_days * DAY + 11 * 60 + 20
        c.spend_from[role] = -NEVER

    def new(role: Role, day: int) -> None:
        c.is_new[role] = True
        c.created_minute[role] = day * DAY + 9 * 60 + 10

    for role in Role:
        c.stop_day[role] = NEVER
        c.drop_day[role] = NEVER
        c.voucher_from[role] = NEVER
        c.tops_up[role] = True
        c.industry_fix_day[role] = -1
        c.size[role] = 1.5

    # A dormant old account invited offline: too old. The partner then associates online.
    role = Role.OFFLINE_TOO_OLD
    existing(role, 400)
    day = window.at(0.1)
    assoc(role, RESELLER_1, day * DAY + 10 * 60 + 30, channel="offline", rejection=OFFLINE_TOO_OLD)
    assoc(role, RESELLER_1, (day + 2) * DAY + 14 * 60)
    c.spend_from[role] = day + 3

    # A new account that spent before its offline invitation (3 days after creation).
    role = Role.OFFLINE_AFTER_SPEND
    day = window.at(0.05)
    new(role, day)
    c.spend_from[role] = day
    assoc(
        role,
        SOLUTION_PROVIDER,
        (day + 3) * DAY + 15 * 60,
        "referral",
        "offline",
        OFFLINE_AFTER_SPEND,
    )
    assoc(role, SOLUTION_PROVIDER, (day + 4) * DAY + 10 * 60, "referral")

    # Associated with a reseller; the distributor tries to associate it as well.
    role = Role.ASSOCIATE_WHILE_ASSOCIATED
    existing(role, 900)
    assoc(role, RESELLER_1, -200 * DAY + 16 * 60)
    assoc(role, DISTRIBUTOR, window.at(0.2) * DAY + 11 * 60, "referral", rejection=STILL_ASSOCIATED)

    # Disassociated, re-associated, then disassociated again too soon.
    role = Role.SECOND_DISASSOCIATION
    existing(role, 700)
    first = window.at(0.15)
    again = first + max(2, min(20, window.days // 10))
    second = again + max(2, min(30, window.days // 8))
    assoc(role, DISTRIBUTOR, -300 * DAY + 9 * 60)
    dissoc(role, DISTRIBUTOR, first * DAY + 17 * 60)
    assoc(role, SOLUTION_PROVIDER, again * DAY + 10 * 60, "referral")
    dissoc(role, SOLUTION_PROVIDER, second * DAY + 16 * 60, "referral", SECOND_DISASSOCIATION)

    # The contrast: a second disassociation more than 3 months after the first is fine.
    role = Role.DISASSOCIATION_AFTER_3_MONTHS
    existing(role, 800)
    assoc(role, RESELLER_2, -400 * DAY + 10 * 60)
    dissoc(role, RESELLER_2, -100 * DAY + 15 * 60)
    assoc(role, RESELLER_3, -95 * DAY + 11 * 60)
    dissoc(role, RESELLER_3, window.at(0.1) * DAY + 18 * 60)

    # Warnings: spend falls to a quarter in the last 7 days; spend stops 45 days before
    # the end; a balance that is never topped up; a yearly resource expiring soon.
    role = Role.CONSUMPTION_DROP
    existing(role, 1200)
    assoc(role, DISTRIBUTOR, -150 * DAY + 10 * 60)
    c.drop_day[role] = window.days - 7
    c.drop_factor[role] = 0.25

    role = Role.INACTIVE
    existing(role, 1000)
    assoc(role, RESELLER_1, -250 * DAY + 10 * 60)
    c.stop_day[role] = max(2, window.days - 45)

    role = Role.ARREARS
    existing(role, 600)
    assoc(role, SOLUTION_PROVIDER, -120 * DAY + 10 * 60, "referral")
    c.tops_up[role] = False
    c.balance_days[role] = 4.0
    c.credit_limit_cents[role] = 500_000

    role = Role.EXPIRING_RESOURCE
    existing(role, 500)
    assoc(role, RESELLER_2, -180 * DAY + 10 * 60)
    prepaid = [(int(role), "ECS", window.last + 7, 12)]  # expires 7 days after the end

    # Projects (T11): new customers' orders above and under 150,000 in 2 months;
    # existing customers' committee amounts above and under 20,000.
    projects: list[Project] = []
    role = Role.PROJECT_NEW_ABOVE_CAP
    day = window.at(0.03)
    new(role, day)
    assoc(role, DISTRIBUTOR, (day + 1) * DAY + 9 * 60, "reseller", "offline")
    c.spend_from[role] = day + 2
    projects.append(Project("PRJ0001", DISTRIBUTOR, role, OFFERINGS[0], day + 2, None))

    role = Role.PROJECT_NEW_UNDER_CAP
    day = window.at(0.1)
    new(role, day)
    assoc(role, SOLUTION_PROVIDER, day * DAY + 21 * 60, "referral")
    c.spend_from[role] = day + 1
    projects.append(Project("PRJ0002", SOLUTION_PROVIDER, role, OFFERINGS[4], day + 3, None))

    role = Role.PROJECT_EXISTING_ABOVE_CAP
    existing(role, 1500)
    assoc(role, SOLUTION_PROVIDER, -60 * DAY + 10 * 60, "referral")
    day = window.at(0.2)
    projects.append(
        Project(
            "PRJ0003", SOLUTION_PROVIDER, role, OFFERINGS[2], day, 3_000_000, (day + 14, 3_500_000)
        )
    )

    role = Role.PROJECT_EXISTING_UNDER_CAP
    existing(role, 1300)
    assoc(role, RESELLER_3, -90 * DAY + 10 * 60)
    projects.append(Project("PRJ0004", RESELLER_3, role, OFFERINGS[5], 0, 1_200_000, None))
    return events, projects, prepaid


def random_projects(
    rng: np.random.Generator,
    window: Window,
    c: Customers,
    events: list[AssociationEvent],
    first_number: int,
) -> list[Project]:
    """Projects for ~3% of random customers with one lasting association, started after it."""
    by_customer: dict[int, list[AssociationEvent]] = {}
    for e in events:
        by_customer.setdefault(e.customer, []).append(e)
    projects: list[Project] = []
    for i in range(SCRIPTED, c.count):
        history = by_customer.get(i, [])
        if len(history) != 1 or rng.random() >= 0.03:
            continue
        start = max(0, history[0].minute // DAY + 1)
        if start > window.last:
            continue
        day = int(rng.integers(start, window.days))
        committee = None if c.is_new[i] else int(rng.integers(5, 41)) * 100_000
        projects.append(
            Project(
                f"PRJ{first_number + len(projects):04d}",
                history[0].partner_id,
                i,
                OFFERINGS[int(rng.integers(len(OFFERINGS)))],
                day,
                committee,
            )
        )
    return projects


def assign_managers(rng: np.random.Generator, team: Team, events: list[AssociationEvent]) -> None:
    """Name the owning customer manager of each event: a manager the partner had on that day;
    a disassociation names the manager of the association it ends."""
    current: dict[int, str] = {}
    for e in sorted(events, key=lambda e: (e.customer, e.minute)):
        if e.event_type == "associate":
            managers = team.managers_of(e.partner_id, max(0, e.minute // DAY))
            e.manager_id = managers[int(rng.integers(len(managers)))]
            if e.rejection is None:
                current[e.customer] = e.manager_id
        else:
            e.manager_id = current.get(e.customer)


def build_world(window: Window, team: Team, seed: int, scale: float) -> World:
    """Customers, their association events and projects, for one seed and scale."""
    rng = np.random.default_rng([seed, 1])
    count = SCRIPTED + round(RANDOM_CUSTOMERS_PER_SCALE * scale)
    customers = random_customers(rng, window, count)
    events, projects, prepaid = scripted_history(window, customers)
    for i in range(SCRIPTED, count):
        events.extend(random_history(rng, window, customers, i))
    projects.extend(random_projects(rng, window, customers, events, len(projects) + 1))
    events.sort(key=lambda e: (e.minute, e.customer))
    assign_managers(rng, team, events)
    return World(window, team, customers, events, projects, prepaid)
