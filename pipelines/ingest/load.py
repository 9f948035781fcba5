"""Loading one landing file into `raw.<source>`, `audit.quarantine` and `audit.load_log`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest.read import UnreadableFile, read_landed_file
from pipelines.ingest.tables import LINEAGE_COLUMNS
from pipelines.ingest.validate import validated
from pipelines.sources import Source


@dataclass(frozen=True)
class FileLoad:
    source: str
    file: str
    rows_landed: int
    rows_loaded: int
    rows_quarantined: int
    skipped: bool = False  # the same content was loaded before
    unreadable: str | None = None  # why the whole file was quarantined
    notes: tuple[str, ...] = ()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def landing_files(landing_root: Path, source: str, partition_date: str) -> list[Path]:
    """The files of one source and drop date, in name order (later names win ties)."""
    folder = landing_root / source / partition_date
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def landed_partitions(landing_root: Path) -> list[str]:
    """Every drop date that has a folder under some source, sorted."""
    if not landing_root.is_dir():
        return []
    folders = (
        d
        for source_dir in landing_root.iterdir()
        if source_dir.is_dir()
        for d in source_dir.iterdir()
    )
    return sorted({d.name for d in folders if d.is_dir() and is_iso_date(d.name)})


def is_iso_date(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def previous_sha256(con: duckdb.DuckDBPyConnection, source: str, file: str) -> str | None:
    row = con.execute(
        "select file_sha256 from audit.load_log where source = ? and file = ?", [source, file]
    ).fetchall()
    return row[0][0] if row else None


def upsert_rows(con: duckdb.DuckDBPyConnection, source: Source, rows: pl.DataFrame) -> None:
    """Insert rows by key; a key's later version (drop date, then file, then row) replaces an
    earlier one, and an earlier version never replaces a later one, whatever the load order."""
    if rows.is_empty():
        return
    key_match = " and ".join(f"t.{k} = b.{k}" for k in source.key)
    version = (
        "(b._partition_date, b._file, b._row_number) >= (t._partition_date, t._file, t._row_number)"
    )
    columns = ", ".join([*source.columns, *LINEAGE_COLUMNS])
    con.register("incoming_rows", rows.select([*source.columns, *LINEAGE_COLUMNS]))
    try:
        con.execute(
            f"delete from raw.{source.name} t using incoming_rows b where {key_match} and {version}"
        )
        con.execute(
            f"insert into raw.{source.name} ({columns}) select {columns} from incoming_rows b "
            f"where not exists (select 1 from raw.{source.name} t where {key_match})"
        )
    finally:
        con.unregister("incoming_rows")


def record_quarantine(
    con: duckdb.DuckDBPyConnection, source: Source, file: str, day: date, bad: pl.DataFrame
) -> None:
    con.execute("delete from audit.quarantine where source = ? and file = ?", [source.name, file])
    if bad.is_empty():
        return
    frame = bad.select(
        pl.lit(source.name).alias("source"),
        pl.lit(file).alias("file"),
        pl.col("_row_number").alias("row_number"),
        "column_name",
        "reason",
        "raw_record",
        pl.lit(day).alias("partition_date"),
    )
    con.register("quarantined_rows", frame)
    try:
        con.execute("insert into audit.quarantine by name select * from quarantined_rows")
    finally:
        con.unregister("quarantined_rows")


def record_load(con: duckdb.DuckDBPyConnection, load: FileLoad, day: date, sha256: str) -> None:
    con.execute(
        """
        insert or replace into audit.load_log
            (source, file, partition_date, file_sha256, rows_landed, rows_loaded,
             rows_quarantined, notes, loaded_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            load.source,
            load.file,
            day,
            sha256,
            load.rows_landed,
            load.rows_loaded,
            load.rows_quarantined,
            "; ".join(load.notes) or None,
            datetime.now(),
        ],
    )


def whole_file_quarantine(reason: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "_row_number": [None],
            "column_name": [None],
            "reason": [f"file not loaded: {reason}"],
            "raw_record": [None],
        },
        schema={
            "_row_number": pl.Int32,
            "column_name": pl.String,
            "reason": pl.String,
            "raw_record": pl.String,
        },
    )


def load_file(
    con: duckdb.DuckDBPyConnection, source: Source, path: Path, landing_root: Path, day: date
) -> FileLoad:
    """Load one file in one transaction; a file already loaded with the same content is skipped."""
    file = path.relative_to(landing_root).as_posix()
    sha256 = file_sha256(path)
    if previous_sha256(con, source.name, file) == sha256:
        return FileLoad(source.name, file, 0, 0, 0, skipped=True)
    try:
        landed = read_landed_file(path, source)
        result = validated(landed, source)
    except UnreadableFile as exc:
        load = FileLoad(source.name, file, 0, 0, 0, unreadable=str(exc))
        good = None
        bad = whole_file_quarantine(str(exc))
    else:
        good = result.good.with_columns(
            pl.lit(file).alias("_file"), pl.lit(day).alias("_partition_date")
        )
        bad = result.bad
        load = FileLoad(
            source.name,
            file,
            rows_landed=landed.frame.height,
            rows_loaded=good.height,
            rows_quarantined=bad.height,
            notes=tuple(landed.notes),
        )
        if load.rows_landed != load.rows_loaded + load.rows_quarantined:
            raise AssertionError(f"{file}: rows landed != loaded + quarantined ({load})")
    con.execute("begin transaction")
    try:
        if good is not None:
            upsert_rows(con, source, good)
        record_quarantine(con, source, file, day, bad)
        record_load(con, load, day, sha256)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return load
