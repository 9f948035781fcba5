"""The dashboards' SQL is in the models' style: sqlfluff with the repository's rules
(.sqlfluff, dashboards/.sqlfluff) passes on every statement the query functions send.

The statements are composed from fragments (filters, access CTEs, pages), so they are
linted as sent: every public query function runs for every test user on the fixture
warehouse, through a connection that records what it executes.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import duckdb
import pytest
from conftest import TEST_USERS, viewer_of
from sqlfluff.core import FluffConfig, Linter

from dashboards import queries as q
from dashboards import reconciliation
from dashboards.queries import DetailFilter, Viewer

REPO = Path(__file__).resolve().parents[2]
MODULES = (q, reconciliation)

# Filters that switch on every optional clause of the details' SQL.
DETAIL_FILTERS = (
    DetailFilter(),
    DetailFilter(
        search="李",
        years=(2026,),
        periods=("202611",),
        product_types=("ecs",),
        association_types=("reseller",),
        billing_modes=("on_demand",),
        statuses=("issued",),
        statement_id="D1-202611",
    ),
    DetailFilter(search="O-1", search_in="order_no"),
    DetailFilter(transaction_id="order:O-1"),
)


class RecordingConnection:
    """A connection that keeps the text of every statement it executes."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.statements: list[str] = []

    def execute(self, sql: str, params: list[object] | None = None) -> Any:
        self.statements.append(sql)
        return self.con.execute(sql, params or [])


def calls(con: Any, viewer: Viewer) -> Iterator[tuple[str, Callable[[], object]]]:
    """(function name, call) for each public query function, with arguments that reach
    its optional clauses."""
    for flt in DETAIL_FILTERS:
        yield (
            "incentive_details_totals",
            lambda flt=flt: q.incentive_details_totals(con, viewer, flt),
        )
        yield (
            "incentive_details_page",
            lambda flt=flt: q.incentive_details_page(con, viewer, flt, 10, 0),
        )
        yield (
            "incentive_details_export",
            lambda flt=flt: q.incentive_details_export(con, viewer, flt, 100),
        )
        yield (
            "incentive_details_chunks",
            lambda flt=flt: list(q.incentive_details_chunks(con, viewer, flt, 5)),
        )
    board = (2026, "SUP1", "CM1")
    yield from {
        "publication": lambda: q.publication(con),
        "settlement_partner": lambda: q.settlement_partner(con, viewer),
        "source_record": lambda: q.source_record(con, viewer, "order:O-1"),
        "incentive_detail_options": lambda: q.incentive_detail_options(con, viewer),
        "board_years": lambda: q.board_years(con, viewer),
        "board_people": lambda: q.board_people(con, viewer),
        "incentive_board_trend": lambda: q.incentive_board_trend(con, viewer, *board),
        "incentive_board_by_status": lambda: q.incentive_board_by_status(con, viewer, *board),
        "incentive_board_summary": lambda: q.incentive_board_summary(con, viewer, 2026),
        "incentive_statements": lambda: q.incentive_statements(con, viewer),
        "indicator_periods": lambda: q.indicator_periods(con, viewer),
        "indicators": lambda: q.indicators(con, viewer, ("202611",)),
        "customer_board": lambda: q.customer_board(con, viewer, "day"),
        "customer_board_breakdown": lambda: q.customer_board_breakdown(
            con, viewer, "month", "industry", date(2026, 11, 1)
        ),
        "customer_warnings": lambda: q.customer_warnings(con, viewer, True, 10, 0),
        "customer_warning_counts": lambda: q.customer_warning_counts(con, viewer),
        "sub_customers": lambda: q.sub_customers(con, viewer, 10, 0),
        "sub_customers_count": lambda: q.sub_customers_count(con, viewer),
        "customer_resources": lambda: q.customer_resources(con, viewer, 10, 0),
        "customer_resources_count": lambda: q.customer_resources_count(con, viewer),
        "file_loads_by_day": lambda: q.file_loads_by_day(con, viewer),
        "quarantined_rows": lambda: q.quarantined_rows(con, viewer, ("orders",)),
        "rejected_associations": lambda: q.rejected_associations(con, viewer),
        "files_not_loaded": lambda: q.files_not_loaded(con, viewer),
        "withdrawn_files": lambda: q.withdrawn_files(con, viewer),
        "reconciliation_statements": lambda: reconciliation.reconciliation_statements(con, viewer),
        "class_counts": lambda: reconciliation.class_counts(con, viewer, "202610"),
        "lines_page": lambda: reconciliation.lines_page(con, viewer, "202610", "matched", 10, 0),
        "disputable_lines": lambda: reconciliation.disputable_lines(con, viewer, "202610"),
        "dispute_threshold": lambda: reconciliation.dispute_threshold(con),
    }.items()


def query_functions(module: ModuleType) -> set[str]:
    """The public functions of `module` that take a connection."""
    return {
        name
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__
        and not name.startswith("_")
        and "con" in inspect.signature(function).parameters
    }


@pytest.fixture(scope="module")
def statements(published: Path) -> list[str]:
    path = published / (published / "CURRENT").read_text(encoding="utf-8").strip()
    recording = RecordingConnection(duckdb.connect(str(path), read_only=True))
    called: set[str] = set()
    for user in TEST_USERS:
        for name, call in calls(recording, viewer_of(user)):
            called.add(name)
            # The fixture has no raw, seeds or reconciliation tables: the statement is
            # recorded before DuckDB refuses it, and that is what is linted.
            with contextlib.suppress(duckdb.Error):
                call()
    missing = set().union(*(query_functions(m) for m in MODULES)) - called
    assert not missing, f"query functions this test does not call: {sorted(missing)}"
    return list(dict.fromkeys(recording.statements))


def test_every_dashboard_statement_is_lint_clean(statements: list[str]) -> None:
    linter = Linter(config=FluffConfig.from_path(str(REPO / "dashboards")))
    problems = [
        f"{violation.rule_code()} {violation.desc()}\n    in: {' '.join(sql.split())[:300]}"
        for sql in statements
        for violation in linter.lint_string(sql).get_violations()
    ]
    assert not problems, "\n".join(problems)
