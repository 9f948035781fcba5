"""The dashboard's own queries (`dashboards.queries`) on a published warehouse: p50 and p95."""

import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl

from bench.measure import percentile
from dashboards.queries import (
    DetailFilter,
    Viewer,
    customer_board,
    incentive_board_by_status,
    incentive_board_summary,
    incentive_board_trend,
    incentive_detail_options,
    incentive_details_page,
    incentive_details_totals,
)
from pipelines.forecast import published_forecast
from pipelines.what_if import BREAKDOWNS, actual_policies, what_if

PAGE_ROWS = 50


def busiest_partner(con: duckdb.DuckDBPyConnection) -> str:
    return con.sql(
        "select partner_id from marts.incentive_details group by 1 order by count(*) desc limit 1"
    ).fetchall()[0][0]


def sample_search_terms(
    con: duckdb.DuckDBPyConnection, partner_id: str
) -> tuple[str, str, str | None]:
    """An order number, a customer name fragment and a reseller name fragment that the
    partner's details contain (no reseller: None)."""
    order_no, name, reseller = con.execute(
        """select max(order_no), min(customer_name), min(reseller_name)
        from marts.incentive_details where partner_id = ?""",
        [partner_id],
    ).fetchall()[0]
    return order_no, name[1:4], reseller[:3] if reseller else None


def largest_statement(con: duckdb.DuckDBPyConnection, partner_id: str) -> str:
    """The partner's statement with the most detail rows."""
    return con.execute(
        """select statement_id from marts.incentive_statements where partner_id = ?
        order by detail_rows desc, statement_id limit 1""",
        [partner_id],
    ).fetchall()[0][0]


def details_query(
    viewer: Viewer, flt: DetailFilter, page: int = 1
) -> Callable[[duckdb.DuckDBPyConnection], object]:
    """What the details page runs on each search or page (dashboards/views/incentive_details.py):
    the live total, then the page of rows found by it."""

    def run(con: duckdb.DuckDBPyConnection) -> object:
        offset = (page - 1) * PAGE_ROWS
        totals = incentive_details_totals(con, viewer, flt)
        return totals, incentive_details_page(con, viewer, flt, PAGE_ROWS, offset, totals)

    return run


def last_page_query(
    viewer: Viewer, statement_id: str
) -> Callable[[duckdb.DuckDBPyConnection], object]:
    """The drill-down's total, then its last page found by it (dashboards/views/statements.py,
    told to go there)."""
    flt = DetailFilter(statement_id=statement_id)

    def run(con: duckdb.DuckDBPyConnection) -> object:
        totals = incentive_details_totals(con, viewer, flt)
        last = max(0, (totals.rows - 1) // PAGE_ROWS) * PAGE_ROWS
        return totals, incentive_details_page(con, viewer, flt, PAGE_ROWS, last, totals)

    return run


def board_query(viewer: Viewer, year: int) -> Callable[[duckdb.DuckDBPyConnection], object]:
    """What the incentive board page runs: trend, status split and the per-person table."""

    def run(con: duckdb.DuckDBPyConnection) -> object:
        return (
            incentive_board_trend(con, viewer, year),
            incentive_board_by_status(con, viewer, year),
            incentive_board_summary(con, viewer, year),
        )

    return run


def what_if_query(
    con: duckdb.DuckDBPyConnection, partner_id: str
) -> Callable[[duckdb.DuckDBPyConnection], object]:
    """What the what-if page runs on each edit: the busiest partner's actual and scenario
    incentive at its finest grain (period, product type, customer manager), under the actual
    library with the first policy's rate one point higher."""
    policies = actual_policies(con)
    scenario = policies.with_columns(
        pl.when(pl.int_range(pl.len()) == 0)
        .then(pl.col("rate") + Decimal("0.01"))
        .otherwise(pl.col("rate"))
        .alias("rate")
    )

    def run(cursor: duckdb.DuckDBPyConnection) -> object:
        return what_if(cursor, scenario, BREAKDOWNS, partner_id=partner_id)

    return run


def dashboard_timings(published: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Milliseconds per page query, each run `repeat` times on one read-only connection
    (as the dashboards keep one), after one unmeasured warm-up run."""
    with duckdb.connect(str(published), read_only=True) as con:
        partner = busiest_partner(con)
        order_no, fragment, reseller = sample_search_terms(con, partner)
        statement = largest_statement(con, partner)
        year = int(
            con.execute(
                "select max(year) from marts.incentive_details where partner_id = ?", [partner]
            ).fetchall()[0][0]
        )
        viewer = Viewer(username="bench", role="partner_admin", partner_id=partner)
        periods = tuple(
            row[0]
            for row in con.execute(
                "select distinct billing_period from marts.incentive_details "
                "where partner_id = ? order by 1 desc limit 2",
                [partner],
            ).fetchall()
        )
        queries = {
            "details: order number": details_query(
                viewer, DetailFilter(search=order_no, search_in="order_no")
            ),
            "details: customer name fragment": details_query(
                viewer, DetailFilter(search=fragment, search_in="customer")
            ),
            "details: reseller name": details_query(
                viewer, DetailFilter(search=reseller or "-", search_in="reseller")
            ),
            "details: page 1, unfiltered": details_query(viewer, DetailFilter()),
            "details: page 200, unfiltered": details_query(viewer, DetailFilter(), page=200),
            "details: filter options": lambda c: incentive_detail_options(c, viewer),
            "details: filtered live total": lambda c: incentive_details_totals(
                c, viewer, DetailFilter(periods=periods, product_types=("ECS",))
            ),
            "statement drill-down, largest (page 1)": details_query(
                viewer, DetailFilter(statement_id=statement)
            ),
            "statement drill-down, largest (last page)": last_page_query(viewer, statement),
            "incentive board": board_query(viewer, year),
            "customer board (day)": lambda c: customer_board(c, viewer, "day"),
            "customer board (month)": lambda c: customer_board(c, viewer, "month"),
            "what-if: scenario evaluation (one rate changed)": what_if_query(con, partner),
            "forecast: open and next period": published_forecast,
        }
        timings = {}
        for name, query in queries.items():
            cursor = con.cursor()
            query(cursor)
            samples = []
            for _ in range(repeat):
                started = time.perf_counter()
                query(cursor)
                samples.append((time.perf_counter() - started) * 1000)
            timings[name] = {
                "p50_ms": round(percentile(samples, 0.50), 1),
                "p95_ms": round(percentile(samples, 0.95), 1),
            }
        return timings
