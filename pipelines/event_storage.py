"""Dagster's SQLite event storage, made cheap enough to record every CLI run.

Dagster's own `SqliteEventLogStorage` opens a new engine for every event it stores and syncs
every commit to disk. A run of this project stores about 600 events (materializations and
check results of every dbt model): that cost about 4 s of CPU and, on a busy disk, 20-30 s of
wall clock per run. This one keeps an engine (SQLAlchemy's pool) per database file and runs
SQLite's WAL journal (Dagster sets it) with `synchronous=NORMAL`: a commit is durable against
a crash of any process, and only a power cut may lose a run's last events (never the
warehouse, which is a separate file). Same files and schema as Dagster's: the webserver, the
daemon and `dagster` commands read them as usual (dagster.yaml names this class).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from dagster._core.storage.event_log.sqlite.sqlite_event_log import (
    INDEX_SHARD_NAME,
    SQLITE_BUSY_TIMEOUT_SECONDS,
    SqliteEventLogStorage,
)

# Engines kept open at once: the run being written and the index; the webserver reads many
# runs' files, and the least recently used engine is closed beyond this.
MAX_OPEN_SHARDS = 8


def _no_sync_per_commit(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


class PooledSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None) -> None:
        self._engines: OrderedDict[str, sa.Engine] = OrderedDict()
        self._engines_lock = threading.Lock()
        self._tables: set[str] = set()
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(cls, inst_data, config_value) -> PooledSqliteEventLogStorage:
        # Dagster's builds its own class by name, whatever the class configured.
        return cls(inst_data=inst_data, **config_value)

    def _engine(self, shard: str) -> sa.Engine:
        with self._engines_lock:
            return self._open_engine(shard)

    def _open_engine(self, shard: str) -> sa.Engine:
        engine = self._engines.get(shard)
        if engine is None:
            engine = sa.create_engine(
                self.conn_string_for_shard(shard),
                connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
            )
            sa.event.listen(engine, "connect", _no_sync_per_commit)
            if shard not in self._initialized_dbs:
                self._initdb(engine)
                self._initialized_dbs.add(shard)
            self._engines[shard] = engine
            while len(self._engines) > MAX_OPEN_SHARDS:
                self._engines.popitem(last=False)[1].dispose()
        self._engines.move_to_end(shard)
        return engine

    def has_table(self, table_name: str) -> bool:
        # Dagster's asks a new engine for every asset event; a table, once there, stays.
        if table_name not in self._tables:
            with self._engine(INDEX_SHARD_NAME).connect() as conn:
                if sa.inspect(conn).has_table(table_name):
                    self._tables.add(table_name)
        return table_name in self._tables

    @contextmanager
    def _connect(self, shard: str) -> Iterator[sa.Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock, self._engines_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()
