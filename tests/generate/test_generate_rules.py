"""The generated data follows DOMAIN sections 1-2, except the documented rejections."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import polars as pl
import pytest
from landing_reader import latest, money, read_source, shanghai_time

from tools.generate import REJECTED_ASSOCIATIONS, RejectedAssociation
from tools.generate.calendar import add_months
from tools.generate.world import (
    OFFLINE_AFTER_SPEND,
    OFFLINE_TOO_OLD,
    SECOND_DISASSOCIATION,
    STILL_ASSOCIATED,
)

END = datetime(2026, 9, 28)  # last day of the test window (120 days from 2026-06-01)


@pytest.fixture(scope="module")
def sources(landing: Path) -> dict[str, pl.DataFrame]:
    names = ("associations", "customers", "consumption", "orders", "balances", "partners", "staff")
    names += ("statement_events", "resources", "projects")
    return {name: read_source(landing, name) for name in names}


def cash_spend_days(sources: dict[str, pl.DataFrame]) -> dict[str, list[datetime]]:
    """Moments of cash spend per customer: consumption days (at midnight) and paid orders."""
    consumption = (
        sources["consumption"]
        .filter(money("paid_amount") > 0)
        .select(
            "customer_id",
            pl.col("usage_date").str.to_datetime("%Y-%m-%d", strict=False).alias("at"),
        )
        .drop_nulls()  # the bad row's impossible date
    )
    orders = (
        latest(sources["orders"], "orders")
        .filter(pl.col("paid_amount").str.contains(r"^\d+\.\d\d$"))
        .filter(money("paid_amount") > 0)
        .select("customer_id", shanghai_time("order_time").alias("at"))
    )
    spend = pl.concat([consumption, orders]).group_by("customer_id").agg(pl.col("at").min())
    return dict(spend.iter_rows())


def arrears_days(sources: dict[str, pl.DataFrame]) -> dict[str, datetime]:
    negative = (
        sources["balances"]
        .filter(pl.col("discount_rate").cast(pl.Float64) <= 1)
        .filter(money("available_balance") < 0)
        .group_by("customer_id")
        .agg(pl.col("snapshot_date").min().str.to_datetime("%Y-%m-%d"))
    )
    return dict(negative.iter_rows())


def rejections(sources: dict[str, pl.DataFrame]) -> set[RejectedAssociation]:
    """Replay DOMAIN section 1 over every association event, in time order."""
    created = dict(
        latest(sources["customers"], "customers")
        .select("customer_id", shanghai_time("account_created_at"))
        .iter_rows()
    )
    first_spend = cash_spend_days(sources)
    first_arrears = arrears_days(sources)
    events = (
        sources["associations"]
        .filter(pl.col("event_type").is_in(["associate", "disassociate"]))
        .with_columns(shanghai_time("event_time"))
        .sort("event_time", "event_id")
    )
    associated: dict[str, bool] = {}
    last_disassociation: dict[str, datetime] = {}
    rejected = set()
    for e in events.iter_rows(named=True):
        customer, at = e["customer_id"], e["event_time"]
        reason = None
        if e["event_type"] == "associate":
            offline = e["invitation_channel"] == "offline"
            if associated.get(customer):
                reason = STILL_ASSOCIATED
            elif offline and at - created[customer] > timedelta(days=7):
                reason = OFFLINE_TOO_OLD
            elif offline and first_spend.get(customer, at) < at:
                reason = OFFLINE_AFTER_SPEND
            elif offline and first_arrears.get(customer, at) < at:
                reason = "offline invitation of an account in arrears"
            else:
                associated[customer] = True
        else:
            previous = last_disassociation.get(customer)
            if not associated.get(customer):
                reason = "disassociate while not associated"
            elif previous and at < datetime.combine(
                add_months(previous.date(), 3), previous.time()
            ):
                reason = SECOND_DISASSOCIATION
            else:
                associated[customer] = False
                last_disassociation[customer] = at
        if reason:
            rejected.add(RejectedAssociation(customer, e["event_type"], e["partner_id"], reason))
    return rejected


def test_only_the_documented_associations_are_rejected(sources: dict[str, pl.DataFrame]) -> None:
    assert rejections(sources) == set(REJECTED_ASSOCIATIONS)


def test_associations_cover_channels_types_and_disassociations(
    sources: dict[str, pl.DataFrame],
) -> None:
    events = sources["associations"]
    assert set(events["invitation_channel"].drop_nulls()) == {"online", "offline"}
    assert set(events["association_type"].drop_nulls()) == {"reseller", "referral"}
    assert events.filter(pl.col("event_type") == "disassociate").height >= 3
    associates = events.filter(pl.col("event_type") == "associate")
    assert associates["customer_manager_id"].null_count() == 0


def test_consumption_is_voucher_plus_paid_on_every_row(sources: dict[str, pl.DataFrame]) -> None:
    consumption = sources["consumption"]
    assert consumption.height > 10_000
    mismatched = consumption.filter(
        money("consumption_amount") != money("voucher_amount") + money("paid_amount")
    )
    assert mismatched.is_empty()
    assert consumption.filter(money("voucher_amount") > 0).height > 0


def test_orders_amounts_refunds_and_cancellations(sources: dict[str, pl.DataFrame]) -> None:
    orders = latest(sources["orders"], "orders").filter(
        pl.col("list_amount").str.contains(r"^\d+\.\d\d$")
    )
    assert set(orders["order_status"]) == {"paid", "refunded", "cancelled"}
    charged = orders.filter(pl.col("order_status") != "cancelled")
    assert charged.filter(
        money("paid_amount")
        != money("list_amount") - money("discount_amount") - money("voucher_amount")
    ).is_empty()
    assert orders.filter(
        (pl.col("order_status") == "cancelled") & (money("paid_amount") != 0)
    ).is_empty()
    refunded = orders.filter(pl.col("order_status") == "refunded")
    assert refunded.filter(
        (money("refund_amount") > money("paid_amount"))
        | (shanghai_time("refund_time") <= shanghai_time("order_time"))
    ).is_empty()
    assert orders["project_id"].drop_nulls().n_unique() >= 2


def test_partners_and_staff_structure(sources: dict[str, pl.DataFrame]) -> None:
    partners = latest(sources["partners"], "partners")
    types = dict(partners.select("partner_id", "partner_type").iter_rows())
    assert sorted(types.values()) == [
        "distributor",
        "reseller",
        "reseller",
        "reseller",
        "solution_provider",
    ]
    distributor = next(p for p, t in types.items() if t == "distributor")
    resellers = partners.filter(pl.col("partner_type") == "reseller")
    assert set(resellers["parent_partner_id"]) == {distributor}
    staff = latest(sources["staff"], "staff")
    partner_of = dict(staff.select("staff_id", "partner_id").iter_rows())
    role_of = dict(staff.select("staff_id", "role").iter_rows())
    for partner_id in types:
        members = staff.filter(pl.col("partner_id") == partner_id)
        assert 1 <= (members["role"] == "supervisor").sum() <= 2
        assert (members["role"] == "customer_manager").sum() >= 2
    for m in staff.filter(pl.col("role") == "customer_manager").iter_rows(named=True):
        assert role_of[m["supervisor_id"]] == "supervisor"
        assert partner_of[m["supervisor_id"]] == m["partner_id"]


def test_statement_events_cover_every_type_for_settlement_partners_only(
    sources: dict[str, pl.DataFrame],
) -> None:
    events = sources["statement_events"].filter(pl.col("billing_period").str.contains(r"^\d{6}$"))
    assert set(events["event_type"]) == {
        "generated",
        "partner_confirmed",
        "ops_approved",
        "invoice_received",
        "invoice_rejected",
        "paid",
    }
    types = dict(
        latest(sources["partners"], "partners").select("partner_id", "partner_type").iter_rows()
    )
    assert {types[p] for p in events["partner_id"]} == {"distributor", "solution_provider"}
    per_statement = events.group_by("partner_id", "billing_period").agg("event_type")
    lives = {tuple(sorted(set(t))) for t in per_statement["event_type"]}
    assert ("generated",) in lives  # the latest month, still pending
    assert any(
        "ops_approved" in t and "partner_confirmed" not in t for t in lives
    )  # auto-confirmed
    overdue = per_statement.filter(
        pl.col("event_type").list.contains("invoice_received")
        & ~pl.col("event_type").list.contains("paid")
    )
    assert overdue.height >= 1


def test_warning_material_is_present(sources: dict[str, pl.DataFrame]) -> None:
    balances = sources["balances"].filter(pl.col("discount_rate").cast(pl.Float64) <= 1)
    last = balances.filter(pl.col("snapshot_date") == END.date().isoformat())
    assert last.filter(money("available_balance") < 0).height >= 1
    resources = latest(sources["resources"], "resources").filter(
        pl.col("billing_mode") == "yearly_monthly"
    )
    expire = pl.col("expire_date").str.to_date()
    soon = resources.filter((expire > END.date()) & (expire <= END.date() + timedelta(days=15)))
    assert soon.height >= 1
    modes = set(latest(sources["resources"], "resources")["billing_mode"])
    assert {"on_demand", "yearly_monthly"} <= modes
    daily = (
        sources["consumption"]
        .filter(pl.col("customer_id").is_in(["C000006", "C000007"]))
        .group_by("customer_id", "usage_date")
        .agg(money("paid_amount").sum().alias("paid"))
        .with_columns(pl.col("usage_date").str.to_date(strict=False))
    )

    def spend(customer: str, first: int, last: int) -> float:
        window = daily.filter(
            (pl.col("customer_id") == customer)
            & pl.col("usage_date").is_between(
                END.date() - timedelta(days=last), END.date() - timedelta(days=first)
            )
        )
        return float(window["paid"].sum() or 0)

    assert spend("C000006", 0, 6) < 0.5 * spend("C000006", 7, 13)  # consumption_drop
    assert spend("C000007", 0, 29) == 0 and spend("C000007", 30, 119) > 0  # inactive


def test_projects_above_and_under_the_caps(sources: dict[str, pl.DataFrame]) -> None:
    projects = latest(sources["projects"], "projects")
    committee = projects.filter(pl.col("committee_approved_amount").is_not_null())
    amounts = committee.select(money("committee_approved_amount"))["committee_approved_amount"]
    assert (amounts > 20_000).any() and (amounts < 20_000).any()
    orders = latest(sources["orders"], "orders").filter(pl.col("project_id").is_not_null())
    per_project = orders.group_by("project_id").agg(money("paid_amount").sum())["paid_amount"]
    assert (per_project > 150_000).any() and (per_project < 150_000).any()
