"""Paging in SQL: pages found by day counts cover the selection exactly once, in order, and
the long customer tables page the same rows they list whole."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl
import pytest
from conftest import viewer_of

from dashboards import queries as q

DAYS = (
    q.DayCount("202611", date(2026, 11, 3), 3),
    q.DayCount("202611", date(2026, 11, 1), 1),
    q.DayCount("202610", date(2026, 10, 30), 4),
)


def test_a_page_reads_only_the_days_that_hold_it() -> None:
    totals = q.DetailTotals(8, Decimal("0"), days=DAYS)
    # Rows 0-2 are 11-03, row 3 is 11-01, rows 4-7 are 10-30.
    assert q._page_days(totals, 2, 0) == ([DAYS[0]], 0)
    assert q._page_days(totals, 2, 2) == ([DAYS[0], DAYS[1]], 2)
    assert q._page_days(totals, 2, 4) == ([DAYS[2]], 0)
    assert q._page_days(totals, 3, 6) == ([DAYS[2]], 2)
    assert q._page_days(totals, 2, 8) == ([], 0)


def test_a_page_past_the_middle_of_its_days_is_read_from_their_end() -> None:
    ten = [q.DayCount("202610", date(2026, 10, 30), 10)]
    # Rows 0-2 of 10: from the start.
    assert q._days_cut(ten, 3, 0) == q.PageCut(3, 0)
    # Rows 3-5: 6 rows kept from the start, 7 from the end.
    assert q._days_cut(ten, 3, 3) == q.PageCut(3, 3)
    # Rows 6-8: rows 1-3 counted from the end (row 9 is the end's row 0).
    assert q._days_cut(ten, 3, 6) == q.PageCut(3, 1, reversed=True)
    # Rows 9-11 of 10: row 9 only, the end's row 0.
    assert q._days_cut(ten, 3, 9) == q.PageCut(1, 0, reversed=True)


def test_export_chunks_are_whole_days() -> None:
    assert [[d.rows for d in c] for c in q._day_chunks(DAYS, 4)] == [[3, 1], [4]]
    assert [[d.rows for d in c] for c in q._day_chunks(DAYS, 2)] == [[3], [1], [4]]
    assert list(q._day_chunks((), 4)) == [[]]


FILTERS = [
    q.DetailFilter(),
    q.DetailFilter(statement_id="D1-202610"),
    q.DetailFilter(statuses=("estimated", "issuing")),
    q.DetailFilter(search="李娜", search_in="manager"),
    q.DetailFilter(search="acme", search_in="customer"),
]


@pytest.mark.parametrize("user", ["admin-d1", "sup1", "cm1", "admin-r1"])
@pytest.mark.parametrize("flt", FILTERS)
def test_pages_of_two_cover_the_selection_in_order(con, user, flt) -> None:
    viewer = viewer_of(user)
    totals = q.incentive_details_totals(con, viewer, flt)
    pages = [
        q.incentive_details_page(con, viewer, flt, 2, offset, totals)
        for offset in range(0, totals.rows, 2)
    ]
    whole = q.incentive_details_export(con, viewer, flt, 10_000)
    every = pl.concat(pages) if pages else whole
    assert all(page.height == 2 for page in pages[:-1])
    assert every["transaction_id"].to_list() == whole["transaction_id"].to_list()
    assert every.height == totals.rows
    assert sum(every["incentive_amount"].drop_nulls()) == totals.incentive_amount
    # In page order: period, then date, newest first, then transaction id.
    keys = list(zip(every["billing_period"], every["transaction_date"], strict=True))
    assert keys == sorted(keys, reverse=True)


def test_a_statement_drill_down_totals_the_statement(con) -> None:
    admin = viewer_of("admin-d1")
    statements = q.incentive_statements(con, admin)
    for row in statements.iter_rows(named=True):
        totals = q.incentive_details_totals(
            con, admin, q.DetailFilter(statement_id=row["statement_id"])
        )
        assert (totals.rows, totals.incentive_amount) == (
            row["detail_rows"],
            row["incentive_amount"],
        )


@pytest.mark.parametrize("user", ["admin-d1", "cm1", "admin-r1"])
def test_customer_tables_page_what_they_list(con, user) -> None:
    viewer = viewer_of(user)
    cases = [
        (q.sub_customers(con, viewer), q.sub_customers_count(con, viewer), q.sub_customers),
        (
            q.customer_resources(con, viewer),
            q.customer_resources_count(con, viewer),
            q.customer_resources,
        ),
    ]
    for whole, count, paged in cases:
        assert count == whole.height
        pages = [paged(con, viewer, 2, offset) for offset in range(0, count, 2)]
        assert pl.concat(pages).equals(whole) if pages else whole.is_empty()
    for resellers in (False, True):
        whole = q.customer_warnings(con, viewer, resellers)
        counts = q.customer_warning_counts(con, viewer, resellers)
        assert int(counts["warnings"].sum() or 0) == whole.height
        pages = [
            q.customer_warnings(con, viewer, resellers, 2, offset)
            for offset in range(0, whole.height, 2)
        ]
        assert pl.concat(pages).equals(whole) if pages else whole.is_empty()


def test_an_export_frame_holds_the_first_rows_across_days(con) -> None:
    admin = viewer_of("admin-d1")
    whole = q.incentive_details_export(con, admin, q.DetailFilter(), 10_000)
    assert whole.height > 3
    for n in range(1, whole.height + 1):
        first = q.incentive_details_export(con, admin, q.DetailFilter(), n)
        assert first["transaction_id"].to_list() == whole["transaction_id"].to_list()[:n]
