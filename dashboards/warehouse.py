"""Finding and opening the published warehouse, read-only.

The pipeline publishes `warehouse-<n>.duckdb` files into a folder (env
`PARTNER_WAREHOUSE_PUBLISHED`, default `data/published`) and writes the newest file's
name into `CURRENT`. Readers resolve `CURRENT` once per page run and then do every query
of that run on the same file, so an answer is never a mix of two publications. One
read-only connection is cached per file name: a newly published file is opened on the
next page run without a restart, and a file no longer named by `CURRENT` is never used
for a new page run. Nothing here ever opens `data/warehouse.duckdb` (the pipeline's
working file, which it locks while it writes).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipelines.published import published_warehouse

PUBLISHED_ENV = "PARTNER_WAREHOUSE_PUBLISHED"
DEFAULT_PUBLISHED = "data/published"
# A connection to a file that is no longer the newest stays open this many seconds, so a
# page run that resolved it just before a publication finishes on it (closing a DuckDB
# connection closes its cursors too).
GRACE_SECONDS = 120.0


class WarehouseUnavailable(RuntimeError):
    """No published warehouse can be read (nothing published yet, or a bad CURRENT)."""


def published_dir() -> Path:
    return Path(os.environ.get(PUBLISHED_ENV, DEFAULT_PUBLISHED))


def current_file(folder: Path | None = None) -> Path:
    """The published file `CURRENT` names; raises WarehouseUnavailable if there is none."""
    folder = folder or published_dir()
    path = published_warehouse(folder)
    if path is None:
        # Also when CURRENT names anything but `warehouse-<n>.duckdb` inside the folder.
        raise WarehouseUnavailable(f"no published warehouse in {folder}")
    return path


_lock = threading.Lock()
_connections: dict[str, duckdb.DuckDBPyConnection] = {}
_superseded: dict[str, float] = {}


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

    @property
    def name(self) -> str:
        return self.path.name

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own for the caller's thread, on the cached read-only connection."""
        try:
            return _connection(self.path).cursor()
        except duckdb.ConnectionException:
            # The cached connection was closed by a newer publication: open afresh.
            with _lock:
                _connections.pop(str(self.path.resolve()), None)
                _superseded.pop(str(self.path.resolve()), None)
            return _connection(self.path).cursor()


def current(folder: Path | None = None) -> Warehouse:
    return Warehouse(current_file(folder))


def close_all() -> None:
    """Close every cached connection (tests and shutdown)."""
    with _lock:
        for con in _connections.values():
            con.close()
        _connections.clear()
        _superseded.clear()
