"""One run of the pipeline from Python (`partner-warehouse run`, the tests, the benchmark):
every asset materialized in one in-process Dagster run, and what it did."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from pipelines.engine import Engine
from pipelines.instance import memory_instance, record_run
from pipelines.warehouse import ALLOW_WITHDRAW_TAG, AS_OF_TAG, FULL_REFRESH_TAG, Warehouse

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
    engine: Engine | None = None,
    allow_withdraw: bool = False,
    dagster_home: Path | None = None,
) -> RunSummary:
    """Materialize every asset in one in-process Dagster run: ingestion of every drop date that
    landed (unchanged files are skipped), `dbt build` on `engine` (default DuckDB), then commit
    and publish. The run is recorded in the Dagster instance stored in `dagster_home` (the one
    `serve` shows), else in $DAGSTER_HOME's, else in a temporary one."""
    started = time.monotonic()
    engine = engine or Engine()
    job = asset_job(warehouse, engine)
    from pipelines.ingest.discover import landed_partitions

    partitions = landed_partitions(warehouse.landing_root)
    tags = run_tags(as_of, full_refresh=full_refresh, allow_withdraw=allow_withdraw)
    home = dagster_home or instance_from_environment()
    # In memory first, recorded after: writing 600 events as they happen cost seconds, and an
    # instance that cannot be written must not fail the run.
    instance = memory_instance()
    try:
        summary = _run_in(instance, job, tags, warehouse, engine, as_of, partitions, started)
        if home is not None and summary.run_id:
            summary.record_problem = record_run(instance, summary.run_id, home) or ""
            summary.dagster_home = home
    finally:
        instance.dispose()
    summary.seconds = time.monotonic() - started
    return summary


def asset_job(warehouse: Warehouse, engine: Engine) -> dg.JobDefinition:
    """The job of every asset on these resources, from a manifest parsed first if needed."""
    from pipelines.dbt.prepare import prepare_manifest

    prepare_manifest()
    # A run that builds nothing new, or a daily run that leaves out the tests reading all of
    # history, yields no result for some blocking dbt checks; Dagster logs each one as a
    # warning. That absence is by design (docs/RULES.md, "Incremental processing").
    logging.getLogger("dagster._core.execution.plan.active").setLevel(logging.ERROR)
    from pipelines.definitions import definitions  # after the manifest exists

    return definitions(warehouse, engine).resolve_implicit_global_asset_job_def()


def run_tags(as_of: date, *, full_refresh: bool, allow_withdraw: bool) -> dict[str, str]:
    tags = {AS_OF_TAG: as_of.isoformat()}
    if full_refresh:
        tags[FULL_REFRESH_TAG] = "true"
    if allow_withdraw:
        tags[ALLOW_WITHDRAW_TAG] = "true"
    return tags


def instance_from_environment() -> Path | None:
    """$DAGSTER_HOME, Dagster's own variable, when set."""
    home = os.environ.get("DAGSTER_HOME")
    return Path(home) if home else None


def _run_in(
    instance: dg.DagsterInstance,
    job: dg.JobDefinition,
    tags: dict[str, str],
    warehouse: Warehouse,
    engine: Engine,
    as_of: date,
    partitions: list[str],
    started: float,
) -> RunSummary:
    """Execute the job in `instance` and summarize what it did. The warehouse resource ends
    the run itself (drops the working file of a failed run, releases the lock)."""
    summary = RunSummary(
        success=False,
        as_of=as_of,
        partitions=partitions,
        rebuild=warehouse.rebuild_hint(),
        engine=engine.name,
    )
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
    summary.run_id = result.run_id
    summary.stage_seconds = stage_seconds(instance, result.run_id)
    add_checks(summary, result)
    if summary.success:
        add_publication(summary, result)
    add_load_counts(summary, warehouse.warehouse_file)
    summary.seconds = time.monotonic() - started
    return summary


def add_checks(summary: RunSummary, result: dg.ExecuteInProcessResult) -> None:
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            summary.checks_passed += 1
        else:
            summary.checks_failed.append(
                f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            )


def add_publication(summary: RunSummary, result: dg.ExecuteInProcessResult) -> None:
    """The published file and the files withdrawn, from the materializations' metadata; a
    successful run that published nothing found nothing new."""
    for event in result.get_asset_materialization_events():
        metadata = event.materialization.metadata
        if "published_file" in metadata:
            summary.published = Path(str(metadata["published_file"].value))
        if "withdrawn" in metadata:
            summary.withdrawn += list(metadata["withdrawn"].value)
    summary.unchanged = summary.published is None


def add_load_counts(summary: RunSummary, warehouse_file: Path) -> None:
    try:
        if warehouse_file.exists():
            # One connection for both: opening a file of gigabytes costs 0.2 s each time.
            with duckdb.connect(str(warehouse_file), read_only=True) as con:
                summary.loads = load_counts(con)
                summary.not_loaded = files_not_loaded(con)
    except duckdb.Error:
        pass  # a corrupt warehouse (or one from before the table): the run's error says so


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


def load_counts(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        """
        select source, count(*), sum(rows_landed), sum(rows_loaded), sum(rows_quarantined)
        from audit.load_log group by source order by source
        """
    ).fetchall()


def files_not_loaded(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return con.execute("select file, reason from audit.files_not_loaded order by file").fetchall()
