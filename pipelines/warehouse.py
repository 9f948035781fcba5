"""The warehouse file, the run that writes it, and the copies readers use.

A run never writes the warehouse in place. Its first write copies the warehouse to a working
file (a clone sharing its blocks where the file system can: `copied_file`), every step
writes there, and `publish` swaps the working file into place with one `os.replace` and
publishes it to `published/` for readers. Until its first write a run reads the committed
warehouse (`Warehouse.reader`), so a run that finds nothing new copies nothing: at 100M rows
the copy is 7.7 GB, about 20 s. A run that fails or is killed leaves the warehouse and the
published copy exactly as they were; its working file is removed when the run ends (the
resource's teardown), or by the next run when the process died. One run at a time holds the
writer lock.

With `publish_mode="link"` the published copy is a hard link to the committed file (a
copy across file systems): nothing the pipeline runs opens a committed file for writing (the
next run copies it first), so runs and readers behave the same, and at 100M rows it saves a
17 GB copy per run. What a link gives up: damage done to the warehouse file in place (a
disk fault, someone writing to it) reaches the readers too, where a copy keeps them on the
last good publication. So "copy" is the default.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import ClassVar
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from contract.published import (
    CURRENT_FILE,
    published_name,
    published_versions,
)
from contract.settings import PUBLISH_MODES
from pipelines.ingest.discover import Inventory, landing_inventory
from pipelines.ingest.tables import SUPERSEDED_SCHEMA, WITHDRAWN_SCHEMA, ensure_tables

SHANGHAI = ZoneInfo("Asia/Shanghai")
AS_OF_TAG = "partner_warehouse/as_of"
FULL_REFRESH_TAG = "partner_warehouse/full_refresh"  # "true": rebuild incremental models
# "true": withdraw files missing from the landing folder even when most of them are
# (pipelines.ingest.load.withdrawal_refusal)
ALLOW_WITHDRAW_TAG = "partner_warehouse/allow_withdraw"
PUBLISHED_KEPT = 3
# Linux's FICLONE ioctl (linux/fs.h): the target file shares the source's blocks.
FICLONE = 0x40049409
# Its errors that mean "no clone here": EOPNOTSUPP a file system without shared blocks
# (ext4), ENOTTY a file without the ioctl, EXDEV another file system, EINVAL a file system
# that refuses this pair of files, ENOSYS/EPERM no such call allowed.
CLONE_UNSUPPORTED = frozenset(
    {errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EPERM}
)
# os.link's errors that mean "no link here", not "no space": EXDEV another file system,
# EPERM/ENOTSUP/EOPNOTSUPP a file system without hard links, EMLINK too many links.
LINK_UNSUPPORTED = frozenset(
    {errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK}
)


def published_file(source: Path, target: Path, *, link: bool) -> None:
    """`target` as a copy of `source` or, with `link`, as a hard link to it where one can be
    made (not across file systems, nor on one without hard links)."""
    if link:
        try:
            os.link(source, target)
            return
        except OSError as exc:
            if exc.errno not in LINK_UNSUPPORTED:
                raise
    copied_file(source, target)


def clones_files(folder: Path) -> bool:
    """Whether `copied_file` makes clones in `folder` (tried on two small files there)."""
    source = folder / f".clone-test-{os.getpid()}"
    target = source.with_name(f"{source.name}.clone")
    try:
        source.write_bytes(b"ok")
        return cloned(source, target)
    except OSError:
        return False
    finally:
        source.unlink(missing_ok=True)
        target.unlink(missing_ok=True)


def copied_file(source: Path, target: Path) -> None:
    """`target` as a copy of `source`: a clone where the file system can make one (XFS with
    reflink, btrfs), else a copy of every byte. A clone shares the source's blocks until
    either file writes one, so the working copy and the published copy of a run cost no
    time at any size (a copy: 7.75 GB, about 7 s, at 100M rows); each file stays its own,
    and a write to one never reaches the other."""
    if not cloned(source, target):
        shutil.copyfile(source, target)


def cloned(source: Path, target: Path) -> bool:
    """Whether `target` was made a clone of `source` (False: this file system makes none;
    any other error, a full disk say, is raised: a copy would fail too)."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
        except OSError as exc:
            if exc.errno not in CLONE_UNSUPPORTED:
                raise
            return False
    return True


class WarehouseBusy(RuntimeError):
    """Another run holds the writer lock."""


class WarehouseUnwritable(RuntimeError):
    """The warehouse, its working file or its published copy cannot be written (a full disk,
    a read-only or missing folder); the message names the path and what is unchanged."""


class WarehouseCorrupt(RuntimeError):
    """The warehouse file is not a readable DuckDB database; the message says how to rebuild."""


REBUILD_COMMAND = "partner-warehouse rebuild --landing {landing} --warehouse {warehouse}"
# DuckDB's words for a file it cannot read as a database.
CORRUPTION_SIGNS = (
    "not a valid DuckDB database",
    "Could not read enough bytes",
    "Corrupt database file",
    "computed checksum",
    "database file with version number",
)


def looks_corrupt(message: str) -> bool:
    return any(sign in message for sign in CORRUPTION_SIGNS)


def unwritable_folder(path: Path) -> str | None:
    """Why the folder of `path` cannot hold the file (created if missing), or None."""
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        return f"{folder} is a file, not a folder"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


def unwritable(path: Path, exc: OSError) -> WarehouseUnwritable:
    """The error for a write that failed, naming the path (the OS error often does not)."""
    reason = exc.strerror or str(exc)
    return WarehouseUnwritable(
        f"cannot write {path}: {reason} (errno {exc.errno}); "
        "the warehouse and its published copy are unchanged"
    )


def today_in_shanghai() -> date:
    return datetime.now(SHANGHAI).date()


def run_as_of(tags: dict[str, str]) -> date:
    """The business date of a run: its `partner_warehouse/as_of` tag, else today in Shanghai."""
    text = tags.get(AS_OF_TAG)
    return date.fromisoformat(text) if text else today_in_shanghai()


class _WriterLock:
    """An advisory lock held by one process for one run; the OS drops it if the process dies."""

    held: ClassVar[dict[str, tuple[str, int]]] = {}  # lock path -> (run_id, fd)

    @classmethod
    def acquire(cls, lock_path: Path, run_id: str) -> None:
        holder = cls.holder(lock_path)
        if holder == run_id:
            return
        if holder is not None:
            raise WarehouseBusy(f"run {holder} in this process is still writing the warehouse")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 4096).decode("utf-8", "replace") or "unknown"
            os.close(fd)
            raise WarehouseBusy(
                f"another run is writing {lock_path.with_suffix('')} ({holder}); "
                "wait for it to finish, or stop it, then run again"
            ) from None
        os.ftruncate(fd, 0)
        os.write(
            fd,
            json.dumps(
                {
                    "run_id": run_id,
                    "pid": os.getpid(),
                    "since": datetime.now().isoformat(timespec="seconds"),
                }
            ).encode(),
        )
        cls.held[str(lock_path)] = (run_id, fd)

    @classmethod
    def holder(cls, lock_path: Path) -> str | None:
        """The run of this process that holds the lock, if any."""
        entry = cls.held.get(str(lock_path))
        return entry[0] if entry else None

    @classmethod
    def release(cls, lock_path: Path) -> None:
        entry = cls.held.pop(str(lock_path), None)
        if entry:
            fcntl.flock(entry[1], fcntl.LOCK_UN)
            os.close(entry[1])


# DuckDB takes 80% of RAM by default; a run shares the machine with the dashboards and
# its polars frames, and spills to disk beyond this (dbt's limit is in profiles.yml).
WRITER_CONFIG = {"memory_limit": "1500MB"}


# The landing folder as a run found it, walked once per run (run id -> inventory): every
# ingestion asset reads it, and a walk costs in proportion to the files landed so far.
_RUN_INVENTORIES: dict[str, Inventory] = {}
# The run's open connection to its working file (run id -> connection), shared by the steps
# that write through DuckDB in this process (ingestion and its checks): opening and closing
# the file per step (26 a run), checkpoints included, cost about 1 s of a day at 10M rows
# (ingestion 2.7 s -> 1.7 s).
_RUN_CONNECTIONS: dict[str, duckdb.DuckDBPyConnection] = {}
# The run's read-only connection to the committed warehouse (run id -> connection), kept until
# the run first writes (`begin`) or ends: a run reads it on each step until then.
_RUN_READERS: dict[str, duckdb.DuckDBPyConnection] = {}


def schema_columns(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str, str]]:
    """(schema, table, column) of the tables `ensure_tables` creates, as `con` has them."""
    schemas = ("raw", "audit", SUPERSEDED_SCHEMA, WITHDRAWN_SCHEMA)
    return set(
        con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            f"where database_name = current_database() and schema_name in ({', '.join('?' for _ in schemas)})",
            list(schemas),
        ).fetchall()
    )


@cache
def current_schema() -> frozenset[tuple[str, str, str]]:
    """The raw and audit tables' columns of this version (`ensure_tables` on an empty file)."""
    with duckdb.connect() as con:
        ensure_tables(con)
        return frozenset(schema_columns(con))


class Warehouse(dg.ConfigurableResource):
    """Where the warehouse, its landing files and its published copies live."""

    path: str = "data/warehouse.duckdb"
    landing_dir: str = "data/landing"
    published_dir: str = ""  # default: `published/` beside the warehouse file
    # "copy" or "link": how a commit publishes the warehouse (module docstring).
    publish_mode: str = "copy"

    @property
    def warehouse_file(self) -> Path:
        return Path(self.path).resolve()

    @property
    def landing_root(self) -> Path:
        return Path(self.landing_dir).resolve()

    @property
    def published_root(self) -> Path:
        return (
            Path(self.published_dir).resolve()
            if self.published_dir
            else self.warehouse_file.parent / "published"
        )

    @property
    def lock_file(self) -> Path:
        return self.warehouse_file.with_name(self.warehouse_file.name + ".lock")

    @property
    def working_file(self) -> Path:
        """The one working file of the run that holds the lock. Its name does not change from
        run to run: dbt's profile names it, and a profile that changes makes dbt re-parse
        the whole project (4-5 s) instead of reusing its partial parse."""
        return self.warehouse_file.with_name(f"{self.warehouse_file.name}.run-in-progress")

    def inventory(self, run_id: str) -> Inventory:
        """The landing folder as this run found it on its first look (one walk per run)."""
        if run_id not in _RUN_INVENTORIES:
            _RUN_INVENTORIES[run_id] = landing_inventory(self.landing_root)
        return _RUN_INVENTORIES[run_id]

    def rebuild_hint(self) -> str:
        return REBUILD_COMMAND.format(landing=self.landing_root, warehouse=self.warehouse_file)

    def corrupt(self, error: Exception) -> WarehouseCorrupt:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        return WarehouseCorrupt(
            f"the warehouse file {self.warehouse_file} is corrupt ({first_line}); it was not "
            f"changed. Rebuild it from the landing files with: {self.rebuild_hint()}"
        )

    def begin(self, run_id: str) -> Path:
        """The run's working file, created on the run's first call from the warehouse as it is."""
        if self.publish_mode not in PUBLISH_MODES:
            raise ValueError(
                f"publish_mode must be one of {', '.join(PUBLISH_MODES)} (got {self.publish_mode!r})"
            )
        problem = unwritable_folder(self.warehouse_file)
        if problem:
            raise WarehouseUnwritable(
                f"cannot write {self.warehouse_file}: {problem}; "
                "the warehouse and its published copy are unchanged"
            )
        continuing = _WriterLock.holder(self.lock_file) == run_id
        _WriterLock.acquire(self.lock_file, run_id)
        working = self.working_file
        if continuing and working.exists():
            return working
        self.close_reader(run_id)  # from here on the run reads what it writes
        for stale in self.warehouse_file.parent.glob(f"{self.warehouse_file.name}.run-*"):
            stale.unlink()  # left by a run that died: we hold the lock, so it is no one's
        try:
            if self.warehouse_file.exists():
                copied_file(self.warehouse_file, working)
        except OSError as exc:
            working.unlink(missing_ok=True)
            raise unwritable(working, exc) from None
        try:
            with duckdb.connect(str(working)) as con:
                ensure_tables(con)
        except duckdb.Error as exc:
            working.unlink(missing_ok=True)
            if self.warehouse_file.exists() and looks_corrupt(str(exc)):
                raise self.corrupt(exc) from None
            raise
        return working

    @contextmanager
    def reader(self, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """What the run builds on, to read: its own connection once it writes; until then a
        read-only connection to the committed warehouse, opened once and not copied (a run
        that finds nothing new never writes). The working file is made as before when there
        is no warehouse yet, or it lacks a table or column of this version (`begin` adds
        them). Holds the writer lock, as writing does."""
        if run_id not in _RUN_CONNECTIONS and self.current_file(run_id) == self.warehouse_file:
            yield _RUN_READERS[run_id]
        else:
            with self.connect(run_id) as con:
                yield con

    def current_file(self, run_id: str) -> Path:
        """The file the run builds on: its working file once it has one, else the committed
        warehouse when it has this version's raw and audit tables (kept open for `reader`),
        else a working file made from it (which adds them). Takes the writer lock."""
        continuing = _WriterLock.holder(self.lock_file) == run_id
        _WriterLock.acquire(self.lock_file, run_id)
        if continuing and self.working_file.exists():
            return self.working_file
        if run_id not in _RUN_READERS and self.warehouse_file.exists():
            try:
                con = duckdb.connect(str(self.warehouse_file), read_only=True)
            except duckdb.Error as exc:
                if looks_corrupt(str(exc)):
                    raise self.corrupt(exc) from None
                raise
            if current_schema() <= schema_columns(con):
                _RUN_READERS[run_id] = con
            else:
                con.close()
        if run_id in _RUN_READERS:
            return self.warehouse_file
        return self.begin(run_id)

    def close_reader(self, run_id: str) -> None:
        reader = _RUN_READERS.pop(run_id, None)
        if reader is not None:
            reader.close()

    @contextmanager
    def connect(self, run_id: str) -> Iterator[duckdb.DuckDBPyConnection]:
        """The run's connection to its working file, opened on first use and kept until
        `release` (dbt, the commit and the end of the run need the file to themselves). A
        step that fails closes it: a statement that failed may leave a transaction open."""
        con = _RUN_CONNECTIONS.get(run_id)
        if con is None:
            con = duckdb.connect(str(self.begin(run_id)), config=WRITER_CONFIG)
            _RUN_CONNECTIONS[run_id] = con
        try:
            yield con
        except BaseException:
            self.release(run_id)
            raise

    def release(self, run_id: str) -> None:
        """Close the run's connection (if open), checkpointing what it wrote."""
        con = _RUN_CONNECTIONS.pop(run_id, None)
        if con is not None:
            con.close()

    def commit(self, run_id: str) -> Path:
        """Swap the run's working file into place and publish a read-only copy; returns it.

        Everything that needs disk space (the published copy, the new `CURRENT`) is written
        before the swap, so a full disk fails the run with nothing changed; what follows is
        renames only."""
        self.release(run_id)
        working = self.begin(run_id)
        with duckdb.connect(str(working)) as con:
            con.execute("checkpoint")
        staged = self.stage_publication(working)
        os.replace(working, self.warehouse_file)
        published = self.finish_publication(*staged)
        self.end(run_id)
        return published

    def publish(self) -> Path:
        """Copy the warehouse to a new file in `published/` and point `CURRENT` at it."""
        return self.finish_publication(*self.stage_publication(self.warehouse_file))

    def stage_publication(self, source: Path) -> tuple[Path, Path, Path]:
        """(partial copy, its final name, partial `CURRENT`): the next publication, written
        beside the published files but not yet visible to readers."""
        root = self.published_root
        try:
            root.mkdir(parents=True, exist_ok=True)
            for leftover in root.glob("*.partial"):
                leftover.unlink()  # from a run that died while publishing; we hold the lock
        except OSError as exc:
            raise unwritable(root, exc) from None
        target = root / published_name(max(published_versions(root), default=0) + 1)
        partial = target.with_suffix(".duckdb.partial")
        pointer = root / f"{CURRENT_FILE}.partial"
        try:
            published_file(source, partial, link=self.publish_mode == "link")
            pointer.write_text(target.name, encoding="utf-8")
        except OSError as exc:
            partial.unlink(missing_ok=True)
            pointer.unlink(missing_ok=True)
            raise unwritable(partial, exc) from None
        return partial, target, pointer

    def finish_publication(self, partial: Path, target: Path, pointer: Path) -> Path:
        os.replace(partial, target)
        os.replace(pointer, self.published_root / CURRENT_FILE)
        # Readers that still hold an old copy open keep reading it; new readers get the new one.
        root = self.published_root
        for version in sorted(published_versions(root))[:-PUBLISHED_KEPT]:
            (root / published_name(version)).unlink(missing_ok=True)
        return target

    @contextmanager
    def locked(self, purpose: str) -> Iterator[None]:
        """The writer lock held for `purpose` (a run id, or "rebuild"): no run writes the
        warehouse meanwhile; raises WarehouseBusy when one does."""
        _WriterLock.acquire(self.lock_file, purpose)
        try:
            yield
        finally:
            _WriterLock.release(self.lock_file)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        """Every run ends here, committed or not (Dagster calls it after the run's last step)."""
        if context.run is not None:
            self.end(context.run.run_id)

    def end(self, run_id: str) -> None:
        """Forget a run: drop its working file (if it did not commit) and release the lock."""
        _RUN_INVENTORIES.pop(run_id, None)
        self.close_reader(run_id)
        self.release(run_id)
        if _WriterLock.holder(self.lock_file) == run_id:
            self.working_file.unlink(missing_ok=True)
            _WriterLock.release(self.lock_file)
