"""Searches read the per-customer daily groups (a customer) or only the days the matching
orders are dated (an order number), and answer exactly what reading every detail row
answers: the same totals, days and rows, for every viewer."""

from __future__ import annotations

from decimal import Decimal

import polars as pl
import pytest
from conftest import viewer_of

from dashboards import queries as q

SEARCHES = [
    q.DetailFilter(search="acme", search_in="customer"),
    q.DetailFilter(search="C", search_in="customer"),
    q.DetailFilter(search="acme", search_in="customer", product_types=("ecs",)),
    q.DetailFilter(search="acme", search_in="customer", statuses=("issued",)),
    q.DetailFilter(search="ORD-2026", search_in="order_no"),
    q.DetailFilter(search="20260805", search_in="order_no"),
    q.DetailFilter(search="no such order", search_in="order_no"),
    q.DetailFilter(search="0805"),
    q.DetailFilter(search="acme"),
    q.DetailFilter(search="李娜"),
    q.DetailFilter(search="D1-2026"),
    q.DetailFilter(search="nothing matches this"),
]
USERS = ["admin-d1", "sup1", "cm1", "admin-r1", "cm-r1"]


@pytest.fixture
def every_row(monkeypatch: pytest.MonkeyPatch):
    """The searches as they were before the access paths: totals over every detail row, an
    order number matched on every row (no days looked up)."""

    def switch() -> None:
        monkeypatch.setattr(
            q, "_totals_table", lambda con, flt: q.DAILY if not flt.search.strip() else q.FACTS
        )
        monkeypatch.setitem(q.SEARCH_PREDICATES, "order_no", q.SearchField("details.order_no"))

    return switch


def answer(con, viewer: q.Viewer, flt: q.DetailFilter) -> tuple[q.DetailTotals, pl.DataFrame]:
    totals = q.incentive_details_totals(con, viewer, flt)
    pages = [
        q.incentive_details_page(con, viewer, flt, 2, offset, totals)
        for offset in range(0, totals.rows, 2)
    ]
    return totals, pl.concat(pages) if pages else q.incentive_details_export(con, viewer, flt, 10)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("flt", SEARCHES)
def test_a_search_answers_what_every_row_answers(con, user, flt, every_row) -> None:
    viewer = viewer_of(user)
    totals, rows = answer(con, viewer, flt)
    every_row()
    expected_totals, expected_rows = answer(con, viewer, flt)
    assert totals == expected_totals
    assert rows.equals(expected_rows)
    assert rows.height == totals.rows


def test_an_order_number_finds_its_order_and_refund(con) -> None:
    # ORD-20260805-002 (C1): ordered 2026-08-05, 24,000.00 x 5% = 1,200.00; refunded
    # 2026-09-18, -6,000.00 x 5% = -300.00 (tests/dashboards/fixture_warehouse.py).
    flt = q.DetailFilter(search="20260805", search_in="order_no")
    totals, rows = answer(con, viewer_of("admin-d1"), flt)
    assert (totals.rows, totals.incentive_amount) == (2, Decimal("900.00"))
    assert rows["transaction_id"].to_list() == ["T007", "T003"]
    assert [str(d.transaction_date) for d in totals.days] == ["2026-09-18", "2026-08-05"]


def test_a_search_totals_on_the_groups_that_hold_its_columns(con) -> None:
    def table(**search: str) -> str:
        return q._totals_table(con, q.DetailFilter(**search))

    assert table(search="acme", search_in="customer") == q.CUSTOMER_DAILY
    # Any field: the per-customer groups unless an order number matches (only rows have one).
    assert table(search="acme") == q.CUSTOMER_DAILY
    assert table(search="0805") == q.FACTS
    assert table(search="0805", search_in="order_no") == q.FACTS
    assert table(search="x", search_in="reseller") == q.DAILY
    assert table() == q.DAILY
