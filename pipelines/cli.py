"""The pipeline's commands of `partner-warehouse`: run, rebuild, prepare, serve, what-if,
forecast (and, for now, generate and reliability)."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from contract.settings import ENGINES, Settings
from pipelines.ingest.read import excerpt
from pipelines.instance import instance_home, prepared_home, record_run
from pipelines.warehouse import (
    ALLOW_WITHDRAW_TAG,
    AS_OF_TAG,
    FULL_REFRESH_TAG,
    PUBLISH_MODES,
    Warehouse,
    WarehouseBusy,
    _WriterLock,
    looks_corrupt,
    today_in_shanghai,
    unwritable_folder,
)

# Files not loaded listed by the run summary; the rest are in audit.files_not_loaded.
NOT_LOADED_SHOWN = 5
# Room a run needs beside its working copy (and published copy, unless linked) for growth.
SPACE_MARGIN_BYTES = 64 << 20

if TYPE_CHECKING:
    import dagster as dg


@dataclass
class RunSummary:
    success: bool
    as_of: date
    partitions: list[str]
    published: Path | None = None
    error: str | None = None
    loads: list[tuple] = field(default_factory=list)  # source, files, landed, loaded, quarantined
    # Files whose rows this run withdrew: {"file", "reason" (removed/replaced), "rows"}.
    withdrawn: list[dict] = field(default_factory=list)
    not_loaded: list[tuple[str, str]] = field(default_factory=list)  # file, reason
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    rebuild: str = ""  # the command that rebuilds the warehouse from its landing files
    engine: str = "duckdb"
    # Wall-clock seconds per stage: "ingest" (every raw asset), "dbt" (the dbt step: on
    # Spark with the Parquet export and import), "publish".
    stage_seconds: dict[str, float] = field(default_factory=dict)
    # True when the run found nothing new to build (pipelines/dbt/assets.py, BuildInputs):
    # nothing was published, readers keep the current publication.
    unchanged: bool = False
    run_id: str = ""
    # The Dagster instance the run was recorded in, and why it could not be (empty: recorded).
    dagster_home: Path | None = None
    record_problem: str = ""

    def as_json(self) -> dict:
        return {
            "success": self.success,
            "engine": self.engine,
            "as_of": self.as_of.isoformat(),
            "partitions": len(self.partitions),
            "published": str(self.published) if self.published else None,
            "unchanged": self.unchanged,
            "error": self.error,
            "loads": [
                dict(zip(("source", "files", "landed", "loaded", "quarantined"), load, strict=True))
                for load in self.loads
            ],
            "withdrawn": self.withdrawn,
            "files_not_loaded": [
                {"file": file, "reason": reason} for file, reason in self.not_loaded
            ],
            "checks_passed": self.checks_passed,
            "checks_failed": self.checks_failed,
            "seconds": self.seconds,
            "stage_seconds": self.stage_seconds,
        }


def run_pipeline(
    warehouse: Warehouse,
    as_of: date,
    *,
    full_refresh: bool = False,
    engine: str | None = None,
    allow_withdraw: bool = False,
    dagster_home: Path | None = None,
) -> RunSummary:
    """Materialize every asset in one in-process Dagster run: ingestion of every drop date that
    landed (unchanged files are skipped), `dbt build` on the warehouse's engine (or `engine`:
    "duckdb" or "spark"), then commit and publish. The run is recorded in the Dagster instance
    stored in `dagster_home` (the one `serve` shows), else in $DAGSTER_HOME's, else in a
    temporary one."""
    import dagster as dg

    from pipelines.dbt.prepare import prepare_manifest

    started = time.monotonic()
    if engine is not None and engine != warehouse.engine:
        warehouse = Warehouse(
            path=warehouse.path,
            landing_dir=warehouse.landing_dir,
            published_dir=warehouse.published_dir,
            engine=engine,
            spark_dir=warehouse.spark_dir,
            publish_mode=warehouse.publish_mode,
        )
    prepare_manifest()
    # A run that builds nothing new, or a daily run that leaves out the tests reading all of
    # history, yields no result for some blocking dbt checks; Dagster logs each one as a
    # warning. That absence is by design (docs/RULES.md, "Incremental processing").
    logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)
    from pipelines.definitions import definitions  # after the manifest exists
    from pipelines.ingest.discover import landed_partitions

    partitions = landed_partitions(warehouse.landing_root)
    defs = definitions(warehouse)
    job = defs.resolve_implicit_global_asset_job_def()
    tags = {AS_OF_TAG: as_of.isoformat()}
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    if allow_withdraw:
        tags[ALLOW_WITHDRAW_TAG] = "true"
    if dagster_home is None and os.environ.get("DAGSTER_HOME"):
        dagster_home = Path(os.environ["DAGSTER_HOME"])
    # In memory first, recorded after: writing 600 events as they happen cost seconds, and an
    # instance that cannot be written must not fail the run.
    instance = dg.DagsterInstance.ephemeral()
    try:
        summary = _run_in(instance, job, tags, warehouse, as_of, partitions, started)
        if dagster_home is not None and summary.run_id:
            summary.record_problem = record_run(instance, summary.run_id, dagster_home) or ""
            summary.dagster_home = dagster_home
    finally:
        instance.dispose()
    summary.seconds = time.monotonic() - started
    return summary


def _run_in(
    instance: dg.DagsterInstance,
    job: dg.JobDefinition,
    tags: dict[str, str],
    warehouse: Warehouse,
    as_of: date,
    partitions: list[str],
    started: float,
) -> RunSummary:
    """Execute the job in `instance` and summarize what it did."""
    summary = RunSummary(
        success=False,
        as_of=as_of,
        partitions=partitions,
        rebuild=warehouse.rebuild_hint(),
        engine=warehouse.engine,
    )
    result = None
    try:
        result = job.execute_in_process(
            instance=instance,
            tags=tags,
            # A failed step ends the run; the summary carries its cause.
            raise_on_error=False,
            # The summary is printed at the end; Dagster's console says only what went wrong.
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
        )
        summary.success = result.success
        if not result.success:
            summary.error = failure_message(result)
    finally:
        run_id = result.run_id if result is not None else None
        if run_id:
            warehouse.end(run_id)  # drops the working file of a failed run, releases the lock
    if result is not None:
        summary.run_id = result.run_id
        summary.stage_seconds = stage_seconds(instance, result.run_id)
        for evaluation in result.get_asset_check_evaluations():
            if evaluation.passed:
                summary.checks_passed += 1
            else:
                summary.checks_failed.append(
                    f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
                )
        if summary.success:
            for event in result.get_asset_materialization_events():
                metadata = event.materialization.metadata
                if "published_file" in metadata:
                    summary.published = Path(str(metadata["published_file"].value))
                if "withdrawn" in metadata:
                    summary.withdrawn += list(metadata["withdrawn"].value)
            summary.unchanged = summary.published is None
    try:
        if warehouse.warehouse_file.exists():
            summary.loads = load_counts(warehouse.warehouse_file)
            summary.not_loaded = files_not_loaded(warehouse.warehouse_file)
    except duckdb.Error:
        pass  # a corrupt warehouse (or one from before the table): the run's error says so
    summary.seconds = time.monotonic() - started
    return summary


# Step keys by their first part: the ingest assets (raw, audit), the dbt assets, the publish
# asset.
STAGES = {"raw": "ingest", "audit": "ingest", "dbt_models": "dbt", "published": "publish"}


def stage_seconds(instance: dg.DagsterInstance, run_id: str) -> dict[str, float]:
    """Seconds of each stage of a run, its steps summed (in process: steps never overlap)."""
    totals: dict[str, float] = {}
    for stats in instance.get_run_step_stats(run_id):
        if stats.start_time is None or stats.end_time is None:
            continue
        stage = STAGES.get(stats.step_key.split("__")[0], stats.step_key)
        totals[stage] = totals.get(stage, 0.0) + stats.end_time - stats.start_time
    return {name: round(seconds, 2) for name, seconds in totals.items()}


def failure_message(result) -> str:
    """The first failed step and the innermost cause of its error (dbt's own message, say)."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data.error:
            error = event.step_failure_data.error
            while (error.cause or error.context) is not None:
                error = error.cause or error.context
            return f"step {event.step_key} failed: {error.message.strip()}"
    return "the run failed"


def load_counts(warehouse_file: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        return con.execute(
            """
            select source, count(*), sum(rows_landed), sum(rows_loaded), sum(rows_quarantined)
            from audit.load_log group by source order by source
            """
        ).fetchall()


def files_not_loaded(warehouse_file: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(warehouse_file), read_only=True) as con:
        return con.execute(
            "select file, reason from audit.files_not_loaded order by file"
        ).fetchall()


def device_of(path: Path) -> int:
    """The file system of `path`, or of its nearest existing parent."""
    existing = next(p for p in (path, *path.parents) if p.exists())
    return existing.stat().st_dev


def warehouse_problem(warehouse: Warehouse) -> str | None:
    """Why a run cannot start (an unwritable folder, too little space, a corrupt warehouse
    file), in one line naming the path; None when it can."""
    path = warehouse.warehouse_file
    folder = path.parent
    problem = unwritable_folder(path)
    if problem:
        return f"cannot write the warehouse at {path}: {problem}"
    try:
        probe = folder / f".{path.name}.write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return f"cannot write the warehouse at {path}: {exc.strerror or exc}"
    size = path.stat().st_size if path.exists() else 0
    # A published link on the same file system takes no space.
    linked = warehouse.publish_mode == "link" and device_of(folder) == device_of(
        warehouse.published_root
    )
    needed = (1 if linked else 2) * size + SPACE_MARGIN_BYTES
    free = shutil.disk_usage(folder).free
    if free < needed:
        copies = "a working copy" if linked else "a working copy and a published copy"
        return (
            f"not enough free space for the warehouse at {path}: {free >> 20} MiB free in "
            f"{folder}, a run needs about {needed >> 20} MiB ({copies}); free some space and "
            "run again"
        )
    if path.exists():
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                con.execute("select count(*) from duckdb_tables()").fetchall()
        except duckdb.Error as exc:
            if looks_corrupt(str(exc)):
                return str(warehouse.corrupt(exc))
    return None


def print_summary(summary: RunSummary) -> None:
    span = f"{summary.partitions[0]} .. {summary.partitions[-1]}" if summary.partitions else "none"
    print(
        f"as of {summary.as_of}  drop dates {span}  engine {summary.engine}  "
        f"({summary.seconds:.1f} s)"
    )
    if summary.stage_seconds:
        print("  ".join(f"{name} {secs:.1f} s" for name, secs in summary.stage_seconds.items()))
    if summary.loads:
        print(f"{'source':<20}{'files':>7}{'landed':>12}{'loaded':>12}{'quarantined':>13}")
        for source, files, landed, loaded, quarantined in summary.loads:
            print(f"{source:<20}{files:>7}{landed:>12,}{loaded:>12,}{quarantined:>13,}")
    for gone in summary.withdrawn:
        print(f"withdrawn ({gone['reason']}): {gone['file']}, {gone['rows']:,} rows")
    print_not_loaded(summary.not_loaded)
    print(f"checks passed: {summary.checks_passed}  failed: {len(summary.checks_failed)}")
    for name in summary.checks_failed:
        print(f"  failed check: {name}")
    if summary.record_problem:
        print(
            f"warning: the run is not recorded in the Dagster instance {summary.dagster_home}: "
            f"{summary.record_problem}",
            file=sys.stderr,
        )
    if summary.unchanged:
        print("nothing new since the last build: the warehouse and its publication are unchanged")
    elif summary.success:
        print(f"published: {summary.published}")
    else:
        print(f"RUN FAILED: {summary.error}", file=sys.stderr)
        print("The warehouse and its published copy are unchanged.", file=sys.stderr)
        if looks_corrupt(summary.error or "") and "rebuild" not in (summary.error or ""):
            print(f"Rebuild it from the landing files with: {summary.rebuild}", file=sys.stderr)


def print_not_loaded(not_loaded: list[tuple[str, str]]) -> None:
    """The count and the first few files not loaded (all are in audit.files_not_loaded)."""
    if not not_loaded:
        return
    print(f"files not loaded: {len(not_loaded)} (audit.files_not_loaded)")
    for file, reason in not_loaded[:NOT_LOADED_SHOWN]:
        # A file name may hold control characters: never print them to a terminal.
        print(f"  {excerpt(file, 80)}: {reason}")
    if len(not_loaded) > NOT_LOADED_SHOWN:
        print(f"  ... and {len(not_loaded) - NOT_LOADED_SHOWN} more")


def cmd_generate(args: argparse.Namespace) -> int:
    from pipelines.generate import generate_landing

    counts = generate_landing(
        Path(args.out),
        seed=args.seed,
        scale=args.scale,
        start=date.fromisoformat(args.start),
        days=args.days,
        bad_rows=not args.clean,
        rejected_events=not args.no_rejected_events,
        plain=args.plain,
    )
    for source, rows in counts.items():
        print(f"{source:<20}{rows:>12,}")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    from pipelines.dbt.prepare import prepare_manifest

    print(f"dbt manifest: {prepare_manifest(force=args.force)}")
    return 0


def warehouse_of(args: argparse.Namespace) -> Warehouse | None:
    """The warehouse the arguments name, or None (said on stderr) if its landing folder is
    missing."""
    warehouse = Warehouse(
        path=args.warehouse,
        landing_dir=args.landing,
        published_dir=args.published or "",
        engine=args.engine,
        spark_dir=args.spark_dir or "",
        publish_mode=args.publish,
    )
    if not warehouse.landing_root.is_dir():
        print(f"landing folder {warehouse.landing_root} does not exist", file=sys.stderr)
        return None
    return warehouse


def cmd_run(args: argparse.Namespace) -> int:
    warehouse = warehouse_of(args)
    if warehouse is None:
        return 2
    problem = warehouse_problem(warehouse)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    as_of = date.fromisoformat(args.as_of) if args.as_of else today_in_shanghai()
    summary = run_pipeline(
        warehouse,
        as_of,
        full_refresh=args.full_refresh,
        allow_withdraw=args.allow_withdraw,
        dagster_home=instance_home(warehouse.warehouse_file),
    )
    print_summary(summary)
    if args.json:
        Path(args.json).write_text(json.dumps(summary.as_json(), indent=2))
    return 0 if summary.success else 1


def set_aside(warehouse: Warehouse) -> Path | None:
    """Move the warehouse file aside as `<name>.corrupt-<UTC time>` (kept, never deleted),
    holding the writer lock so no run is using it; None if there was no file."""
    path = warehouse.warehouse_file
    _WriterLock.acquire(warehouse.lock_file, "rebuild")
    try:
        if not path.exists():
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        os.replace(path, aside)
        return aside
    finally:
        _WriterLock.release(warehouse.lock_file)


def cmd_rebuild(args: argparse.Namespace) -> int:
    """Rebuild the warehouse from the landing files alone (after a corrupt file, say)."""
    warehouse = warehouse_of(args)
    if warehouse is None:
        return 2
    try:
        aside = set_aside(warehouse)
    except WarehouseBusy as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if aside:
        print(f"moved {warehouse.warehouse_file} aside to {aside}")
    problem = warehouse_problem(warehouse)
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    as_of = date.fromisoformat(args.as_of) if args.as_of else today_in_shanghai()
    summary = run_pipeline(
        warehouse, as_of, full_refresh=True, dagster_home=instance_home(warehouse.warehouse_file)
    )
    print_summary(summary)
    return 0 if summary.success else 1


def cmd_reliability(args: argparse.Namespace) -> int:
    from pipelines.reliability import run_reliability

    return run_reliability(args.pytest_args)


ROOT = Path(__file__).resolve().parents[1]
# Seconds the processes of `serve` get to end after SIGTERM before they are killed.
STOP_GRACE_SECONDS = 20.0


def serve_commands(args: argparse.Namespace) -> list[list[str]]:
    """The processes of `serve`: Streamlit, and (unless --no-dagster) the Dagster webserver and
    the daemon that runs the schedule, both on the warehouse's instance."""
    bin_dir = Path(sys.executable).parent
    commands = [
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboards" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(args.port),
            "--server.address",
            "127.0.0.1",
            # Analysts get no "Deploy" button nor developer menu (also in .streamlit/config.toml).
            "--client.toolbarMode",
            "viewer",
            "--browser.gatherUsageStats",
            "false",
        ]
    ]
    if not args.no_dagster:
        workspace = str(ROOT / "workspace.yaml")
        commands.append(
            [
                str(bin_dir / "dagster-webserver"),
                "-w",
                workspace,
                "-h",
                "127.0.0.1",
                "-p",
                str(args.dagster_port),
            ]
        )
        commands.append([str(bin_dir / "dagster-daemon"), "run", "-w", workspace])
    return commands


def serve_environment(args: argparse.Namespace) -> dict[str, str]:
    """The files every process of `serve` works on, as absolute paths, and the instance."""
    warehouse_file = Path(args.warehouse).absolute()
    return {
        **os.environ,
        "PARTNER_WAREHOUSE_PUBLISHED": str(Path(args.published).absolute()),
        "PARTNER_WAREHOUSE_FILE": str(warehouse_file),
        "PARTNER_WAREHOUSE_LANDING": str(Path(args.landing).absolute()),
        "DAGSTER_HOME": str(prepared_home(instance_home(warehouse_file))),
    }


def stop_process_groups(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to each process group, SIGKILL to what is left after the grace period: every
    process `serve` started and whatever they started (code servers, run workers)."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes:
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def cmd_serve(args: argparse.Namespace) -> int:
    """The dashboards, the Dagster UI and the daemon on localhost, until SIGTERM or Ctrl-C,
    which stop every process this command started."""
    env = serve_environment(args)
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        stop.set()

    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {signum: signal.signal(signum, request_stop) for signum in handled}
    # Each process leads a process group of its own: stopping a group stops its children too,
    # and Ctrl-C in the terminal reaches this process only, which then stops them in order.
    processes = [
        subprocess.Popen(command, env=env, cwd=ROOT, process_group=0)
        for command in serve_commands(args)
    ]
    print(f"dashboards: http://127.0.0.1:{args.port}")
    if not args.no_dagster:
        print(f"dagster UI: http://127.0.0.1:{args.dagster_port} (instance {env['DAGSTER_HOME']})")
    code = 0
    try:
        while not stop.wait(0.5):
            ended = next((p for p in processes if p.poll() is not None), None)
            if ended is not None:
                print(
                    f"serve: {Path(ended.args[0]).name} {' '.join(ended.args[1:3])} exited "
                    f"with code {ended.returncode}; stopping the others",
                    file=sys.stderr,
                )
                code = 1
                break
    finally:
        stop_process_groups(processes)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return code


def published_connection(path: str) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to the warehouse file `path` (a published copy, or a folder of
    published copies: the one `CURRENT` names); None, said on stderr, when it cannot be read."""
    from contract.published import published_warehouse

    target = Path(path)
    if target.is_dir():
        target = published_warehouse(target) or target / "CURRENT"
    if not target.is_file():
        print(f"error: no warehouse file at {target}", file=sys.stderr)
        return None
    try:
        con = duckdb.connect(str(target), read_only=True)
        con.execute("select as_of_date from marts.publication").fetchall()
    except duckdb.Error as exc:
        print(
            f"error: cannot read the warehouse {target}: {excerpt(str(exc), 200)}", file=sys.stderr
        )
        return None
    return con


def cmd_what_if(args: argparse.Namespace) -> int:
    """Actual and scenario incentive per settlement partner and billing period, as CSV."""
    from pipelines.what_if import ScenarioError, scenario_from_file, what_if

    try:
        policies = scenario_from_file(Path(args.policies))
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    con = published_connection(args.warehouse)
    if con is None:
        return 2
    with con:
        what_if(con, policies).write_csv(sys.stdout)
    return 0


def cmd_forecast(args: argparse.Namespace) -> int:
    """The open billing period's incentive and the next's, forecast per settlement partner."""
    from pipelines.forecast import published_forecast

    con = published_connection(args.warehouse)
    if con is None:
        return 2
    with con:
        published_forecast(con).write_csv(sys.stdout, float_precision=2)
    return 0


def engine_arguments(command: argparse.ArgumentParser, settings: Settings) -> None:
    command.add_argument(
        "--engine",
        choices=ENGINES,
        default=settings.engine,
        help="engine of the dbt models (spark: needs the `spark` extra and Java 17)",
    )
    command.add_argument(
        "--spark-dir",
        default=settings.spark_dir or None,
        help="Spark's tables and lake (default: spark/ beside the warehouse)",
    )
    command.add_argument(
        "--publish",
        choices=PUBLISH_MODES,
        default=settings.publish_mode,
        help="copy: readers get a file of their own (default); link: a hard link to the "
        "warehouse file, no extra disk space or copy time (README, 'Runs, crashes and readers')",
    )


def add_commands(sub: argparse._SubParsersAction, settings: Settings) -> None:
    """The pipeline's commands; the defaults of their options are the environment's
    (contract.settings), as for the Dagster UI."""
    gen = sub.add_parser("generate", help="write deterministic sample landing files")
    gen.add_argument("--out", default=settings.landing_dir)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.add_argument("--start", default="2026-06-01")
    gen.add_argument("--days", type=int, default=175)
    gen.add_argument("--clean", action="store_true", help="write no deliberately bad rows")
    gen.add_argument(
        "--no-rejected-events",
        action="store_true",
        help="leave out the scripted association events the rules reject",
    )
    gen.add_argument(
        "--plain", action="store_true", help="every text source as UTF-8 CSV, English headers"
    )
    gen.set_defaults(func=cmd_generate)

    prep = sub.add_parser("prepare", help="parse the dbt project into its manifest")
    prep.add_argument("--force", action="store_true")
    prep.set_defaults(func=cmd_prepare)

    run = sub.add_parser("run", help="materialize every asset into the warehouse and publish it")
    run.add_argument("--landing", default=settings.landing_dir)
    run.add_argument("--warehouse", default=settings.warehouse_file)
    run.add_argument(
        "--published",
        default=settings.published_dir or None,
        help="default: published/ beside the warehouse",
    )
    run.add_argument(
        "--as-of", default=None, help="business date YYYY-MM-DD (default: today, Asia/Shanghai)"
    )
    run.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    run.add_argument(
        "--allow-withdraw",
        action="store_true",
        help="withdraw the files missing from the landing folder even when most loaded files "
        "are (by default such a run refuses: an unmounted or emptied folder looks the same)",
    )
    run.add_argument("--json", default=None, help="also write the run's summary to this file")
    engine_arguments(run, settings)
    run.set_defaults(func=cmd_run)

    rebuild = sub.add_parser(
        "rebuild",
        help="move the warehouse file aside and rebuild it from the landing files (full refresh)",
    )
    rebuild.add_argument("--landing", default=settings.landing_dir)
    rebuild.add_argument("--warehouse", default=settings.warehouse_file)
    rebuild.add_argument("--published", default=settings.published_dir or None)
    rebuild.add_argument("--as-of", default=None, help="business date YYYY-MM-DD")
    engine_arguments(rebuild, settings)
    rebuild.set_defaults(func=cmd_rebuild)

    reliability = sub.add_parser(
        "reliability",
        help="run the reliability tests (bad input, faults, readers, security) and print what "
        "they tried and survived; extra arguments after -- go to pytest",
    )
    reliability.add_argument("pytest_args", nargs="*")
    reliability.set_defaults(func=cmd_reliability)

    serve = sub.add_parser(
        "serve", help="serve the dashboards, the Dagster UI and the daemon (daily schedule)"
    )
    serve.add_argument(
        "--published",
        default=str(settings.published_root),
        help="default: $PARTNER_WAREHOUSE_PUBLISHED, else published/ beside "
        "$PARTNER_WAREHOUSE_FILE",
    )
    serve.add_argument(
        "--warehouse",
        default=settings.warehouse_file,
        help="the warehouse the schedule runs (its Dagster instance: dagster/ beside it)",
    )
    serve.add_argument("--landing", default=settings.landing_dir)
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--dagster-port", type=int, default=3000)
    serve.add_argument("--no-dagster", action="store_true")
    serve.set_defaults(func=cmd_serve)

    what = sub.add_parser(
        "what-if",
        help="incentive per settlement partner and billing period under a scenario policy "
        "library, beside the actual figures (CSV on stdout; nothing is written)",
    )
    what.add_argument(
        "--warehouse",
        default=str(settings.published_root),
        help="a published warehouse file, or a published folder (its CURRENT copy)",
    )
    what.add_argument(
        "--policies",
        required=True,
        help="scenario policy file in the incentive_policies landing format (CSV); it replaces "
        "the whole library",
    )
    what.set_defaults(func=cmd_what_if)

    fore = sub.add_parser(
        "forecast",
        help="the open billing period's incentive and the next's, forecast per settlement "
        "partner with an 80%% interval (CSV on stdout; docs/RULES.md, 'Forecast')",
    )
    fore.add_argument(
        "--warehouse",
        default=str(settings.published_root),
        help="a published warehouse file, or a published folder (its CURRENT copy)",
    )
    fore.set_defaults(func=cmd_forecast)


def parser(settings: Settings) -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="partner-warehouse", description=__doc__)
    add_commands(top.add_subparsers(dest="command", required=True), settings)
    return top


def main(argv: list[str] | None = None) -> int:
    """The pipeline's commands alone (`python -m pipelines.cli`); the installed command
    `partner-warehouse` adds the others (partner_warehouse/cli.py)."""
    args = parser(Settings.from_env()).parse_args(sys.argv[1:] if argv is None else argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
