"""`partner-warehouse`: generate sample data, run the pipeline, serve the dashboards."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.warehouse import AS_OF_TAG, FULL_REFRESH_TAG, Warehouse, today_in_shanghai

if TYPE_CHECKING:
    import dagster as dg

PARTITION_RANGE_START = "dagster/asset_partition_range_start"
PARTITION_RANGE_END = "dagster/asset_partition_range_end"


@dataclass
class RunSummary:
    success: bool
    as_of: date
    partitions: list[str]
    published: Path | None = None
    error: str | None = None
    loads: list[tuple] = field(default_factory=list)  # source, files, landed, loaded, quarantined
    checks_passed: int = 0
    checks_failed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    engine: str = "duckdb"
    # Wall-clock seconds per stage: "ingest" (every raw asset), "dbt" (the dbt step: on
    # Spark with the Parquet export and import), "publish".
    stage_seconds: dict[str, float] = field(default_factory=dict)


def run_pipeline(
    warehouse: Warehouse,
    as_of: date,
    *,
    full_refresh: bool = False,
    engine: str | None = None,
) -> RunSummary:
    """Materialize every asset in one in-process Dagster run: ingestion of every drop date that
    landed (unchanged files are skipped), `dbt build` on the warehouse's engine (or `engine`:
    "duckdb" or "spark"), then commit and publish."""
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
        )
    prepare_manifest()
    from pipelines.definitions import definitions  # after the manifest exists
    from pipelines.ingest.load import landed_partitions

    partitions = landed_partitions(warehouse.landing_root)
    defs = definitions(warehouse)
    job = defs.resolve_implicit_global_asset_job_def()
    tags = {AS_OF_TAG: as_of.isoformat()}
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    selection = None
    if partitions:
        tags[PARTITION_RANGE_START] = partitions[0]
        tags[PARTITION_RANGE_END] = partitions[-1]
    else:
        # Nothing landed: the raw tables are created empty and the models still build.
        selection = [k for k in job.asset_layer.executable_asset_keys if k.path[0] != "raw"]
    instance = (
        dg.DagsterInstance.get()
        if os.environ.get("DAGSTER_HOME")
        else dg.DagsterInstance.ephemeral()
    )
    summary = RunSummary(success=False, as_of=as_of, partitions=partitions, engine=warehouse.engine)
    result = None
    try:
        result = job.execute_in_process(
            instance=instance,
            tags=tags,
            # A failed step ends the run; the summary carries its cause.
            raise_on_error=False,
            asset_selection=selection,
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
    summary.loads = (
        load_counts(warehouse.warehouse_file) if warehouse.warehouse_file.exists() else []
    )
    summary.seconds = time.monotonic() - started
    return summary


# Step keys by their first part: the raw assets, the dbt assets, the publish asset.
STAGES = {"raw": "ingest", "dbt_models": "dbt", "published": "publish"}


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
    print(f"checks passed: {summary.checks_passed}  failed: {len(summary.checks_failed)}")
    for name in summary.checks_failed:
        print(f"  failed check: {name}")
    if summary.success:
        print(f"published: {summary.published}")
    else:
        print(f"RUN FAILED: {summary.error}", file=sys.stderr)
        print("The warehouse and its published copy are unchanged.", file=sys.stderr)


def cmd_generate(args: argparse.Namespace) -> int:
    from pipelines.generate import generate_landing

    counts = generate_landing(
        Path(args.out),
        seed=args.seed,
        scale=args.scale,
        start=date.fromisoformat(args.start),
        days=args.days,
        bad_rows=not args.clean,
    )
    for source, rows in counts.items():
        print(f"{source:<20}{rows:>12,}")
    return 0


def cmd_prepare(args: argparse.Namespace) -> int:
    from pipelines.dbt.prepare import prepare_manifest

    print(f"dbt manifest: {prepare_manifest(force=args.force)}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    warehouse = Warehouse(
        path=args.warehouse,
        landing_dir=args.landing,
        published_dir=args.published or "",
        engine=args.engine,
        spark_dir=args.spark_dir or "",
    )
    if not warehouse.landing_root.is_dir():
        print(f"landing folder {warehouse.landing_root} does not exist", file=sys.stderr)
        return 2
    as_of = date.fromisoformat(args.as_of) if args.as_of else today_in_shanghai()
    summary = run_pipeline(warehouse, as_of, full_refresh=args.full_refresh)
    print_summary(summary)
    return 0 if summary.success else 1


def cmd_serve(args: argparse.Namespace) -> int:
    """The dashboards and the Dagster UI on localhost, until interrupted."""
    env = {**os.environ, "PARTNER_WAREHOUSE_PUBLISHED": str(Path(args.published).resolve())}
    app = Path(__file__).resolve().parents[1] / "dashboards" / "app.py"
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(app),
                "--server.headless",
                "true",
                "--server.port",
                str(args.port),
                "--server.address",
                "127.0.0.1",
            ],
            env=env,
        )
    ]
    if not args.no_dagster:
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "dagster",
                    "dev",
                    "-w",
                    "workspace.yaml",
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(args.dagster_port),
                ],
                env=env,
            )
        )
    print(f"dashboards: http://127.0.0.1:{args.port}")
    if not args.no_dagster:
        print(f"dagster UI: http://127.0.0.1:{args.dagster_port}")
    try:
        for process in processes:
            process.wait()
    except KeyboardInterrupt:
        for process in processes:
            process.terminate()
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="partner-warehouse", description=__doc__)
    sub = top.add_subparsers(dest="command", required=True)

    gen = sub.add_parser("generate", help="write deterministic sample landing files")
    gen.add_argument("--out", default="data/landing")
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.add_argument("--start", default="2026-06-01")
    gen.add_argument("--days", type=int, default=175)
    gen.add_argument("--clean", action="store_true", help="write no deliberately bad rows")
    gen.set_defaults(func=cmd_generate)

    prep = sub.add_parser("prepare", help="parse the dbt project into its manifest")
    prep.add_argument("--force", action="store_true")
    prep.set_defaults(func=cmd_prepare)

    run = sub.add_parser("run", help="materialize every asset into the warehouse and publish it")
    run.add_argument("--landing", default="data/landing")
    run.add_argument("--warehouse", default="data/warehouse.duckdb")
    run.add_argument("--published", default=None, help="default: published/ beside the warehouse")
    run.add_argument(
        "--as-of", default=None, help="business date YYYY-MM-DD (default: today, Asia/Shanghai)"
    )
    run.add_argument("--full-refresh", action="store_true", help="rebuild incremental models")
    run.add_argument(
        "--engine",
        choices=["duckdb", "spark"],
        default=os.environ.get("PARTNER_WAREHOUSE_ENGINE", "duckdb"),
        help="engine of the dbt models (spark: needs the `spark` extra and Java 17)",
    )
    run.add_argument(
        "--spark-dir",
        default=None,
        help="Spark's tables and lake (default: spark/ beside the warehouse)",
    )
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="serve the dashboards and the Dagster UI")
    serve.add_argument("--published", default="data/published")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--dagster-port", type=int, default=3000)
    serve.add_argument("--no-dagster", action="store_true")
    serve.set_defaults(func=cmd_serve)

    # Handled in `main`: listed here for --help.
    sub.add_parser(
        "users", help="manage dashboard users: users [--file F] add|remove|list|demo ..."
    )
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["users"]:
        # Everything after `users` belongs to its own parser (options included).
        from dashboards.users import main as users_main

        return users_main(argv[1:])
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
