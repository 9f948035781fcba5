"""Loading one landing file into `raw.<source>`, `audit.quarantine` and `audit.load_log`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

# Discovery lives in `discover`; its names stay importable from here for existing callers.
from pipelines.ingest.discover import LandingFile as LandingFile
from pipelines.ingest.discover import landed_partitions as landed_partitions
from pipelines.ingest.discover import source_files as source_files
from pipelines.ingest.read import LandedFrame, UnreadableFile, read_landed_file
from pipelines.ingest.tables import LINEAGE_COLUMNS
from pipelines.ingest.validate import ROW_ID, validated
from pipelines.sources import Source

# Rows validated and written at once: large enough that per-batch costs vanish, small
# enough that memory stays flat whatever the size of the landing folder.
BATCH_ROWS = 2_000_000


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
    partition_date: date | None = None
    sha256: str | None = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def known_sha256(con: duckdb.DuckDBPyConnection, source: Source) -> dict[str, str]:
    """File -> content hash of every file of the source loaded before."""
    return dict(
        con.execute(
            "select file, file_sha256 from audit.load_log where source = ?", [source.name]
        ).fetchall()
    )


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
    con.register("incoming_rows", latest_versions(rows, source))
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


def latest_versions(rows: pl.DataFrame, source: Source) -> pl.DataFrame:
    """One row per key: the latest version (drop date, then file, then row) among `rows`."""
    rows = rows.select([*source.columns, *LINEAGE_COLUMNS])
    key = list(source.key)
    if not rows.select(pl.struct(key).is_duplicated().any()).item():
        return rows  # the usual batch: no key twice, nothing to sort
    ordered = rows.sort("_partition_date", "_file", "_row_number")
    return ordered.unique(subset=key, keep="last", maintain_order=True)


def record_quarantine(
    con: duckdb.DuckDBPyConnection, source: Source, files: list[str], bad: pl.DataFrame
) -> None:
    """Replace the quarantined rows of `files` by `bad` (`_file`, `_row_number`,
    `_partition_date`, `column_name`, `reason`, `raw_record`)."""
    con.register("loaded_files", pl.DataFrame({"file": files}, schema={"file": pl.String}))
    frame = bad.select(
        pl.lit(source.name).alias("source"),
        pl.col("_file").alias("file"),
        pl.col("_row_number").alias("row_number"),
        "column_name",
        "reason",
        "raw_record",
        pl.col("_partition_date").alias("partition_date"),
    )
    con.register("quarantined_rows", frame)
    try:
        con.execute(
            "delete from audit.quarantine where source = ? "
            "and file in (select file from loaded_files)",
            [source.name],
        )
        con.execute("insert into audit.quarantine by name select * from quarantined_rows")
    finally:
        con.unregister("loaded_files")
        con.unregister("quarantined_rows")


def record_loads(con: duckdb.DuckDBPyConnection, loads: list[FileLoad]) -> None:
    frame = pl.DataFrame(
        {
            "source": [load.source for load in loads],
            "file": [load.file for load in loads],
            "partition_date": [load.partition_date for load in loads],
            "file_sha256": [load.sha256 for load in loads],
            "rows_landed": [load.rows_landed for load in loads],
            "rows_loaded": [load.rows_loaded for load in loads],
            "rows_quarantined": [load.rows_quarantined for load in loads],
            "notes": ["; ".join(load.notes) or None for load in loads],
            "loaded_at": [datetime.now()] * len(loads),
        },
        schema_overrides={"partition_date": pl.Date, "notes": pl.String},
    )
    con.register("file_loads", frame)
    try:
        con.execute("insert or replace into audit.load_log by name select * from file_loads")
    finally:
        con.unregister("file_loads")


def whole_file_quarantine(landing: LandingFile, reason: str) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "_file": [landing.file],
            "_row_number": [None],
            "_partition_date": [landing.day],
            "column_name": [None],
            "reason": [f"file not loaded: {reason}"],
            "raw_record": [None],
        },
        schema=QUARANTINE_SCHEMA,
    )


QUARANTINE_SCHEMA = {
    "_file": pl.String,
    "_row_number": pl.Int32,
    "_partition_date": pl.Date,
    "column_name": pl.String,
    "reason": pl.String,
    "raw_record": pl.String,
}


@dataclass
class Batch:
    """Files read and waiting to be validated and written together."""

    readable: list[tuple[LandingFile, str, LandedFrame]] = field(default_factory=list)
    unreadable: list[tuple[LandingFile, str, str]] = field(default_factory=list)  # file, sha, why
    rows: int = 0


def load_source(
    con: duckdb.DuckDBPyConnection, source: Source, files: list[LandingFile]
) -> list[FileLoad]:
    """Load the files of one source that are new or changed since they were last loaded.

    Files are validated and written in batches of about `BATCH_ROWS` rows: per-file work
    (a validation, a few statements) would cost more than the rows, and a bounded batch
    keeps memory flat at any size."""
    known = known_sha256(con, source)
    loads: list[FileLoad] = []
    batch = Batch()
    for landing in files:
        sha256 = file_sha256(landing.path)
        if known.get(landing.file) == sha256:
            loads.append(FileLoad(source.name, landing.file, 0, 0, 0, skipped=True))
            continue
        try:
            landed = read_landed_file(landing.path, source)
        except UnreadableFile as exc:
            batch.unreadable.append((landing, sha256, str(exc)))
            continue
        batch.readable.append((landing, sha256, landed))
        batch.rows += landed.frame.height
        if batch.rows >= BATCH_ROWS:
            loads += written_batch(con, source, batch)
            batch = Batch()
    if batch.readable or batch.unreadable:
        loads += written_batch(con, source, batch)
    return loads


def checked_rows(source: Source, batch: Batch) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The good rows and the quarantine rows of the readable files of a batch."""
    groups: dict[frozenset[str], list[pl.DataFrame]] = {}
    for landing, _, landed in batch.readable:
        groups.setdefault(frozenset(landed.typed_columns), []).append(
            landed.frame.with_columns(
                pl.lit(landing.file).alias("_file"),
                pl.lit(landing.day).alias("_partition_date"),
            )
        )
    good, bad = [], []
    for typed_columns, frames in groups.items():
        # Text columns of different files agree; typed ones (Parquet) form their own group.
        text = (
            pl.concat(frames, how="diagonal_relaxed")
            .with_row_index(ROW_ID)
            .with_columns(pl.col(ROW_ID).cast(pl.Int64))
        )
        result = validated(text, set(typed_columns), source)
        good.append(result.good.select([*source.columns, *LINEAGE_COLUMNS]))
        lineage = text.select(ROW_ID, "_file", "_row_number", "_partition_date")
        bad.append(result.bad.join(lineage, on=ROW_ID).select(list(QUARANTINE_SCHEMA)))
    empty_bad = pl.DataFrame(schema=QUARANTINE_SCHEMA)
    return (
        pl.concat(good, how="vertical_relaxed") if good else pl.DataFrame(),
        pl.concat([empty_bad, *bad], how="vertical_relaxed"),
    )


def written_batch(con: duckdb.DuckDBPyConnection, source: Source, batch: Batch) -> list[FileLoad]:
    """Validate a batch and write its rows, quarantine and load log in one transaction."""
    good, bad = checked_rows(source, batch)
    loaded = per_file_count(good)
    quarantined = per_file_count(bad)
    loads = []
    for landing, sha256, landed in batch.readable:
        load = FileLoad(
            source.name,
            landing.file,
            rows_landed=landed.frame.height,
            rows_loaded=loaded.get(landing.file, 0),
            rows_quarantined=quarantined.get(landing.file, 0),
            notes=tuple(landed.notes),
            partition_date=landing.day,
            sha256=sha256,
        )
        if load.rows_landed != load.rows_loaded + load.rows_quarantined:
            raise AssertionError(f"{load.file}: rows landed != loaded + quarantined ({load})")
        loads.append(load)
    for landing, sha256, reason in batch.unreadable:
        loads.append(
            FileLoad(
                source.name,
                landing.file,
                0,
                0,
                0,
                unreadable=reason,
                partition_date=landing.day,
                sha256=sha256,
            )
        )
        bad = pl.concat([bad, whole_file_quarantine(landing, reason)])
    con.execute("begin transaction")
    try:
        if not good.is_empty():
            upsert_rows(con, source, good)
        record_quarantine(con, source, [load.file for load in loads], bad)
        record_loads(con, loads)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return loads


def per_file_count(frame: pl.DataFrame) -> dict[str, int]:
    if frame.is_empty():
        return {}
    return dict(frame.group_by("_file").len().iter_rows())


def load_file(
    con: duckdb.DuckDBPyConnection, source: Source, path: Path, landing_root: Path, day: date
) -> FileLoad:
    """Load one file (skipped if a file with the same content was loaded at the same path)."""
    landing = LandingFile(path, path.relative_to(landing_root).as_posix(), day)
    return load_source(con, source, [landing])[0]
