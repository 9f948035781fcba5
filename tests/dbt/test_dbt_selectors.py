"""What a daily run builds (dbt_project/selectors.yml): never the tests that read all of
history or restate the landing contract; with the project of the last build, not its seeds
and staging views either. A full refresh and the test suite build everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from dbt_fixtures import run_dbt

from pipelines.dbt.assets import dbt_build_args


def selected(selector: str, tmp_path: Path) -> set[str]:
    result = run_dbt(
        ["ls", "--selector", selector, "--output", "name", "-q"],
        db_path=tmp_path / "unused.duckdb",
        work_dir=tmp_path,
        as_of="2026-07-10",
    )
    return set(result.stdout.split())


@pytest.fixture(scope="module")
def selections(tmp_path_factory) -> dict[str, set[str]]:
    root = tmp_path_factory.mktemp("selectors")
    return {name: selected(name, root) for name in ("daily", "daily_same_project")}


def test_daily_runs_leave_out_history_wide_and_contract_tests(selections) -> None:
    daily = selections["daily"]
    assert "int_customer_warnings_evaluated" in daily
    assert "stg_raw__consumption" in daily  # the views are built...
    # tests are named after their model: "unique_stg_raw__partners_partner_id"
    assert not {name for name in daily if "_stg_raw__" in name}
    assert "unique_int_customer_daily_group_key" not in daily  # ...not their tests
    assert "unique_int_statements_statused_statement_id" in daily


def test_the_same_project_does_not_rewrite_seeds_and_staging_views(selections) -> None:
    daily, same = selections["daily"], selections["daily_same_project"]
    assert {"business_parameters", "stg_raw__consumption"} <= daily - same
    assert not {name for name in same if name.startswith("stg_raw__")}
    assert "business_parameters" not in same
    assert {"int_transactions_rated", "incentive_statements"} <= same


def test_the_selector_follows_the_build() -> None:
    assert dbt_build_args("duckdb", full_refresh=True)[-1] == "--full-refresh"
    assert dbt_build_args("duckdb", False)[-2:] == ["--selector", "daily_same_project"]
