"""DDL of the raw and audit tables, derived from the source schemas."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import polars as pl

from contract.sources import SOURCES, Source

LINEAGE_COLUMNS = {"_file": "VARCHAR", "_row_number": "INTEGER", "_partition_date": "DATE"}
# The load that last changed a key's current row: dbt reprocesses what is newer than the
# load it last saw (docs/ARCHITECTURE.md, "File versions").
LOAD_ID_COLUMN = {"_load_id": "BIGINT"}
# Schemas beside `raw`: every version of a key that is not the current one (so a withdrawn
# file can hand a key back to the version it had superseded), and the keys that lost their
# last version (so dbt withdraws what was built from them).
SUPERSEDED_SCHEMA = "raw_superseded"
WITHDRAWN_SCHEMA = "raw_withdrawn"

AUDIT_DDL = (
    """
    create table if not exists audit.quarantine (
        source varchar not null,
        file varchar not null,
        row_number integer,
        column_name varchar,
        reason varchar not null,
        raw_record varchar,
        partition_date date,
        reason_code varchar,
        reason_details varchar
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
        load_id bigint,
        primary key (source, file)
    )
    """,
    # Files whose rows were withdrawn: removed from the landing folder, or replaced by a
    # new version of the same file (the new version's rows are in load_log).
    """
    create table if not exists audit.file_withdrawals (
        source varchar not null,
        file varchar not null,
        partition_date date,
        file_sha256 varchar,
        rows_withdrawn bigint not null,
        reason varchar not null,
        load_id bigint not null,
        withdrawn_at timestamp not null
    )
    """,
    # Files under the landing folder that no run loads (wrong place, hidden, a link
    # outside the folder, an unsupported type), as the folder was at the last run.
    """
    create table if not exists audit.files_not_loaded (
        file varchar not null,
        reason varchar not null,
        seen_at timestamp not null,
        reason_code varchar,
        reason_details varchar
    )
    """,
    "create sequence if not exists audit.load_ids start 1",
    # What each successful dbt build was built from (pipelines/dbt/assets.py): a run whose
    # inputs equal the last build's has nothing to build.
    """
    create table if not exists audit.dbt_builds (
        run_id varchar not null,
        as_of_date date not null,
        engine varchar not null,
        last_load_id bigint not null,
        project_digest varchar not null,
        full_refresh boolean not null,
        built_at timestamp not null
    )
    """,
)
# Columns added after warehouses were first written: added in place on the next run.
AUDIT_MIGRATIONS = (
    "alter table audit.load_log add column if not exists load_id bigint",
    # the file's size and modification time at its load (pipelines.ingest.load.FileStat)
    "alter table audit.load_log add column if not exists file_size bigint",
    "alter table audit.load_log add column if not exists file_mtime_ns bigint",
    # the reasons coded, for readers who word them in their language (ingest/reasons.py);
    # rows quarantined before keep their English `reason` only
    "alter table audit.quarantine add column if not exists reason_code varchar",
    "alter table audit.quarantine add column if not exists reason_details varchar",
    "alter table audit.files_not_loaded add column if not exists reason_code varchar",
    "alter table audit.files_not_loaded add column if not exists reason_details varchar",
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


def raw_table_ddl(source: Source, schema: str = "raw") -> str:
    columns = raw_columns(source) | LOAD_ID_COLUMN
    cols = ",\n    ".join(f"{name} {typ}" for name, typ in columns.items())
    return f"create table if not exists {schema}.{source.name} (\n    {cols}\n)"


def withdrawn_table_ddl(source: Source) -> str:
    dtypes = source.dtypes()
    columns = {name: sql_type(dtypes[name]) for name in source.key} | LOAD_ID_COLUMN
    cols = ", ".join(f"{name} {typ}" for name, typ in columns.items())
    return f"create table if not exists {WITHDRAWN_SCHEMA}.{source.name} ({cols})"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw and audit schemas and tables that do not exist yet."""
    for schema in ("raw", "audit", SUPERSEDED_SCHEMA, WITHDRAWN_SCHEMA):
        con.execute(f"create schema if not exists {schema}")
    for source in SOURCES.values():
        con.execute(raw_table_ddl(source))
        con.execute(f"alter table raw.{source.name} add column if not exists _load_id bigint")
        con.execute(raw_table_ddl(source, SUPERSEDED_SCHEMA))
        con.execute(withdrawn_table_ddl(source))
    for ddl in (*AUDIT_DDL, *AUDIT_MIGRATIONS):
        con.execute(ddl)


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Commit what the block wrote, or roll all of it back if the block raises (a killed or
    failing load leaves the tables as they were)."""
    con.execute("begin transaction")
    try:
        yield
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
