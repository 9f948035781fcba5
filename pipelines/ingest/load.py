"""Loading one landing file into `raw.<source>`, `audit.quarantine` and `audit.load_log`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from contract.sources import Source

# Discovery lives in `discover`; its names stay importable from here for existing callers.
from pipelines.ingest.discover import Inventory
from pipelines.ingest.discover import LandingFile as LandingFile
from pipelines.ingest.discover import landed_partitions as landed_partitions
from pipelines.ingest.discover import source_files as source_files
from pipelines.ingest.read import LandedFrame, UnreadableFile, read_landed_file
from pipelines.ingest.reasons import joined_codes, joined_details
from pipelines.ingest.tables import (
    LINEAGE_COLUMNS,
    SUPERSEDED_SCHEMA,
    WITHDRAWN_SCHEMA,
    transaction,
)
from pipelines.ingest.validate import ROW_ID, validated

# A run refuses to withdraw more than this share of the files loaded before unless told to:
# a landing folder that is unmounted, emptied or pointed elsewhere looks like every file
# removed, and withdrawing them all would empty the warehouse.
WITHDRAW_GUARD_SHARE = 0.5

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
    stat: FileStat | None = None

    @classmethod
    def unchanged(cls, source: str, file: str) -> FileLoad:
        """A file whose content was loaded before: skipped, nothing read."""
        return cls(source, file, 0, 0, 0, skipped=True)


@dataclass(frozen=True)
class FileStat:
    """Size and modification time of a file when it was read: a file whose stat is the one
    recorded at its load is taken as unchanged without reading it again (hashing every
    landed file each run would cost in proportion to history). A re-export under the same
    name gets a new modification time, so it is hashed and compared."""

    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> FileStat:
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_change(before: LoadedFile | None, path: Path) -> tuple[FileStat, str] | None:
    """None when the file at `path` holds what was loaded from it (`before`): its recorded
    size and modification time, else its recorded content. Otherwise its stat and content
    hash, to load it by."""
    stat = FileStat.of(path)
    if before is not None and before.stat == stat:
        return None
    sha256 = file_sha256(path)
    if before is not None and before.sha256 == sha256:
        return None
    return stat, sha256


def landed_as_loaded(
    con: duckdb.DuckDBPyConnection, source: Source, files: list[LandingFile]
) -> bool:
    """Whether `files` (the source's whole landing folder) are what the source was loaded
    from: the same files, none changed (`file_change`). `load_source` would then write
    nothing, so a run can tell it without a working file."""
    known = loaded_files(con, source)
    if {landing.file for landing in files} != set(known):
        return False
    return all(file_change(known[landing.file], landing.path) is None for landing in files)


def loaded_files(con: duckdb.DuckDBPyConnection, source: Source) -> dict[str, LoadedFile]:
    """File -> what was loaded from it, for every file of the source loaded before."""
    rows = con.execute(
        "select file, file_sha256, partition_date, file_size, file_mtime_ns "
        "from audit.load_log where source = ?",
        [source.name],
    ).fetchall()
    return {
        file: LoadedFile(
            source.name, file, sha, day, FileStat(size, mtime) if size is not None else None
        )
        for file, sha, day, size, mtime in rows
    }


@dataclass(frozen=True)
class LoadedFile:
    source: str
    file: str
    sha256: str | None
    partition_date: date | None
    stat: FileStat | None = None

    def withdrawal(self, rows_withdrawn: int, reason: str) -> FileWithdrawal:
        return FileWithdrawal(
            self.source, self.file, rows_withdrawn, reason, self.partition_date, self.sha256
        )


def withdrawal_refusal(con: duckdb.DuckDBPyConnection, inventory: Inventory) -> str | None:
    """Why a run should not withdraw the files missing from the landing folder (more than
    WITHDRAW_GUARD_SHARE of the files loaded before are gone), or None."""
    loaded = [row[0] for row in con.execute("select file from audit.load_log").fetchall()]
    present = inventory.loadable()
    missing = [file for file in loaded if file not in present]
    if not loaded or len(missing) <= WITHDRAW_GUARD_SHARE * len(loaded):
        return None
    return (
        f"{len(missing)} of the {len(loaded)} files loaded before are missing from the landing "
        f"folder (e.g. {missing[0]}): is it mounted and complete? Nothing was withdrawn. To "
        "withdraw them on purpose, run again with --allow-withdraw."
    )


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select nextval('audit.load_ids')").fetchall()[0][0]


def key_match(source: Source, left: str, right: str) -> str:
    return " and ".join(f"{left}.{k} = {right}.{k}" for k in source.key)


def date_key(source: Source) -> str | None:
    """The key column that is a date, if any: the raw tables grow in its order, so bounding
    it lets DuckDB skip the row groups of other days (zone maps) when keys are matched."""
    dtypes = source.dtypes()
    return next((k for k in source.key if dtypes[k] == pl.Date), None)


def key_range(con: duckdb.DuckDBPyConnection, source: Source, alias: str) -> str:
    """`and <alias>.<date key> between <first> and <last>` over the affected keys, or ''."""
    column = date_key(source)
    if column is None:
        return ""
    first, last = con.execute(f"select min({column}), max({column}) from affected_keys").fetchall()[
        0
    ]
    if first is None:
        return ""
    return f" and {alias}.{column} between date '{first}' and date '{last}'"


def replace_versions(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    incoming: pl.DataFrame,
    withdrawn_files: list[str],
    load_id: int,
) -> dict[str, int]:
    """Withdraw every row of `withdrawn_files`, add the `incoming` rows, and settle each key
    they touch: its latest version (drop date, then file, then row) becomes the current row
    in `raw.<source>` (stamped with `load_id`), the other versions go to `raw_superseded`,
    and a key left with no version at all is recorded in `raw_withdrawn` for dbt.

    Only the touched keys are read and written, so a day's load costs that day. Returns the
    number of rows each withdrawn file had contributed."""
    table, superseded, tombstones = (
        f"{schema}.{source.name}" for schema in ("raw", SUPERSEDED_SCHEMA, WITHDRAWN_SCHEMA)
    )
    key = ", ".join(source.key)
    columns = ", ".join([*source.columns, *LINEAGE_COLUMNS])
    con.register("incoming_rows", incoming.select([*source.columns, *LINEAGE_COLUMNS]))
    con.register(
        "withdrawn_files", pl.DataFrame({"file": withdrawn_files}, schema={"file": pl.String})
    )
    try:
        withdrawn_counts: dict[str, int] = {}
        from_withdrawn = ""
        if withdrawn_files:
            withdrawn_counts = dict(
                con.execute(
                    f"""
                    select _file, count(*) from (
                        select _file from {table} where _file in (select file from withdrawn_files)
                        union all
                        select _file from {superseded}
                        where _file in (select file from withdrawn_files)
                    ) group by _file
                    """
                ).fetchall()
            )
            from_withdrawn = f"""
                union all select {key} from {table}
                where _file in (select file from withdrawn_files)
                union all select {key} from {superseded}
                where _file in (select file from withdrawn_files)"""
        con.execute(
            f"create or replace temp table affected_keys as select distinct {key} from ("
            f"select {key} from incoming_rows {from_withdrawn})"
        )
        bound_t = key_range(con, source, "t")
        # The versions of each touched key, ranked in one statement (a table of them first
        # wrote every incoming row once more).
        con.execute(
            f"""
            create or replace temp table ranked_versions as
            select *, row_number() over (
                partition by {key} order by _partition_date desc, _file desc, _row_number desc
            ) as version_rank
            from (
                select {columns} from {table} t
                semi join affected_keys a on {key_match(source, "t", "a")}
                where t._file not in (select file from withdrawn_files) {bound_t}
                union all
                select {columns} from {superseded} t
                semi join affected_keys a on {key_match(source, "t", "a")}
                where t._file not in (select file from withdrawn_files)
                union all
                select {columns} from incoming_rows
            )
            """
        )
        for target in (table, superseded, tombstones):
            bound = bound_t if target == table else ""
            con.execute(
                f"delete from {target} t using affected_keys a "
                f"where {key_match(source, 't', 'a')} {bound}"
            )
        con.execute(
            f"insert into {table} ({columns}, _load_id) "
            f"select {columns}, {load_id} from ranked_versions where version_rank = 1"
        )
        con.execute(
            f"insert into {superseded} ({columns}, _load_id) "
            f"select {columns}, {load_id} from ranked_versions where version_rank > 1"
        )
        con.execute(
            f"insert into {tombstones} ({key}, _load_id) select {key}, {load_id} "
            f"from affected_keys a anti join ranked_versions v on {key_match(source, 'a', 'v')}"
        )
        return withdrawn_counts
    finally:
        con.unregister("incoming_rows")
        con.unregister("withdrawn_files")
        for temp in ("affected_keys", "ranked_versions"):
            con.execute(f"drop table if exists {temp}")


def record_quarantine(
    con: duckdb.DuckDBPyConnection, source: Source, files: list[str], bad: pl.DataFrame
) -> None:
    """Replace the quarantined rows of `files` by `bad` (`_file`, `_row_number`,
    `_partition_date`, `column_name`, `reason`, `reason_code`, `reason_details`, `raw_record`)."""
    con.register("loaded_files", pl.DataFrame({"file": files}, schema={"file": pl.String}))
    frame = bad.select(
        pl.lit(source.name).alias("source"),
        pl.col("_file").alias("file"),
        pl.col("_row_number").alias("row_number"),
        "column_name",
        "reason",
        "reason_code",
        "reason_details",
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


def record_loads(con: duckdb.DuckDBPyConnection, loads: list[FileLoad], load_id: int) -> None:
    frame = pl.DataFrame(
        {
            "source": [load.source for load in loads],
            "file": [load.file for load in loads],
            "partition_date": [load.partition_date for load in loads],
            "file_sha256": [load.sha256 for load in loads],
            "file_size": [load.stat.size if load.stat else None for load in loads],
            "file_mtime_ns": [load.stat.mtime_ns if load.stat else None for load in loads],
            "rows_landed": [load.rows_landed for load in loads],
            "rows_loaded": [load.rows_loaded for load in loads],
            "rows_quarantined": [load.rows_quarantined for load in loads],
            "notes": ["; ".join(load.notes) or None for load in loads],
            "loaded_at": [datetime.now()] * len(loads),
            "load_id": [load_id] * len(loads),
        },
        schema_overrides={
            "partition_date": pl.Date,
            "notes": pl.String,
            "file_size": pl.Int64,
            "file_mtime_ns": pl.Int64,
        },
    )
    con.register("file_loads", frame)
    try:
        con.execute("insert or replace into audit.load_log by name select * from file_loads")
    finally:
        con.unregister("file_loads")


def whole_file_quarantine(landing: LandingFile, unreadable: UnreadableFile) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "_file": [landing.file],
            "_row_number": [None],
            "_partition_date": [landing.day],
            "column_name": [None],
            "reason": [f"file not loaded: {unreadable}"],
            "reason_code": [joined_codes(unreadable.reasons)],
            "reason_details": [joined_details(unreadable.reasons)],
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
    "reason_code": pl.String,
    "reason_details": pl.String,
    "raw_record": pl.String,
}


@dataclass
class Batch:
    """Files read and waiting to be validated and written together."""

    readable: list[tuple[LandingFile, str, LandedFrame]] = field(default_factory=list)
    unreadable: list[tuple[LandingFile, str, UnreadableFile]] = field(default_factory=list)
    stats: dict[str, FileStat] = field(default_factory=dict)  # file -> stat before reading
    rows: int = 0


@dataclass(frozen=True)
class FileWithdrawal:
    source: str
    file: str
    rows_withdrawn: int  # rows the file had put in the raw table (current or superseded)
    reason: str  # "removed" (gone from the landing folder) or "replaced" (content changed)
    partition_date: date | None = None
    sha256: str | None = None


@dataclass
class SourceLoad:
    """What one load of a source did: the files it read or skipped, the files it withdrew."""

    files: list[FileLoad] = field(default_factory=list)
    withdrawals: list[FileWithdrawal] = field(default_factory=list)


def load_source(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    files: list[LandingFile],
    *,
    complete: bool = True,
) -> SourceLoad:
    """Make the source's raw table what `files` say now.

    New or changed files are read, validated and written; a changed file first withdraws
    every row its previous version contributed. With `complete` (the files are the source's
    whole landing folder), a file loaded before and missing now is withdrawn too. Files are
    validated and written in batches of about `BATCH_ROWS` rows: per-file work would cost
    more than the rows, and a bounded batch keeps memory flat at any size."""
    known = loaded_files(con, source)
    result = SourceLoad()
    batch = Batch()
    for landing in files:
        change = file_change(known.get(landing.file), landing.path)
        if change is None:
            result.files.append(FileLoad.unchanged(source.name, landing.file))
            continue
        stat, sha256 = change
        batch.stats[landing.file] = stat
        try:
            landed = read_landed_file(landing.path, source)
        except UnreadableFile as exc:
            batch.unreadable.append((landing, sha256, exc))
            continue
        batch.readable.append((landing, sha256, landed))
        batch.rows += landed.frame.height
        if batch.rows >= BATCH_ROWS:
            written_batch(con, source, batch, known, result)
            batch = Batch()
    if batch.readable or batch.unreadable:
        written_batch(con, source, batch, known, result)
    if complete:
        present = {landing.file for landing in files}
        removed = [known[file] for file in sorted(known) if file not in present]
        if removed:
            result.withdrawals += written_change(
                con, source, empty_rows(source), empty_quarantine(), [], removed, "removed"
            )
    return result


def written_change(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    rows: pl.DataFrame,
    bad: pl.DataFrame,
    loads: list[FileLoad],
    withdrawn: list[LoadedFile],
    reason: str,
) -> list[FileWithdrawal]:
    """In one transaction: withdraw the rows of `withdrawn` (files `removed`, or `replaced`
    by the versions in `loads`), write `rows`, the quarantine `bad` and the load log of
    `loads`; returns the withdrawals, also recorded in audit.file_withdrawals."""
    with transaction(con):
        load_id = next_load_id(con)
        counts = replace_versions(con, source, rows, [old.file for old in withdrawn], load_id)
        withdrawals = [old.withdrawal(counts.get(old.file, 0), reason) for old in withdrawn]
        touched = sorted({*(load.file for load in loads), *(old.file for old in withdrawn)})
        record_quarantine(con, source, touched, bad)
        forget_loads(con, source, [old.file for old in withdrawn])
        record_loads(con, loads, load_id)
        record_withdrawals(con, withdrawals, load_id)
    return withdrawals


def forget_loads(con: duckdb.DuckDBPyConnection, source: Source, files: list[str]) -> None:
    if files:
        con.execute(
            "delete from audit.load_log where source = ? and file in "
            f"({', '.join('?' for _ in files)})",
            [source.name, *files],
        )


def empty_rows(source: Source) -> pl.DataFrame:
    dtypes = source.dtypes() | {
        "_file": pl.String,
        "_row_number": pl.Int32,
        "_partition_date": pl.Date,
    }
    return pl.DataFrame(schema=dtypes)


def empty_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def record_withdrawals(
    con: duckdb.DuckDBPyConnection, withdrawals: list[FileWithdrawal], load_id: int
) -> None:
    if not withdrawals:
        return
    frame = pl.DataFrame(
        {
            "source": [w.source for w in withdrawals],
            "file": [w.file for w in withdrawals],
            "partition_date": [w.partition_date for w in withdrawals],
            "file_sha256": [w.sha256 for w in withdrawals],
            "rows_withdrawn": [w.rows_withdrawn for w in withdrawals],
            "reason": [w.reason for w in withdrawals],
            "load_id": [load_id] * len(withdrawals),
            "withdrawn_at": [datetime.now()] * len(withdrawals),
        },
        schema_overrides={"partition_date": pl.Date, "file_sha256": pl.String},
    )
    con.register("file_withdrawals", frame)
    try:
        con.execute("insert into audit.file_withdrawals by name select * from file_withdrawals")
    finally:
        con.unregister("file_withdrawals")


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


def written_batch(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    batch: Batch,
    known: dict[str, LoadedFile],
    result: SourceLoad,
) -> None:
    """Validate a batch and write its rows, quarantine and load log in one transaction; the
    earlier versions of its files are withdrawn in the same transaction."""
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
            stat=batch.stats.get(landing.file),
        )
        if load.rows_landed != load.rows_loaded + load.rows_quarantined:
            raise AssertionError(f"{load.file}: rows landed != loaded + quarantined ({load})")
        loads.append(load)
    for landing, sha256, unreadable in batch.unreadable:
        loads.append(
            FileLoad(
                source.name,
                landing.file,
                0,
                0,
                0,
                unreadable=str(unreadable),
                partition_date=landing.day,
                sha256=sha256,
                stat=batch.stats.get(landing.file),
            )
        )
        bad = pl.concat([bad, whole_file_quarantine(landing, unreadable)])
    replaced = [known[load.file] for load in loads if load.file in known]
    rows = good if not good.is_empty() else empty_rows(source)
    result.withdrawals += written_change(con, source, rows, bad, loads, replaced, "replaced")
    result.files += loads


def per_file_count(frame: pl.DataFrame) -> dict[str, int]:
    if frame.is_empty():
        return {}
    return dict(frame.group_by("_file").len().iter_rows())


def load_file(
    con: duckdb.DuckDBPyConnection, source: Source, path: Path, landing_root: Path, day: date
) -> FileLoad:
    """Load one file (skipped if a file with the same content was loaded at the same path);
    the source's other files are left as they are."""
    landing = LandingFile(path, path.relative_to(landing_root).as_posix(), day)
    return load_source(con, source, [landing], complete=False).files[0]
