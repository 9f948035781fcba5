"""The Spark engine's hand-offs with the DuckDB working file, through Parquet.

Ingestion (validation, quarantine, upsert by key) is the same for every engine and writes
the raw tables of the run's DuckDB working file. With `engine="spark"` the dbt step then

1. exports every `raw.*` table to `<lake>/raw/<table>/` as Parquet, which the Spark
   target registers as the tables of its `raw` schema (dbt_project/macros/spark_lake.sql);
2. runs `dbt build --target spark` (dbt-spark, `session` method: a local SparkSession in
   the dbt process, or a cluster as configured in dbt_project/profiles.yml);
3. copies the marts and seeds Spark exported to `<lake>/published/<schema>/<table>/` into
   the working file, so the run commits and publishes the same DuckDB file a DuckDB run
   does: dashboards and SQL users read it the same way.

Parquet is the hand-off because both engines read and write it natively, it keeps the
column types (DECIMAL(18,2) money, naive timestamps, dates) exactly, and a cluster reads it
from object storage as well as from a local folder. Nothing here imports pyspark: Spark runs
in the dbt subprocess.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from contract.settings import ENGINES, Settings

# Schemas the Spark build publishes back into the DuckDB file (what readers query).
PUBLISHED_SCHEMAS = ("marts", "seeds")


def dbt_target(engine: str) -> str:
    """The profiles.yml output that builds with this engine: for Spark, `spark` (a
    SparkSession in the dbt process) unless PARTNER_WAREHOUSE_SPARK_TARGET names another
    (`spark_thrift`: a cluster's Thrift server)."""
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
    return "dev" if engine == "duckdb" else Settings.from_env().spark_target


def dbt_environment(warehouse_file: Path, engine: str, spark_root: Path) -> dict[str, str]:
    """The environment variables profiles.yml and the Spark macros read."""
    env = {"PARTNER_WAREHOUSE_PATH": str(warehouse_file)}
    if engine == "spark":
        env["PARTNER_WAREHOUSE_SPARK_DIR"] = str(spark_root)
        env["PARTNER_WAREHOUSE_LAKE"] = str(lake_root(spark_root))
    return env


def lake_root(spark_root: Path) -> Path:
    return spark_root / "lake"


def raw_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'raw' and table_type = 'BASE TABLE' order by table_name"
    ).fetchall()
    return [name for (name,) in rows]


def export_raw_tables(con: duckdb.DuckDBPyConnection, lake: Path) -> dict[str, int]:
    """Write every raw table to `<lake>/raw/<table>/data.parquet`; returns rows per table.

    The folders are rewritten whole: the raw tables are one row per key already, so the
    lake is a copy of them, never an append log. Stale published tables are removed so a
    failed build can never publish an earlier build's marts."""
    shutil.rmtree(lake / "published", ignore_errors=True)
    rows: dict[str, int] = {}
    for table in raw_tables(con):
        folder = lake / "raw" / table
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        con.execute(f"copy raw.{table} to '{folder / 'data.parquet'}' (format parquet)")
        rows[table] = con.execute(f"select count(*) from raw.{table}").fetchall()[0][0]
    return rows


def published_tables(lake: Path) -> list[tuple[str, str, Path]]:
    """(schema, table, folder) of every table the Spark build exported for publishing."""
    found = []
    for schema in PUBLISHED_SCHEMAS:
        root = lake / "published" / schema
        if root.is_dir():
            found.extend(
                (schema, folder.name, folder)
                for folder in sorted(root.iterdir())
                if folder.is_dir() and any(folder.glob("*.parquet"))
            )
    return found


def import_published_tables(con: duckdb.DuckDBPyConnection, lake: Path) -> list[str]:
    """Replace the working file's marts and seeds by the tables Spark exported; returns
    their names. One transaction: a reader of the committed file never sees a mix."""
    tables = published_tables(lake)
    if not any(schema == "marts" for schema, _, _ in tables):
        raise RuntimeError(f"the Spark build published no marts under {lake / 'published'}")
    con.execute("begin")
    for schema in PUBLISHED_SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    views = set(
        con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'VIEW'"
        ).fetchall()
    )
    for schema, table, folder in tables:
        if (schema, table) in views:  # left by an earlier run on another engine
            con.execute(f"drop view {schema}.{table}")
        con.execute(
            f"create or replace table {schema}.{table} as "
            f"select * from read_parquet('{folder}/*.parquet')"
        )
    con.execute("commit")
    return [f"{schema}.{table}" for schema, table, _ in tables]
