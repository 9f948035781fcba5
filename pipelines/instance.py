"""The persistent Dagster instance of a warehouse: `dagster/` beside the warehouse file
(`data/dagster` for `data/warehouse.duckdb`), or `$DAGSTER_HOME` when it is set.

`partner-warehouse run` records its runs there and `partner-warehouse serve` points the
Dagster webserver and daemon at it, so the UI shows the CLI's runs and materializations as
well as the schedule's, and a restart loses nothing."""

from __future__ import annotations

import json
import os
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import dagster as dg

INSTANCE_FOLDER = "dagster"
# Written once when the folder has none; an operator may edit it (e.g. to use Postgres).
DAGSTER_YAML = """\
# The Dagster instance of this warehouse, written by partner-warehouse (edit freely: it is
# never rewritten). Runs of `partner-warehouse run`, of the schedule and of the UI are stored
# in SQLite under storage/ beside this file; `partner-warehouse serve` reads them.
run_queue:
  # Every run writes the same DuckDB file: one at a time (the warehouse lock refuses a second).
  max_concurrent_runs: 1
telemetry:
  enabled: false
# Dagster's SQLite event storage, keeping its connections and without an fsync per event
# (pipelines/event_storage.py): a run stores about 600 events.
event_log_storage:
  module: pipelines.event_storage
  class: PooledSqliteEventLogStorage
  config:
    base_dir: {storage}
"""


def instance_home(warehouse_file: Path) -> Path:
    """Where the warehouse's Dagster instance lives: $DAGSTER_HOME, else `dagster/` beside the
    warehouse file (absolute)."""
    configured = os.environ.get("DAGSTER_HOME")
    if configured:
        return Path(configured).absolute()
    return warehouse_file.absolute().parent / INSTANCE_FOLDER


def prepared_home(home: Path) -> Path:
    """`home` with a dagster.yaml (written if missing)."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        storage = json.dumps(str(home.absolute() / "storage"))  # a YAML string, quoted
        config.write_text(DAGSTER_YAML.format(storage=storage), encoding="utf-8")
    return home


def persistent_instance(home: Path) -> dg.DagsterInstance:
    """The Dagster instance stored in `home` (created on first use)."""
    import dagster as dg

    return dg.DagsterInstance.from_config(str(prepared_home(home)))


def memory_instance() -> dg.DagsterInstance:
    """An instance in memory for one run: `DagsterInstance.ephemeral()`'s parts, with its event
    storage on one connection (pipelines/event_storage.py)."""
    from dagster._core.instance import DagsterInstance, InstanceType
    from dagster._core.launcher.sync_in_memory_run_launcher import SyncInMemoryRunLauncher
    from dagster._core.run_coordinator import DefaultRunCoordinator
    from dagster._core.storage.noop_compute_log_manager import NoOpComputeLogManager
    from dagster._core.storage.root import TemporaryLocalArtifactStorage
    from dagster._core.storage.runs import InMemoryRunStorage

    from pipelines.event_storage import HeldConnectionEventLogStorage

    return DagsterInstance(
        instance_type=InstanceType.EPHEMERAL,
        local_artifact_storage=TemporaryLocalArtifactStorage(),
        run_storage=InMemoryRunStorage(),
        event_storage=HeldConnectionEventLogStorage(),
        compute_log_manager=NoOpComputeLogManager(),
        run_coordinator=DefaultRunCoordinator(),
        run_launcher=SyncInMemoryRunLauncher(),
    )


def record_run(source: dg.DagsterInstance, run_id: str, home: Path) -> str | None:
    """Copy a finished run (its snapshots, its record and every event) from the in-memory
    instance it ran in into the persistent instance in `home`; None when done, else why not.

    A run executes in memory and is recorded after: an instance that cannot be written (a
    full disk, a file-size limit) then costs the record of the run, never the run itself."""
    try:
        target = persistent_instance(home)
    except Exception as exc:  # whatever storage says: the run stands without its record
        return first_line(exc)
    try:
        run = source.get_run_by_id(run_id)
        if run is None:
            return f"run {run_id} is unknown"
        target.add_snapshot(source.get_job_snapshot(str(run.job_snapshot_id)))
        target.add_snapshot(source.get_execution_plan_snapshot(str(run.execution_plan_snapshot_id)))
        target.add_run(run)
        with batched_events(target):
            for event in source.all_logs(run_id):
                target.handle_new_event(event)
    except Exception as exc:
        return first_line(exc)
    finally:
        target.dispose()
    return None


def batched_events(instance: dg.DagsterInstance) -> AbstractContextManager[None]:
    """The events stored in the block written at once when the instance's storage can
    (this project's own, named by the dagster.yaml it writes); one by one otherwise (an
    operator's Postgres, say)."""
    from pipelines.event_storage import PooledSqliteEventLogStorage

    storage = instance.event_log_storage
    return storage.batched() if isinstance(storage, PooledSqliteEventLogStorage) else nullcontext()


def first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
