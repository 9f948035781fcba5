"""Reusable builders for the dbt tests: a raw DuckDB warehouse from hand-made rows, and a
dbt invocation against it.

`build_raw_database(path, rows)` creates every raw and audit table exactly as ingestion
does (`ensure_tables`) and inserts the given rows, filling the lineage columns;
`run_dbt(args, ...)` runs the project's dbt on that file in a subprocess with its own
target and log paths, so tests can run in parallel.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path

import duckdb

from contract.sources import SOURCES
from pipelines.ingest.tables import ensure_tables, raw_columns

REPO = Path(__file__).resolve().parents[2]
PROJECT_DIR = REPO / "dbt_project"
DBT = REPO / ".venv" / "bin" / "dbt"

# Default drop date of a fixture row when it does not name one.
DEFAULT_PARTITION = date(2026, 7, 10)


def insert_rows(
    con: duckdb.DuckDBPyConnection, source: str, rows: Iterable[Mapping[str, object]]
) -> int:
    """Insert rows (English column names; `_partition_date` optional) into raw.<source>, as
    one load would (one `_load_id` for the call, as ingestion stamps a batch)."""
    columns = [*raw_columns(SOURCES[source]), "_load_id"]
    load_id = con.execute("select nextval('audit.load_ids')").fetchall()[0][0]
    n = 0
    for i, row in enumerate(rows, start=2):
        unknown = set(row) - set(columns)
        if unknown:
            raise KeyError(f"{source}: unknown columns {sorted(unknown)}")
        partition = row.get("_partition_date", DEFAULT_PARTITION)
        values = {
            **{c: None for c in columns},
            **row,
            "_partition_date": partition,
            "_file": row.get("_file", f"{source}/{partition}/{source}.csv"),
            "_row_number": row.get("_row_number", i),
            "_load_id": load_id,
        }
        placeholders = ", ".join("?" for _ in columns)
        con.execute(
            f"insert into raw.{source} ({', '.join(columns)}) values ({placeholders})",
            [values[c] for c in columns],
        )
        n += 1
    return n


def build_raw_database(path: Path, rows: Mapping[str, Iterable[Mapping[str, object]]]) -> Path:
    """Create the raw and audit tables in a DuckDB file and load the given rows."""
    con = duckdb.connect(str(path))
    try:
        ensure_tables(con)
        for source, source_rows in rows.items():
            insert_rows(con, source, source_rows)
    finally:
        con.close()
    return path


def run_dbt(
    args: list[str],
    *,
    db_path: Path,
    work_dir: Path,
    as_of: str,
    check: bool = True,
    project_dir: Path = PROJECT_DIR,
    extra_vars: dict[str, object] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `dbt <args>` on the project (or a copy of it, `project_dir`) against db_path,
    with target/logs under work_dir, the as-of date and `extra_vars` as dbt's vars."""
    env = {
        **os.environ,
        "PARTNER_WAREHOUSE_PATH": str(db_path),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    cmd = [
        str(DBT),
        *args,
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(project_dir),
        "--target-path",
        str(work_dir / "target"),
        "--log-path",
        str(work_dir / "logs"),
        "--vars",
        json.dumps({"as_of": as_of, **(extra_vars or {})}),
    ]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=project_dir)
    if check and result.returncode != 0:
        raise AssertionError(
            f"dbt {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-8000:]}\n{result.stderr[-3000:]}"
        )
    return result


def query(db_path: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    """Rows of a query on the warehouse file (read-only connection, closed after)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()
