"""What a daily run builds (dbt_project/selectors.yml): never the tests that read all of
history or restate the landing contract; with the project of the last build, not its seeds
and staging views either. A full refresh and the test suite build everything."""

from __future__ import annotations

import json
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


def test_a_daily_run_tests_the_marts_not_the_intermediate_models(selections) -> None:
    daily, same = selections["daily"], selections["daily_same_project"]
    # the last batch of a full build (daily) tests them; a day (daily_same_project) does not
    assert "unique_int_statements_statused_statement_id" in daily - same
    # tests are named after their model: "not_null_int_changed_keys_transaction_id"
    assert {name for name in daily if "_int_" in name}
    assert not {name for name in same if "_int_" in name}
    assert {"unique_incentive_statements_statement_id", "breakdown_adds_up_to_board"} <= same


def test_the_selector_follows_the_build() -> None:
    assert dbt_build_args("duckdb", full_refresh=True)[-1] == "--full-refresh"
    assert dbt_build_args("duckdb", False)[-2:] == ["--selector", "daily_same_project"]


def compiled_views(work: Path, as_of: str) -> dict[str, tuple[str, list[str]]]:
    """Every view model's compiled SQL and tags, compiled as of `as_of`."""
    run_dbt(
        ["compile", "--select", "config.materialized:view", "-q"],
        db_path=work / "unused.duckdb",
        work_dir=work,
        as_of=as_of,
    )
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    return {
        node["name"]: (node["compiled_code"], node["tags"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "view"
    }


def test_views_left_out_of_daily_runs_read_neither_the_day_nor_the_run(
    selections, tmp_path: Path, monkeypatch
) -> None:
    # A view not rebuilt keeps the SQL of the build that made it: right only if its SQL is
    # the same whatever the as-of date and the run (a view reads its tables when queried).
    monkeypatch.delenv("PARTNER_WAREHOUSE_AS_OF", raising=False)
    monkeypatch.setenv("PARTNER_WAREHOUSE_RUN_ID", "first-run")
    first = compiled_views(tmp_path / "first", "2026-07-10")
    monkeypatch.setenv("PARTNER_WAREHOUSE_RUN_ID", "second-run")
    second = compiled_views(tmp_path / "second", "2026-08-11")
    kept = {name for name, (_, tags) in first.items() if "same_every_day" in tags}
    assert {"incentive_details", "int_incentives_combined"} <= kept
    for name in kept:
        assert first[name][0] == second[name][0], f"{name} reads the as-of date or the run"
    # The check can fail: views that filter by the as-of date compile differently.
    for name in ("incentive_facts", "customer_warnings", "customer_resources"):
        assert first[name][0] != second[name][0], f"{name} does not read the as-of date"
    same = selections["daily_same_project"]
    assert not kept & same
    assert {
        "incentive_facts",
        "int_incentives_by_day",
        "customer_warnings",
        "customer_resources",
    } <= same
