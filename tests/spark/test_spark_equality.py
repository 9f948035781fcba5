"""The Spark engine publishes the same marts as DuckDB: row for row, to the cent.

The hand-made landing set runs through the whole pipeline on each engine (each in its own
warehouse folder): on DuckDB as two runs, the second incremental over a late drop; on Spark
as one build of the final folder. Every mart and seed of the two published files is
compared.
"""

from __future__ import annotations

import importlib.util
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl
import pytest
from handmade_landing import write_landing
from handmade_site import HANDMADE_AS_OF

from contract.published import PUBLIC_MARTS, published_warehouse
from contract.sources import SOURCES
from pipelines.dbt.project import dbt_project
from pipelines.engine import Engine
from pipelines.run import RunSummary, run_pipeline
from pipelines.warehouse import Warehouse

AS_OF = date(2026, 7, 20)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None or shutil.which("java") is None,
        reason="the Spark engine needs the `spark` extra (scripts/setup --test installs it) and Java 17",
    ),
]


def run(warehouse: Warehouse, engine: str, as_of: date = AS_OF) -> tuple[Path, RunSummary]:
    summary = run_pipeline(warehouse, as_of, engine=Engine(name=engine))
    assert summary.success, summary.error
    assert not summary.checks_failed
    published = published_warehouse(warehouse.published_root)
    assert published is not None
    return published, summary


# Speed only, never results: on a few hundred rows Spark's code generation and the JIT's
# optimizing compiler cost more than they save (README "Spark", settings).
FAST_LOCAL_SPARK = {
    "PARTNER_WAREHOUSE_SPARK_CODEGEN": "false",
    # C1 only starts fast; its code cache must still hold a whole build (a CI run ran out of
    # it: "Out of space in CodeCache for adapters").
    "PARTNER_WAREHOUSE_SPARK_JAVA_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=256m",
}


@pytest.fixture(scope="module")
def fast_spark() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as env:
        for name, value in FAST_LOCAL_SPARK.items():
            env.setenv(name, value)
        yield


@pytest.fixture(scope="module")
def warehouses(
    handmade_copy: Warehouse, tmp_path_factory, fast_spark: None
) -> dict[str, Warehouse]:
    """One warehouse per engine, each with its own copy of the hand-made landing set: on
    DuckDB a copy of the session's build of it (conftest), already run as of AS_OF."""
    assert AS_OF == HANDMADE_AS_OF
    root = tmp_path_factory.mktemp("spark")
    landing = write_landing(root / "landing")
    spark = Warehouse(path=str(root / "warehouse.duckdb"), landing_dir=str(landing))
    return {"duckdb": handmade_copy, "spark": spark}


@dataclass(frozen=True)
class Built:
    published: dict[str, Path]
    duckdb_before_late_drop: set[tuple]
    # The adapter of the partial parse kept in the project's target folder after Spark ran.
    kept_parse_adapter: str


def kept_parse_adapter() -> str:
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder

    kept = dbt_project.project_dir / dbt_project.target_path / "partial_parse.msgpack"
    manifest = Manifest.from_msgpack(kept.read_bytes(), decoder=extended_mashumuro_decoder)
    return manifest.metadata.adapter_type


@pytest.fixture(scope="module")
def built(warehouses: dict[str, Warehouse]) -> Built:
    """DuckDB runs twice, the second run incremental over a late drop; Spark builds the same
    final landing folder once. Equal marts then say both: Spark equals DuckDB, and DuckDB's
    incremental run equals a fresh build (Spark rebuilds its transaction models whole each
    run: Parquet tables cannot delete rows, so a second Spark run would be a fresh build too)."""
    duckdb_first = published_warehouse(warehouses["duckdb"].published_root)
    assert duckdb_first is not None
    with attached({"duckdb": duckdb_first}) as con:
        before = consumption_rows(con, "duckdb")
    for warehouse in warehouses.values():
        land_late_drop(warehouse.landing_root)
    duckdb_file, _ = run(warehouses["duckdb"], "duckdb", NEXT_AS_OF)
    spark_file, summary = run(warehouses["spark"], "spark", NEXT_AS_OF)
    assert summary.engine == "spark" and summary.stage_seconds["dbt"] > 0
    return Built({"duckdb": duckdb_file, "spark": spark_file}, before, kept_parse_adapter())


def attached(published: dict[str, Path]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for name, path in published.items():
        con.execute(f"attach '{path}' as {name} (read_only)")
    return con


@pytest.fixture(scope="module")
def both(built: Built) -> Iterator[duckdb.DuckDBPyConnection]:
    con = attached(built.published)
    yield con
    con.close()


def tables(con: duckdb.DuckDBPyConnection, catalog: str, schema: str) -> set[str]:
    # Views too: on DuckDB marts.incentive_details is a view over the incremental tables,
    # on Spark a table.
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_catalog = ? and table_schema = ?",
        [catalog, schema],
    ).fetchall()
    return {name for (name,) in rows}


def columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple[str, str]]:
    return con.execute(
        "select column_name, data_type from information_schema.columns "
        "where table_catalog = ? and table_schema = ? and table_name = ? order by ordinal_position",
        [catalog, *table.split(".")],
    ).fetchall()


# Columns that name the run, not the data: each engine's build is a run of its own.
RUN_COLUMNS = {"marts.publication": "run_id"}


def sorted_rows(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[tuple]:
    run_column = RUN_COLUMNS.get(table)
    columns = f"* exclude ({run_column})" if run_column else "*"
    return con.execute(f"select {columns} from {catalog}.{table} order by all").fetchall()


def test_spark_publishes_every_mart_and_seed(both: duckdb.DuckDBPyConnection) -> None:
    for schema in ("marts", "seeds"):
        assert tables(both, "spark", schema) == tables(both, "duckdb", schema)
    assert set(PUBLIC_MARTS) <= tables(both, "spark", "marts")


def test_public_marts_have_the_same_columns_and_types(both: duckdb.DuckDBPyConnection) -> None:
    for mart in PUBLIC_MARTS:
        table = f"marts.{mart}"
        assert columns(both, "spark", table) == columns(both, "duckdb", table), table


@pytest.mark.parametrize("schema", ["marts", "seeds"])
def test_every_table_is_equal_row_for_row(both: duckdb.DuckDBPyConnection, schema: str) -> None:
    for name in sorted(tables(both, "duckdb", schema)):
        table = f"{schema}.{name}"
        assert [c for c, _ in columns(both, "spark", table)] == [
            c for c, _ in columns(both, "duckdb", table)
        ], table
        expected = sorted_rows(both, "duckdb", table)
        actual = sorted_rows(both, "spark", table)
        # Decimals compare by value (Decimal('1.50') == Decimal('1.5')); the column types are
        # pinned for the public marts above, so equal values are equal to the cent.
        assert actual == expected, table


def test_the_comparison_is_not_vacuous(both: duckdb.DuckDBPyConnection) -> None:
    # The hand-made set lands no resources; every other public mart has rows.
    empty = [
        mart
        for mart in PUBLIC_MARTS
        if not both.execute(f"select count(*) from duckdb.marts.{mart}").fetchone()[0]
    ]
    assert empty == ["customer_resources"]


def test_money_is_exact_to_the_cent(both: duckdb.DuckDBPyConnection) -> None:
    """Beyond equal values: the same sums of the money columns, as DECIMAL, on both."""
    totals = """
        select sum(eligible_amount), sum(incentive_amount), count(*)
        from {catalog}.marts.incentive_details
    """
    duck = both.execute(totals.format(catalog="duckdb")).fetchone()
    spark = both.execute(totals.format(catalog="spark")).fetchone()
    assert spark == duck
    assert duck[2] > 0


# A third drop date: a late event disassociates C2 from R1 on 06-11 at 08:00 (C2's usage
# of 06-11 now belongs to nobody: an old partition changes), and C1 consumes on 07-08 (a
# new partition). DuckDB's second run is incremental, one business day later (as a daily
# run is): warnings and statement statuses move with the as-of date.
NEXT_AS_OF = AS_OF + timedelta(days=1)
LATE_DROP = "2026-07-10"
LATE_ROWS = {
    "associations": [["E7", "C2", "R1", "disassociate", "", "", "", "2026-06-11 08:00:00"]],
    "consumption": [["2026-07-08", "C1", "RS-2", "OBS", "3.00", "0.00", "3.00"]],
}


def land_late_drop(landing: Path) -> None:
    for source, rows in LATE_ROWS.items():
        folder = landing / source / LATE_DROP
        folder.mkdir(parents=True)
        frame = pl.DataFrame(rows, schema=SOURCES[source].columns, orient="row")
        frame.write_csv(folder / f"{source}.csv")


def consumption_rows(con: duckdb.DuckDBPyConnection, catalog: str) -> set[tuple]:
    rows = con.execute(
        f"select transaction_id, owner_partner_id from {catalog}.marts.incentive_details "
        "where transaction_type = 'consumption'"
    ).fetchall()
    return set(rows)


def test_the_late_drop_changed_the_details_and_spark_rebuilt_them(
    warehouses: dict[str, Warehouse], built: Built, both: duckdb.DuckDBPyConnection
) -> None:
    after = consumption_rows(both, "duckdb")
    assert after != built.duckdb_before_late_drop  # the late drop changed the details
    assert ("consumption:RS-1:2026-06-11", "R1") in built.duckdb_before_late_drop - after
    assert ("consumption:RS-1:2026-06-11", "R1") not in consumption_rows(both, "spark")
    assert both.execute(
        "select count(*) from duckdb.marts.customer_warnings where warning_date = ?",
        [NEXT_AS_OF],
    ).fetchone()[0]
    spark_root = Engine(name="spark").spark_root(warehouses["spark"].warehouse_file)
    rated = spark_root / "spark-warehouse" / "intermediate.db"
    assert (rated / "int_transactions_rated").is_dir()


def test_a_spark_run_leaves_the_duckdb_parse_for_the_daily_runs(built: Built) -> None:
    # A daily DuckDB run runs dbt in its process on the kept parse (pipelines/dbt/in_process.py);
    # a Spark parse kept there made it parse again, and failed test_dbt_in_process.
    assert built.kept_parse_adapter == "duckdb"
