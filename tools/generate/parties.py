"""The partners and their staff: one distributor with three resellers, one solution provider.

Each partner has one or two supervisors and several customer managers, each reporting to a
supervisor of the same partner. The team grows with the square root of the scale so that
managers' books stay plausible at large scales. Two snapshot changes land later: a
reseller is upgraded registered -> certified, the distributor hires a customer manager,
and one of its managers moves to the other supervisor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import polars as pl

from tools.generate.calendar import Window
from tools.generate.names import person_names

DISTRIBUTOR = "P1001"
RESELLER_1 = "P2001"
RESELLER_2 = "P2002"
RESELLER_3 = "P2003"
SOLUTION_PROVIDER = "P3001"

PARTNER_IDS: tuple[str, ...] = (DISTRIBUTOR, RESELLER_1, RESELLER_2, RESELLER_3, SOLUTION_PROVIDER)
# Huawei settles with these (DOMAIN rule 1): never with a reseller.
SETTLEMENT_PARTNERS: tuple[str, ...] = (DISTRIBUTOR, SOLUTION_PROVIDER)
# The reseller whose development stage changes mid-window.
UPGRADED_PARTNER = RESELLER_2


@dataclass(frozen=True)
class Partner:
    partner_id: str
    partner_name: str
    partner_type: str
    parent_partner_id: str | None
    development_stage: str
    supervisors: int
    managers: int  # customer managers at scale 1


PARTNERS: tuple[Partner, ...] = (
    Partner(DISTRIBUTOR, "广州云途信息技术有限公司", "distributor", None, "differentiated", 2, 5),
    Partner(RESELLER_1, "深圳云启网络科技有限公司", "reseller", DISTRIBUTOR, "certified", 1, 3),
    Partner(RESELLER_2, "杭州数帆信息技术有限公司", "reseller", DISTRIBUTOR, "registered", 1, 3),
    Partner(RESELLER_3, "成都天府云计算服务有限公司", "reseller", DISTRIBUTOR, "registered", 1, 2),
    Partner(
        SOLUTION_PROVIDER,
        "北京智算解决方案科技有限公司",
        "solution_provider",
        None,
        "certified",
        2,
        4,
    ),
)


@dataclass(frozen=True)
class StaffMember:
    staff_id: str
    partner_id: str
    staff_name: str
    role: str
    supervisor_id: str | None
    joined_day: int  # landing day of the first row; managers get customers from then on


@dataclass(frozen=True)
class Team:
    members: tuple[StaffMember, ...]
    # (landing day, staff id, new supervisor id): a manager moving to another team.
    moves: tuple[tuple[int, str, str], ...]

    def managers_of(self, partner_id: str, on_day: int) -> list[str]:
        """The customer managers of a partner who had joined by `on_day`, in id order."""
        return [
            m.staff_id
            for m in self.members
            if m.partner_id == partner_id
            and m.role == "customer_manager"
            and m.joined_day <= on_day
        ]


def partners_frame(window: Window) -> pl.DataFrame:
    """Partner snapshot rows with their landing day `_day`: all on day 0, one upgrade later."""
    rows = [
        {
            "partner_id": p.partner_id,
            "partner_name": p.partner_name,
            "partner_type": p.partner_type,
            "parent_partner_id": p.parent_partner_id,
            "development_stage": p.development_stage,
            "_day": 0,
        }
        for p in PARTNERS
    ]
    upgraded = next(r for r in rows if r["partner_id"] == UPGRADED_PARTNER)
    rows.append({**upgraded, "development_stage": "certified", "_day": window.at(0.6)})
    return pl.DataFrame(rows, schema_overrides={"parent_partner_id": pl.String})


def team(window: Window, seed: int, scale: float) -> Team:
    """The staff of every partner, a hire on the distributor side, and one team move."""
    rng = np.random.default_rng([seed, 10])
    growth = max(1, round(math.sqrt(scale)))
    sizes = [p.supervisors + p.managers * growth for p in PARTNERS]
    names = iter(person_names(rng, sum(sizes) + 1))
    members: list[StaffMember] = []
    number = 1
    for partner in PARTNERS:
        supervisors = []
        for _ in range(partner.supervisors):
            staff_id = f"E{number:05d}"
            number += 1
            supervisors.append(staff_id)
            members.append(
                StaffMember(staff_id, partner.partner_id, next(names), "supervisor", None, 0)
            )
        for k in range(partner.managers * growth):
            staff_id = f"E{number:05d}"
            number += 1
            members.append(
                StaffMember(
                    staff_id,
                    partner.partner_id,
                    next(names),
                    "customer_manager",
                    supervisors[k % len(supervisors)],
                    0,
                )
            )
    distributor_supervisors = [
        m.staff_id for m in members if m.partner_id == DISTRIBUTOR and m.role == "supervisor"
    ]
    hire = StaffMember(
        f"E{number:05d}",
        DISTRIBUTOR,
        next(names),
        "customer_manager",
        distributor_supervisors[-1],
        window.at(0.3),
    )
    members.append(hire)
    mover = next(
        m
        for m in members
        if m.partner_id == DISTRIBUTOR
        and m.role == "customer_manager"
        and m.supervisor_id == distributor_supervisors[0]
    )
    return Team(tuple(members), ((window.at(0.5), mover.staff_id, distributor_supervisors[-1]),))


def staff_frame(staff: Team) -> pl.DataFrame:
    """Staff snapshot rows with their landing day `_day`."""
    rows = [
        {
            "staff_id": m.staff_id,
            "partner_id": m.partner_id,
            "staff_name": m.staff_name,
            "role": m.role,
            "supervisor_id": m.supervisor_id,
            "_day": m.joined_day,
        }
        for m in staff.members
    ]
    by_id = {r["staff_id"]: r for r in rows}
    for day, staff_id, supervisor_id in staff.moves:
        rows.append({**by_id[staff_id], "supervisor_id": supervisor_id, "_day": day})
    return pl.DataFrame(rows, schema_overrides={"supervisor_id": pl.String})
