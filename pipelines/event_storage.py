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
from contextlib import ExitStack, contextmanager

import sqlalchemy as sa
from dagster._core.storage.event_log.in_memory import InMemoryEventLogStorage
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
        # The open transaction of each database file while a thread stores a batch.
        self._batch: dict[str, sa.Connection] | None = None
        self._batch_stack: ExitStack | None = None
        self._batch_thread: int | None = None
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
        if self._batch_thread == threading.get_ident():  # None outside a batch
            yield self._batch_connection(shard)
            return
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def batched(self) -> Iterator[None]:
        """The events this thread stores in the block written in one transaction per database
        file (the run's and the index), committed at the end, rolled back on an error.
        Recording a finished run (pipelines/instance.py) stores its 560 events at once: three
        commits instead of about 1,300 (0.86 -> 0.73 s for a day's run)."""
        with self._db_lock, ExitStack() as stack:
            self._batch, self._batch_stack = {}, stack
            self._batch_thread = threading.get_ident()
            try:
                yield
            finally:
                self._batch = self._batch_stack = self._batch_thread = None

    def _batch_connection(self, shard: str) -> sa.Connection:
        assert self._batch is not None and self._batch_stack is not None
        if shard not in self._batch:
            conn = self._batch_stack.enter_context(self._engine(shard).connect())
            self._batch_stack.enter_context(conn.begin())
            self._batch[shard] = conn
        return self._batch[shard]

    def dispose(self) -> None:
        super().dispose()
        with self._db_lock, self._engines_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()


class HeldConnectionEventLogStorage(InMemoryEventLogStorage):
    """Dagster's in-memory event storage (of `DagsterInstance.ephemeral()`), on the one
    connection it holds. Dagster's opens a new connection to its in-memory database, and sets
    two pragmas, for each of the three to five statements that store an event; a daily run
    stores about 560 events and looks up asset records about 90 times (0.8 s of a 10M day).
    The lock serializes the statements as before."""

    @contextmanager
    def _connect(self) -> Iterator[sa.Connection]:
        with self._db_lock, self._held_conn.begin():
            yield self._held_conn
