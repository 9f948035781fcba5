"""The dashboard's own queries (`dashboards.queries`) on a published warehouse: p50 and p95."""

import time
from collections.abc import Callable
from pathlib import Path

import duckdb

from bench.measure import percentile
from dashboards.queries import (
    DetailFilter,
    Viewer,
    customer_board,
    incentive_board_by_status,
    incentive_board_summary,
    incentive_board_trend,
    incentive_details_page,
    incentive_details_totals,
)

PAGE_ROWS = 50


def busiest_partner(con: duckdb.DuckDBPyConnection) -> str:
    return con.sql(
        "select partner_id from marts.incentive_details group by 1 order by count(*) desc limit 1"
    ).fetchall()[0][0]


def sample_search_terms(con: duckdb.DuckDBPyConnection, partner_id: str) -> tuple[str, str]:
    """An order number and a customer name fragment that the partner's details contain."""
    order_no = con.execute(
        "select max(order_no) from marts.incentive_details where partner_id = ?", [partner_id]
    ).fetchall()[0][0]
    name = con.execute(
        "select min(customer_name) from marts.incentive_details where partner_id = ?",
        [partner_id],
    ).fetchall()[0][0]
    return order_no, name[1:4]


def details_query(
    viewer: Viewer, flt: DetailFilter
) -> Callable[[duckdb.DuckDBPyConnection], object]:
    """What the details page runs on each search: the first page and the live total."""

    def run(con: duckdb.DuckDBPyConnection) -> object:
        return incentive_details_page(con, viewer, flt, PAGE_ROWS, 0), incentive_details_totals(
            con, viewer, flt
        )

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


def dashboard_timings(published: Path, repeat: int) -> dict[str, dict[str, float]]:
    """Milliseconds per page query, each run `repeat` times on one read-only connection
    (as the dashboards keep one), after one unmeasured warm-up run."""
    with duckdb.connect(str(published), read_only=True) as con:
        partner = busiest_partner(con)
        order_no, fragment = sample_search_terms(con, partner)
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
            "details: filtered live total": lambda c: incentive_details_totals(
                c, viewer, DetailFilter(periods=periods, product_types=("ECS",))
            ),
            "incentive board": board_query(viewer, year),
            "customer board (day)": lambda c: customer_board(c, viewer, "day"),
            "customer board (month)": lambda c: customer_board(c, viewer, "month"),
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
