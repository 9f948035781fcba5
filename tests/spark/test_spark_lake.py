"""The Parquet hand-offs of the Spark engine keep every value and type (no Spark needed)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.dbt.assets import dbt_build_args
from pipelines.ingest.tables import ensure_tables
from pipelines.spark import dbt_environment, dbt_target, export_raw_tables, import_published_tables


@pytest.fixture
def working(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(tmp_path / "working.duckdb"))
    ensure_tables(con)
    con.execute(
        "insert into raw.orders (order_no, customer_id, order_time, paid_amount, refund_amount, "
        "_file, _row_number, _partition_date) values "
        "('O1', 'C1', timestamp '2026-06-10 23:59:59.123456', 1234.56, null, 'f.csv', 2, "
        "date '2026-06-11')"
    )
    yield con
    con.close()


def test_raw_tables_round_trip_through_parquet(
    working: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    rows = export_raw_tables(working, lake)
    assert rows["orders"] == 1
    assert set(rows) == {
        name
        for (name,) in working.execute(
            "select table_name from information_schema.tables where table_schema = 'raw'"
        ).fetchall()
    }
    # every raw table gets a folder, the empty ones too: Spark reads their schema from it
    assert all((lake / "raw" / name / "data.parquet").is_file() for name in rows)
    source = "select * from raw.orders"
    copied = f"select * from read_parquet('{lake}/raw/orders/*.parquet')"
    assert working.execute(copied).fetchall() == working.execute(source).fetchall()
    assert [d[1] for d in working.execute(copied).description] == [
        d[1] for d in working.execute(source).description
    ]


def test_published_tables_replace_the_marts(
    working: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    lake = tmp_path / "lake"
    folder = lake / "published" / "marts" / "incentive_statements"
    folder.mkdir(parents=True)
    duckdb.sql(
        "select 'D1' as partner_id, '202606' as billing_period, "
        "cast(12.35 as decimal(18, 2)) as incentive_amount, date '2026-07-20' as due"
    ).write_parquet(str(folder / "part-0.parquet"))
    working.execute("create schema marts")
    working.execute("create view marts.incentive_statements as select 1 as stale")

    assert import_published_tables(working, lake) == ["marts.incentive_statements"]
    assert working.execute("select * from marts.incentive_statements").fetchall() == [
        ("D1", "202606", Decimal("12.35"), date(2026, 7, 20))
    ]


def test_no_marts_published_is_an_error(working: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="published no marts"):
        import_published_tables(working, tmp_path / "lake")


def test_engine_selects_target_and_settings(tmp_path: Path) -> None:
    assert dbt_target("duckdb") == "dev"
    assert dbt_target("spark") == "spark"
    with pytest.raises(ValueError, match="unknown engine"):
        dbt_target("trino")
    env = dbt_environment(tmp_path / "w.duckdb", "spark", tmp_path / "spark")
    assert env["PARTNER_WAREHOUSE_LAKE"] == str(tmp_path / "spark" / "lake")
    assert "PARTNER_WAREHOUSE_LAKE" not in dbt_environment(
        tmp_path / "w.duckdb", "duckdb", tmp_path
    )
    spark_args = dbt_build_args("spark", full_refresh=True)
    assert spark_args[spark_args.index("--target") + 1] == "spark"
    assert "--full-refresh" in spark_args
    assert "--selector" not in spark_args  # a full refresh runs every data test
    duckdb_args = dbt_build_args("duckdb", full_refresh=False)
    assert duckdb_args[duckdb_args.index("--target") + 1] == "dev"
    assert duckdb_args[duckdb_args.index("--selector") + 1] == "daily_same_project"
    # Unit tests run in the test suite on both engines' SQL, never in pipeline runs; the
    # as-of date is an environment variable, never --vars (which forces a full re-parse).
    for args in (spark_args, duckdb_args):
        assert args[args.index("--exclude-resource-type") + 1] == "unit_test"
        assert "--vars" not in args
