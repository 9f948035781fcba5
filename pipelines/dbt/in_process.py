"""dbt in the run's own process, on the manifest prepared ahead (`partner-warehouse prepare`).

dagster-dbt runs every dbt command in a subprocess: a new interpreter imports dbt (about 1.5 s)
and parses the project (a partial parse: the files that read the as-of date or the run id
change every day, 1.3-2.4 s), for a daily build whose models take about 5 s on the hand-made
set. dbt's programmatic `dbtRunner` given a manifest parses nothing, and this process has
imported dbt already (dagster-dbt does). Its events reach dagster-dbt as the subprocess's JSON
lines did (the same dictionaries), so the assets' materializations and check results are the
same.

What differs from the subprocess, and why it holds:
- the prepared manifest was parsed with other environment variables. Models read the as-of
  date, the run and the batch (`env_var` in macros) in their SQL, which dbt renders when it
  compiles a node, in this process, with this run's variables; no config reads one. The
  profile is rendered by each invocation. Only the database name is fixed at parse time
  (dbt-duckdb names the catalog after the file): `retargeted` renames it.
- DuckDB runs in this process: its memory limit is the profile's as before, and the
  connection dbt leaves open is closed after each command (`closed_dbt_connections`), so that
  the run can open, rename and publish the file.
- dbt's global state (flags, adapters, event callbacks) is per invocation; one invocation runs
  at a time (Dagster runs this project's steps one at a time in process; a run holds the
  warehouse lock).

Spark keeps the subprocess: a SparkSession (a JVM) does not belong in the run's process.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dagster_dbt.core.dbt_cli_invocation import PARTIAL_PARSE_FILE_NAME, DbtCliInvocation

if TYPE_CHECKING:
    from dbt.contracts.graph.manifest import Manifest

# dbt's console at the subprocess's level: dagster-dbt reads the result events (info level);
# dbt's debug events (every SQL statement) go to the invocation's dbt.log only.
STREAMED_LEVELS = frozenset({"info", "warn", "error"})


def prepared_manifest(target: Path, newest_source_mtime: float, database: str) -> Manifest | None:
    """dbt's full manifest from the last parse of the project (`partial_parse.msgpack` in the
    project's target folder), its relations in `database`; None when there is none, it is older
    than a file of the project, was parsed for another adapter or by another dbt, or this dbt
    cannot read it (dbt then parses, as before).

    manifest.json, which Dagster reads, is not enough: it leaves out what dbt keeps for itself
    (the generic tests' arguments, among others)."""
    from dbt.contracts.graph.manifest import Manifest
    from dbt.parser.manifest import extended_mashumuro_decoder
    from dbt.version import __version__

    path = target / PARTIAL_PARSE_FILE_NAME
    try:
        if path.stat().st_mtime < newest_source_mtime:
            return None
        manifest = Manifest.from_msgpack(path.read_bytes(), decoder=extended_mashumuro_decoder)
    except Exception:  # missing, unreadable, or another dbt's format: parse instead
        return None
    if (manifest.metadata.adapter_type, manifest.metadata.dbt_version) != ("duckdb", __version__):
        return None  # parsed for Spark, or by another dbt
    retargeted(manifest, database)
    manifest.build_flat_graph()  # what dbt's parse does last (the `graph` of the models)
    return manifest


def retargeted(manifest: Manifest, database: str) -> None:
    """Put every relation of `manifest` in `database`. dbt-duckdb's catalog is the name of the
    file the profile opens (`warehouse` for warehouse.duckdb.run-in-progress, `parse` for the
    file `dbt parse` names), and parsing writes it into each node and source and their
    relation names, quoted first: `"parse"."marts"."incentive_details"`."""
    nodes = [*manifest.nodes.values(), *manifest.sources.values()]
    parsed = {node.database for node in nodes if getattr(node, "database", None)}
    for old in parsed - {database}:
        prefix = f'"{old}".'
        for node in nodes:
            if node.database == old:
                node.database = database
            name = getattr(node, "relation_name", None)
            if name and name.startswith(prefix):
                node.relation_name = f'"{database}".' + name[len(prefix) :]


def dbt_database(warehouse_file: Path) -> str:
    """The catalog name dbt-duckdb gives the file (the profile's `path`)."""
    from dbt.adapters.duckdb.credentials import DuckDBCredentials

    return DuckDBCredentials.path_derived_database_name(str(warehouse_file))


class _Finished:
    """The end of an invocation's events."""


@dataclass
class _DbtThread:
    """dbt's command on a thread of this process; its events in a queue as dictionaries (the
    subprocess's JSON lines), so that Dagster handles each as it comes, as before. Quacks as
    much of `subprocess.Popen` as DbtCliInvocation uses."""

    args: list[str]
    manifest: Manifest | None
    target_path: Path
    events: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    returncode: int | None = None
    exception: BaseException | None = None
    stdout: None = None  # DbtCliInvocation checks it before reading a subprocess
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="dbt", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_dict

        def forward(message: Any) -> None:
            if message.info.level in STREAMED_LEVELS:
                self.events.put(msg_to_dict(message))

        try:
            result = dbtRunner(manifest=self.manifest, callbacks=[forward]).invoke(self.args)
            if hasattr(result.result, "write"):
                # run_results.json (seconds per node), without the manifest.json that dbt
                # writes beside it (--no-write-json): 0.4 s a run, read by nobody
                result.result.write(str(self.target_path / "run_results.json"))
            self.exception = result.exception
            # dbt's exit codes: 1 when a node failed, 2 when dbt itself did
            self.returncode = 0 if result.success else 2 if result.exception else 1
        except BaseException as exc:  # a crash of the thread must end the stream
            self.exception = exc
            self.returncode = 2
        finally:
            closed_dbt_connections()
            self.events.put(_Finished())

    def wait(self, timeout: float | None = None) -> int:
        if self._thread is not None:
            self._thread.join(timeout)
        return self.returncode if self.returncode is not None else 2


def closed_dbt_connections() -> None:
    """Close what dbt leaves open after a command: its adapters' connections and dbt-duckdb's
    DuckDB instance, which it keeps for the next command of a process (an open instance keeps
    the working file open, and a read-only connection to the same file is then refused)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    from dbt.adapters.factory import cleanup_connections, reset_adapters

    cleanup_connections()
    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()
    reset_adapters()


@dataclass
class InProcessDbtInvocation(DbtCliInvocation):
    """A DbtCliInvocation whose dbt runs on a thread of this process: `stream()`, `wait()`,
    `get_error()` as dagster-dbt's."""

    @classmethod
    def start(
        cls,
        args: Sequence[str],
        dbt_manifest: Manifest | None,
        **invocation: Any,
    ) -> InProcessDbtInvocation:
        thread = _DbtThread(
            args=list(args), manifest=dbt_manifest, target_path=invocation["target_path"]
        )
        invocation_ = cls(process=thread, **invocation)  # type: ignore[arg-type]
        thread.start()
        return invocation_

    @property
    def dbt_command(self) -> str:
        return " ".join(["dbt", *self.process.args])

    def _stream_stdout(self) -> Iterator[str | dict[str, Any]]:
        thread: _DbtThread = self.process  # type: ignore[assignment]
        if thread.returncode is not None and thread.events.empty():
            return  # streamed already (is_successful reads the stream again)
        while not isinstance(event := thread.events.get(), _Finished):
            if event.get("info", {}).get("level") == "error":
                self._error_messages.append(event["info"]["msg"])
            yield event
        thread.wait()
        if thread.exception is not None and not self._error_messages:
            self._error_messages.append(f"{type(thread.exception).__name__}: {thread.exception}")


def in_process_args(
    args: Sequence[str],
    *,
    project_dir: Path,
    profiles_dir: Path,
    target_path: Path,
    extra: Mapping[str, str] | None = None,
) -> list[str]:
    """dbt's arguments for `args` as dagster-dbt's subprocess gets them through its
    environment (DBT_TARGET_PATH, DBT_LOG_PATH, DBT_LOG_FORMAT, no usage statistics)."""
    flags = [
        "--project-dir",
        str(project_dir),
        "--profiles-dir",
        str(profiles_dir),
        "--target-path",
        str(target_path),
        "--log-path",
        str(target_path),
        "--log-format",
        "json",
        # this process's console: dagster-dbt prints the events it streams, as before
        "--log-level",
        "none",
        "--log-level-file",
        "debug",
        "--no-send-anonymous-usage-stats",
        "--no-write-json",
    ]
    for name, value in (extra or {}).items():
        flags += [name, value]
    return [*args, *flags]
