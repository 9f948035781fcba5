"""The pipeline's commands of `partner-warehouse`: prepare, run, rebuild, serve, what-if,
forecast."""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import NoReturn

import duckdb

from contract.settings import ENGINES, PUBLISH_MODES, Settings
from pipelines.engine import Engine
from pipelines.ingest.read import excerpt
from pipelines.instance import instance_home
from pipelines.preflight import set_aside, warehouse_problem
from pipelines.run import RunSummary, run_pipeline
from pipelines.serve import serve_until_stopped
from pipelines.warehouse import Warehouse, WarehouseBusy, looks_corrupt, today_in_shanghai

# The garbage collector's thresholds in a command's process. Python's (700, 10, 10) walk the
# objects Dagster and dbt load again and again: 1.2 s of collections in a daily run at 10M
# rows, 0.4 s at these.
COLLECTION_THRESHOLDS = (50_000, 20, 20)

# Files not loaded listed by the run summary; the rest are in audit.files_not_loaded.
NOT_LOADED_SHOWN = 5


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


def cmd_prepare(args: argparse.Namespace) -> int:
    """dbt's raw sources from the landing schemas, then the manifest from the project."""
    from pipelines.dbt.prepare import prepare_manifest
    from pipelines.raw_sources import SOURCES_YML, refresh_sources_yml

    if refresh_sources_yml():
        print(f"dbt raw sources rewritten from the landing schemas: {SOURCES_YML}")
    print(f"dbt manifest: {prepare_manifest(force=args.force)}")
    return 0


def warehouse_of(args: argparse.Namespace) -> Warehouse | None:
    """The warehouse the arguments name, or None (said on stderr) if its landing folder is
    missing."""
    warehouse = Warehouse(
        path=args.warehouse,
        landing_dir=args.landing,
        published_dir=args.published or "",
        publish_mode=args.publish,
    )
    if not warehouse.landing_root.is_dir():
        print(f"landing folder {warehouse.landing_root} does not exist", file=sys.stderr)
        return None
    return warehouse


def engine_of(args: argparse.Namespace) -> Engine:
    """The settings' engine, with the engine and Spark folder the command line names."""
    settings = replace(Settings.from_env(), engine=args.engine, spark_dir=args.spark_dir or "")
    return Engine.from_settings(settings)


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
        engine=engine_of(args),
        allow_withdraw=args.allow_withdraw,
        dagster_home=instance_home(warehouse.warehouse_file),
    )
    print_summary(summary)
    if args.json:
        Path(args.json).write_text(json.dumps(summary.as_json(), indent=2))
    return 0 if summary.success else 1


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
        warehouse,
        as_of,
        full_refresh=True,
        engine=engine_of(args),
        dagster_home=instance_home(warehouse.warehouse_file),
    )
    print_summary(summary)
    return 0 if summary.success else 1


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
    prep = sub.add_parser(
        "prepare",
        help="write dbt's raw sources from the landing schemas and parse the dbt project into "
        "its manifest",
    )
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
    serve.set_defaults(func=serve_until_stopped)

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


def as_process(main: Callable[[], int]) -> NoReturn:
    """Run a command's `main` as the whole life of this process, then exit with its code
    (`python -m pipelines.cli`, the installed `partner-warehouse`). The collector's settings
    are the process's, so they are set here and not in `main`, which the tests call in
    theirs: a command allocates a few million objects (Dagster, dbt, their manifests) that
    mostly live until it ends, and the last collection at exit would walk them all (0.6-1 s)
    to free memory the exit frees anyway."""
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    code = main()
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    as_process(main)
