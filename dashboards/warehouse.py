"""Finding and opening the published warehouse, read-only.

The pipeline publishes `warehouse-<n>.duckdb` files into a folder (env
`PARTNER_WAREHOUSE_PUBLISHED`, default `published/` beside `PARTNER_WAREHOUSE_FILE`:
`data/published`) and writes the newest file's
name into `CURRENT`. Readers resolve `CURRENT` once per page run and then do every query
of that run on the same file, so an answer is never a mix of two publications. One
read-only connection is cached per file name: a newly published file is opened on the
next page run without a restart, and a file no longer named by `CURRENT` is never used
for a new page run. Nothing here ever opens `data/warehouse.duckdb` (the pipeline's
working file, which it locks while it writes).

A published copy is used only if it passes `problem`: a regular file (not a symbolic link,
which could point at any file of the machine), that DuckDB opens read-only and that holds
every public mart. When the copy `CURRENT` names fails, the newest older copy that passes
is served instead (the pipeline keeps the last few), and the page says so. Why a copy failed,
with its path and DuckDB's words, goes to the server log only.
"""

from __future__ import annotations

import logging
import os
import stat
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from contract.published import (
    PUBLIC_MARTS,
    current_version,
    published_name,
    published_versions,
)
from contract.settings import Settings

# A connection to a file that is no longer the newest stays open this many seconds, so a
# page run that resolved it just before a publication finishes on it (closing a DuckDB
# connection closes its cursors too).
GRACE_SECONDS = 120.0

log = logging.getLogger(__name__)


class WarehouseUnavailable(RuntimeError):
    """No published warehouse can be read (nothing published yet, or a bad CURRENT)."""


class NoGoodPublication(WarehouseUnavailable):
    """Copies are published, but neither the newest nor any older one can be read."""


def published_dir() -> Path:
    return Settings.from_env().published_root


def candidate_files(folder: Path) -> list[Path]:
    """The copy `CURRENT` names, then the older published copies, newest first; raises
    WarehouseUnavailable when `CURRENT` is absent or names anything but `warehouse-<n>.duckdb`
    inside the folder."""
    newest = current_version(folder)
    if newest is None:
        raise WarehouseUnavailable(f"no published warehouse in {folder}")
    older = sorted((v for v in published_versions(folder) if v < newest), reverse=True)
    return [folder / published_name(v) for v in (newest, *older)]


_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_superseded: dict[str, float] = {}
# (path, inode, size, mtime): why that file cannot be used, or None when it can. Keyed by the
# file's identity, so a file replaced in place is checked again.
_verdicts: dict[tuple[str, int, int, int], str | None] = {}


def _opening_problem(path: Path) -> str | None:
    """Why DuckDB cannot serve the public marts from this file, or None."""
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            tables = con.execute(
                "select table_name from information_schema.tables where table_schema = ?",
                ["marts"],
            ).fetchall()
    except duckdb.Error as exc:
        return f"DuckDB cannot open it: {exc}"
    missing = sorted(set(PUBLIC_MARTS) - {name for (name,) in tables})
    return f"it lacks marts.{', marts.'.join(missing)}" if missing else None


def _file_problem(info: os.stat_result) -> str | None:
    if stat.S_ISLNK(info.st_mode):
        return "it is a symbolic link"
    if not stat.S_ISREG(info.st_mode):
        return "it is not a regular file"
    if info.st_size == 0:
        return "it is empty"
    return None


def problem(path: Path) -> str | None:
    """Why readers cannot use this published copy, or None when they can. Checked once per
    file (the verdict is cached) and logged with the path when the copy is bad."""
    try:
        info = path.lstat()
    except OSError:
        info = None
    where = str(path.absolute())
    # A file replaced in place has a new inode, size or time, so it is checked again.
    key = (where, info.st_ino, info.st_size, info.st_mtime_ns) if info else (where, 0, 0, 0)
    with _lock:
        if key in _verdicts:
            return _verdicts[key]
    verdict = (
        "it does not exist" if info is None else (_file_problem(info) or _opening_problem(path))
    )
    if verdict is not None:
        log.warning("published copy %s cannot be used: %s", where, verdict)
    with _lock:
        _verdicts[key] = verdict
    return verdict


def _connection(path: Path) -> duckdb.DuckDBPyConnection:
    key = str(path.resolve())
    with _lock:
        con = _connections.get(key)
        if con is None:
            con = duckdb.connect(key, read_only=True)
            now = time.monotonic()
            for other in _connections:
                _superseded.setdefault(other, now)
            _connections[key] = con
        now = time.monotonic()
        for old, since in list(_superseded.items()):
            if old != key and now - since > GRACE_SECONDS:
                _connections.pop(old).close()
                del _superseded[old]
        return con


@dataclass(frozen=True)
class Warehouse:
    """One published file, resolved once for a page run."""

    path: Path
    # The copy `CURRENT` names, when it could not be used and this older one is served.
    unusable_newest: str | None = None

    @property
    def name(self) -> str:
        return self.path.name

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for the caller's thread, on the cached read-only connection."""
        try:
            cur = _connection(self.path).cursor()
        except duckdb.ConnectionException:
            # The cached connection was closed by a newer publication: open afresh.
            with _lock:
                _connections.pop(str(self.path.resolve()), None)
                _superseded.pop(str(self.path.resolve()), None)
            cur = _connection(self.path).cursor()
        # No replacement scans: a table missing from an older copy fails as missing instead
        # of being looked up among the caller's Python variables (the reconciliation page
        # found its own function named like the table it read). Per cursor: a setting in the
        # connection's config would refuse the other read-only connections to the file.
        cur.execute("SET python_enable_replacements = false")
        return cur


def current(folder: Path | None = None) -> Warehouse:
    """The newest published copy readers can use; raises WarehouseUnavailable before the first
    publication and NoGoodPublication when no published copy passes `problem`."""
    folder = folder or published_dir()
    newest, *older = candidate_files(folder)
    if problem(newest) is None:
        return Warehouse(newest)
    for path in older:
        if problem(path) is None:
            return Warehouse(path, unusable_newest=newest.name)
    raise NoGoodPublication(f"no usable published warehouse in {folder}")


def close_all() -> None:
    """Close every cached connection (tests and shutdown)."""
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()
        _superseded.clear()
        _verdicts.clear()
