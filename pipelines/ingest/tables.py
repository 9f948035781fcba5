"""DDL of the raw and audit tables, derived from the source schemas."""

from __future__ import annotations

import duckdb
import polars as pl

from pipelines.sources import SOURCES, Source

LINEAGE_COLUMNS = {"_file": "VARCHAR", "_row_number": "INTEGER", "_partition_date": "DATE"}

AUDIT_DDL = (
    """
    create table if not exists audit.quarantine (
        source varchar not null,
        file varchar not null,
        row_number integer,
        column_name varchar,
        reason varchar not null,
        raw_record varchar,
        partition_date date
    )
    """,
    """
    create table if not exists audit.load_log (
        source varchar not null,
        file varchar not null,
        partition_date date,
        file_sha256 varchar,
        rows_landed bigint not null,
        rows_loaded bigint not null,
        rows_quarantined bigint not null,
        notes varchar,
        loaded_at timestamp not null,
        primary key (source, file)
    )
    """,
    # Files under the landing folder that no run loads (wrong place, hidden, a link
    # outside the folder, an unsupported type), as the folder was at the last run.
    """
    create table if not exists audit.files_not_loaded (
        file varchar not null,
        reason varchar not null,
        seen_at timestamp not null
    )
    """,
)


def sql_type(dtype: pl.DataType) -> str:
    """The DuckDB type that holds a polars column of the source schemas."""
    if isinstance(dtype, pl.Decimal):
        return f"DECIMAL({dtype.precision},{dtype.scale})"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMP"
    mapping = {pl.String: "VARCHAR", pl.Date: "DATE", pl.Boolean: "BOOLEAN", pl.Int64: "BIGINT"}
    return mapping[dtype.base_type()]


def raw_columns(source: Source) -> dict[str, str]:
    """Column name -> DuckDB type of a raw table, lineage columns last."""
    return {name: sql_type(dtype) for name, dtype in source.dtypes().items()} | LINEAGE_COLUMNS


def raw_table_ddl(source: Source) -> str:
    cols = ",\n    ".join(f"{name} {typ}" for name, typ in raw_columns(source).items())
    return f"create table if not exists raw.{source.name} (\n    {cols}\n)"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw and audit schemas and tables that do not exist yet."""
    con.execute("create schema if not exists raw")
    con.execute("create schema if not exists audit")
    for source in SOURCES.values():
        con.execute(raw_table_ddl(source))
    for ddl in AUDIT_DDL:
        con.execute(ddl)
