"""The environment variables: one definition each (contract/settings.py), the dbt files'
fallbacks equal to it, the README's table generated from it, and `run` defaulting to what
the Dagster definitions read."""

from __future__ import annotations

import os
import re
from pathlib import Path

from contract.settings import BY_NAME, Settings, variables_table
from pipelines.cli import engine_of, parser
from pipelines.definitions import warehouse_from_env
from pipelines.engine import Engine

ROOT = Path(__file__).resolve().parents[1]
NAMED = re.compile(r"PARTNER_WAREHOUSE_[A-Z_]*[A-Z]")
# env_var('NAME', 'fallback') in dbt's Jinja, either quote.
DBT_FALLBACK = re.compile(r"""env_var\(\s*['"](PARTNER_WAREHOUSE_\w+)['"]\s*,\s*['"]([^'"]*)['"]""")
PROJECT_CODE = ("pipelines", "dashboards", "contract", "tools", "scripts", "dbt_project", "bench")


# Build output and scratch, not code: dbt's target (an invocation folder per run) and the
# benchmark's generated landing files and warehouses are gigabytes on a used checkout.
NOT_CODE = {"target", "dbt_packages", "results", "__pycache__", "out", "logs"}


def project_files() -> list[Path]:
    found = []
    for folder in PROJECT_CODE:
        for directory, subdirectories, files in os.walk(ROOT / folder):
            subdirectories[:] = [d for d in subdirectories if d not in NOT_CODE]
            found.extend(Path(directory) / name for name in files)
    return found


def test_every_variable_the_project_names_is_defined_once() -> None:
    named = {
        name
        for path in project_files()
        for name in NAMED.findall(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert named - set(BY_NAME) == set()


def test_the_dbt_fallbacks_equal_the_defaults() -> None:
    dbt_files = [p for p in project_files() if p.suffix in {".yml", ".sql"}]
    fallbacks = {
        (name, fallback)
        for path in dbt_files
        for name, fallback in DBT_FALLBACK.findall(path.read_text(encoding="utf-8"))
    }
    assert fallbacks  # the pattern still finds profiles.yml's
    assert {(name, BY_NAME[name].dbt_default) for name, _ in fallbacks} == fallbacks


def test_the_readme_table_is_generated_from_the_definitions() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert variables_table() in readme


def test_the_defaults() -> None:
    settings = Settings.from_env({})
    assert (settings.warehouse_file, settings.landing_dir) == (
        "data/warehouse.duckdb",
        "data/landing",
    )
    assert settings.published_root == Path("data/published")
    assert (settings.engine, settings.publish_mode, settings.schedule_on) == (
        "duckdb",
        "copy",
        True,
    )
    assert Settings.from_env({"PARTNER_WAREHOUSE_FILE": "/srv/w.duckdb"}).published_root == Path(
        "/srv/published"
    )
    assert not Settings.from_env({"PARTNER_WAREHOUSE_SCHEDULE": " Off "}).schedule_on


def test_run_works_on_the_files_the_dagster_definitions_do(monkeypatch) -> None:
    env = {
        "PARTNER_WAREHOUSE_FILE": "/srv/wh/warehouse.duckdb",
        "PARTNER_WAREHOUSE_LANDING": "/srv/landing",
        "PARTNER_WAREHOUSE_PUBLISHED": "/srv/readers",
        "PARTNER_WAREHOUSE_SPARK_DIR": "/srv/spark",
        "PARTNER_WAREHOUSE_PUBLISH": "link",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    args = parser(Settings.from_env()).parse_args(["run"])
    dagster = warehouse_from_env()
    engine = Engine.from_settings(Settings.from_env())
    assert (args.warehouse, args.landing, args.published, args.publish) == (
        dagster.path,
        dagster.landing_dir,
        dagster.published_dir,
        dagster.publish_mode,
    )
    assert (args.engine, args.spark_dir) == (engine.name, engine.spark_dir)
    assert args.warehouse == "/srv/wh/warehouse.duckdb"
    serve = parser(Settings.from_env()).parse_args(["serve"])
    assert (serve.published, serve.landing) == ("/srv/readers", "/srv/landing")


def test_a_full_builds_batches_take_the_dbt_memory_set_else_their_own() -> None:
    # Unset: every batch gets 2200MB, below the profile's 3GB (the 4 GiB bound
    # of a 100M-row full build); set: the one limit holds for every batch too.
    assert Engine.from_settings(Settings.from_env({})).batch_dbt_memory == "2200MB"
    chosen = Settings.from_env({"PARTNER_WAREHOUSE_DBT_MEMORY": "1GB"})
    assert Engine.from_settings(chosen).batch_dbt_memory == "1GB"


def test_the_run_commands_engine_takes_the_settings(monkeypatch) -> None:
    monkeypatch.setenv("PARTNER_WAREHOUSE_DBT_MEMORY", "1GB")
    monkeypatch.setenv("PARTNER_WAREHOUSE_BATCH_ROWS", "7")
    args = parser(Settings.from_env()).parse_args(["run", "--engine", "spark"])
    engine = engine_of(args)
    assert (engine.name, engine.batch_rows, engine.batch_dbt_memory) == ("spark", 7, "1GB")
