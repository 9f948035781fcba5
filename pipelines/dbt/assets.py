"""dbt models as assets: folders become groups, sources link to the ingestion assets, tests
become asset checks."""

import importlib.metadata
import json
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import astuple, dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliInvocation,
    DbtCliResource,
    dbt_assets,
)
from dagster_dbt.asset_utils import (
    extract_runtime_selection_from_args,
    get_updated_cli_invocation_params_for_context,
)
from dagster_dbt.core.dbt_cli_invocation import PARTIAL_PARSE_FILE_NAME
from packaging import version

from pipelines.dbt.in_process import (
    InProcessDbtInvocation,
    dbt_database,
    in_process_args,
    prepared_manifest,
)
from pipelines.dbt.prepare import newest_source_mtime, project_digest
from pipelines.dbt.project import dbt_project
from pipelines.engine import Engine
from pipelines.spark import (
    dbt_environment,
    dbt_target,
    export_raw_tables,
    import_published_tables,
    lake_root,
)
from pipelines.warehouse import FULL_REFRESH_TAG, Warehouse, run_as_of


class WarehouseTranslator(DagsterDbtTranslator):
    """Models keyed `<schema>/<name>` and grouped by their folder; sources keep dbt's default
    `raw/<table>` key, which is the key of the ingestion asset that loads them."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "parameters"
        fqn = dbt_resource_props.get("fqn", [])
        return fqn[1] if len(fqn) > 2 else "dbt"


@contextmanager
def dbt_env(variables: Mapping[str, str]) -> Iterator[None]:
    """Environment variables for the dbt subprocess: the file to build
    (PARTNER_WAREHOUSE_PATH), the business date (PARTNER_WAREHOUSE_AS_OF, macro as_of), the run
    id (PARTNER_WAREHOUSE_RUN_ID, marts.publication) and, on Spark, the Spark folder and the lake (PARTNER_WAREHOUSE_SPARK_DIR, PARTNER_WAREHOUSE_LAKE)."""
    previous = {name: os.environ.get(name) for name in variables}
    os.environ.update(variables)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class WarehouseDbt(DbtCliResource):
    """dagster-dbt's dbt resource without the dbt adapter it opens in the run's own process
    before every command (2.6 s a run, dagster-dbt 0.29 with dbt-core < 2): that adapter
    serves row counts and column metadata fetched from Dagster, which this project does not
    fetch. `cli` runs dbt in its subprocess; `cli_in_process` in this process on the prepared
    manifest (pipelines/dbt/in_process.py)."""

    def cli_in_process(
        self,
        args: Sequence[str],
        *,
        context: dg.AssetExecutionContext,
        warehouse_file: Path,
    ) -> DbtCliInvocation:
        """`cli(args, context=context)` with dbt on a thread of this process, on the manifest
        of the last parse with its relations in `warehouse_file` (parsed again in process when
        that manifest is not current). The same selection, target folder and events as `cli`."""
        cleaned_args, selects, excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest={},
            dagster_dbt_translator=DagsterDbtTranslator(),
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        project_dir = Path(
            params.dbt_project.project_dir if params.dbt_project else self.project_dir
        )
        target_path = self._get_unique_target_path(context=context)
        if not target_path.is_absolute():
            target_path = project_dir / target_path
        prepared = project_dir / dbt_project.target_path
        manifest = prepared_manifest(
            prepared, newest_source_mtime(project_dir), dbt_database(warehouse_file)
        )
        if manifest is None and (prepared / PARTIAL_PARSE_FILE_NAME).is_file():
            # dbt parses: what changed since the last parse only (as dagster-dbt does)
            target_path.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(
                prepared / PARTIAL_PARSE_FILE_NAME, target_path / PARTIAL_PARSE_FILE_NAME
            )
        extra = {"--profile": self.profile} if self.profile else {}
        if self.target:
            extra["--target"] = self.target
        if params.indirect_selection:
            extra["--indirect-selection"] = params.indirect_selection
        dbt_args = in_process_args(
            [*self.global_config_flags, *cleaned_args, *params.selection_args],
            project_dir=project_dir,
            profiles_dir=Path(self.profiles_dir or project_dir),
            target_path=target_path,
            extra=extra,
        )
        context.log.info(f"dbt in process{'' if manifest else ' (parsing)'}: {dbt_args[:12]}")
        return InProcessDbtInvocation.start(
            dbt_args,
            manifest,
            manifest=params.manifest,
            dagster_dbt_translator=params.dagster_dbt_translator,
            project_dir=project_dir,
            target_path=target_path,
            raise_on_error=True,
            cli_version=self._cli_version,
            project=params.dbt_project,
            context=context,
        )

    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:
        return None

    @cached_property
    def _cli_version(self) -> version.Version:
        # dagster-dbt asks `dbt --version` in a subprocess (2-3 s a run); the dbt it runs is
        # the dbt-core installed beside this interpreter (pipelines/dbt/project.py).
        return version.parse(importlib.metadata.version("dbt-core"))


@dataclass(frozen=True)
class BuildInputs:
    """What a dbt build is a function of: the raw layer (every load and withdrawal takes a
    new id from `audit.load_ids`), the as-of date, the engine and the project's files."""

    as_of_date: date
    engine: str
    last_load_id: int
    project_digest: str


def build_inputs(working: Path, engine: str, as_of: date) -> BuildInputs:
    with duckdb.connect(str(working), read_only=True) as con:
        last_load_id = con.execute(
            "select coalesce(max(last_value), 0) from duckdb_sequences() "
            "where schema_name = 'audit' and sequence_name = 'load_ids'"
        ).fetchall()[0][0]
    return BuildInputs(as_of, engine, int(last_load_id), project_digest())


def last_build_inputs(working: Path) -> BuildInputs | None:
    with duckdb.connect(str(working), read_only=True) as con:
        row = con.execute(
            "select as_of_date, engine, last_load_id, project_digest from audit.dbt_builds "
            "order by built_at desc limit 1"
        ).fetchone()
    return BuildInputs(*row) if row else None


def record_build(working: Path, run_id: str, inputs: BuildInputs, full_refresh: bool) -> None:
    with duckdb.connect(str(working)) as con:
        con.execute(
            "insert into audit.dbt_builds values (?, ?, ?, ?, ?, ?, current_timestamp)",
            [run_id, *astuple(inputs), full_refresh],
        )


def kept_partial_parse(invocation_target: Path) -> None:
    """Keep dbt's partial parse of a DuckDB run where dagster-dbt looks for it before the
    next one (the project's target folder), so that the next run parses only what changed
    and a daily run runs dbt in process on it."""
    parsed = invocation_target / "partial_parse.msgpack"
    if parsed.is_file():
        kept = dbt_project.project_dir / dbt_project.target_path / parsed.name
        # Copied aside, then renamed: a run starting meanwhile reads the old file or the new.
        aside = kept.with_name(f"{parsed.name}.{invocation_target.name}")
        shutil.copyfile(parsed, aside)
        aside.replace(kept)


# Invocation folders (`target/dbt_models-*`, about 8 MB each: compiled SQL, manifest, logs)
# kept for a look after the run; older ones are deleted, a daily run would otherwise add
# 3 GB a year.
INVOCATIONS_KEPT = 3


def pruned_invocation_targets(current: Path) -> None:
    """Delete the oldest invocation folders beside `current`, keeping it and the newest."""
    folders = sorted(
        (p for p in current.parent.glob("dbt_models-*") if p.is_dir() and p != current),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in folders[INVOCATIONS_KEPT - 1 :]:
        shutil.rmtree(old, ignore_errors=True)


# The tables an incremental run builds on; a working file without one of them (a new
# warehouse, or one written by a version of the project without it) is rebuilt whole.
INCREMENTAL_STATE = ("int_applied_state", "int_customer_spend_daily")


def has_incremental_state(working: Path) -> bool:
    """Whether the working file holds the state incremental models build on (written by a
    build of this version of the project); without it a run rebuilds them whole."""
    with duckdb.connect(str(working), read_only=True) as con:
        found = con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'intermediate' and table_name in "
            f"({', '.join('?' for _ in INCREMENTAL_STATE)})",
            list(INCREMENTAL_STATE),
        ).fetchall()[0][0]
    return found == len(INCREMENTAL_STATE)


# The dbt tag of views whose SQL is the same every day: a daily run of the last build's
# project does not rewrite them (selector daily_same_project in dbt_project/selectors.yml).
SAME_EVERY_DAY = "same_every_day"


def kept_views(context: dg.AssetExecutionContext) -> set[dg.AssetKey]:
    """The views of this run's selection an incremental run leaves as the last build wrote
    them (tag same_every_day): their SQL is the same every day, and a view reads its tables
    when queried, so what it shows is this run's."""
    kept = set()
    for spec in context.assets_def.specs:
        view = (spec.metadata or {}).get("dagster-dbt/materialization_type") == "view"
        if view and SAME_EVERY_DAY in (spec.tags or {}):
            kept.add(spec.key)
    return kept & set(context.selected_asset_keys)


# The dbt tag of models a full build in batches builds whole in its last batch, once
# (selector history_batch in dbt_project/selectors.yml).
WHOLE_IN_LAST_BATCH = "whole_in_last_batch"


def built_whole_in_last_batch(manifest_path: Path) -> list[tuple[str, str, str]]:
    """(schema, name, materialization) of the models tagged whole_in_last_batch."""
    nodes = json.loads(manifest_path.read_text())["nodes"].values()
    return sorted(
        (node["schema"], node["name"], node["config"]["materialized"])
        for node in nodes
        if node["resource_type"] == "model" and WHOLE_IN_LAST_BATCH in node["tags"]
    )


def dropped_relations(working: Path, relations: list[tuple[str, str, str]]) -> list[str]:
    """Drop `relations` from the working file. A batched full build leaves the models built
    whole in its last batch out of the batches before: the last one must then find no table
    of a previous build (it would increment a table the old build wrote)."""
    with duckdb.connect(str(working)) as con:
        for schema, name, materialized in relations:
            kind = "view" if materialized == "view" else "table"
            con.execute(f'drop {kind} if exists "{schema}"."{name}"')
    return [f"{schema}.{name}" for schema, name, _ in relations]


def event_asset_key(context: dg.AssetExecutionContext, event: object) -> dg.AssetKey | None:
    """The asset an output or materialization of dbt's stream is of (None for checks)."""
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    if isinstance(event, dg.AssetMaterialization | dg.MaterializeResult):
        return event.asset_key
    return None


def with_kept_views(
    context: dg.AssetExecutionContext, events: Iterator[Any], kept: set[dg.AssetKey]
) -> Iterator[Any]:
    """dbt's events, with the kept views recorded as materialized by this run: each just
    before the first asset built downstream of it, the rest at the end. Dagster takes a
    multi-asset's assets in topological order only, and skips publish unless every model it
    waits for was materialized."""
    deps = context.assets_def.asset_deps
    pending = set(kept)

    def ancestors(key: dg.AssetKey) -> set[dg.AssetKey]:
        seen: set[dg.AssetKey] = set()
        stack = list(deps.get(key, ()))
        while stack:
            parent = stack.pop()
            if parent not in seen:
                seen.add(parent)
                stack.extend(deps.get(parent, ()))
        return seen

    def recorded(keys: set[dg.AssetKey]) -> Iterator[dg.MaterializeResult]:
        for key in sorted(keys, key=lambda k: len(ancestors(k))):
            pending.discard(key)
            yield dg.MaterializeResult(
                asset_key=key, metadata={"kept": "the last build's view: the same SQL every day"}
            )

    for event in events:
        key = event_asset_key(context, event)
        if key is not None and pending:
            yield from recorded(pending & ancestors(key))
        yield event
    yield from recorded(set(pending))


def full_build_batches(working: Path, batch_rows: int) -> list[int | None]:
    """The last load each batch of a full build reads (macro loaded_through), the last batch
    None (every load): loads of orders and consumption in id order, cut after about
    `batch_rows` transactions. One batch (`[None]`) when history is smaller."""
    with duckdb.connect(str(working), read_only=True) as con:
        loads = con.execute(
            """
            select _load_id, count(*) from (
                select _load_id from raw.orders
                union all
                select _load_id from raw.consumption
            ) as transactions
            group by _load_id
            order by _load_id
            """
        ).fetchall()
    cuts: list[int | None] = []
    rows = 0
    for load_id, count in loads[:-1]:
        rows += count
        if rows >= batch_rows:
            cuts.append(load_id)
            rows = 0
    return [*cuts, None]


def build_args(engine: str) -> list[str]:
    """`dbt build` of every node but the unit tests, which check the SQL, not the data: they
    run in CI (tests/dbt), not every day."""
    return ["build", "--target", dbt_target(engine), "--exclude-resource-type", "unit_test"]


def dbt_build_args(engine: str, full_refresh: bool) -> list[str]:
    """The build of a run. The as-of date is not a --vars flag: any change of --vars makes
    dbt re-parse the whole project (see macro as_of_text). An incremental run (the project
    of the last build, see dbt_models) leaves out the data tests that read all of history,
    the seeds and the staging views (selector `daily_same_project` in
    dbt_project/selectors.yml); a full refresh builds and tests everything."""
    if full_refresh:
        return [*build_args(engine), "--full-refresh"]
    return [*build_args(engine), "--selector", "daily_same_project"]


def batch_build_args(engine: str, number: int, batches: int) -> list[str]:
    """The build of batch `number` (from 0) of a full build in `batches` batches: the first
    a full refresh; each before the last without data tests and without the models the last
    one builds whole (selector `history_batch`); the last every model with the data tests of
    a daily run (selector `daily`). The data tests that read every transaction of history
    at once are what a build of one batch runs beyond those: at the sizes that take batches
    they do not fit the memory a batch is given (docs/RULES.md). The staging views are
    built each time: they read the batch's loads."""
    args = build_args(engine)
    if number == 0:
        args.append("--full-refresh")
    if number < batches - 1:
        return [*args, "--exclude-resource-type", "test", "--selector", "history_batch"]
    return [*args, "--selector", "daily"]


# DuckDB's checkpoint threshold in a daily build. Its working file is dropped if the run
# fails, so what dbt commits need not reach the file before dbt closes it. At DuckDB's 16MB
# the file was written again every few models: 6.7-6.9 s of dbt at 10M rows, 5.8-6.1 s at
# this (dbt_project/profiles.yml). A full build keeps 16MB: a log of its size would hold its
# written blocks in memory until the end.
DAILY_CHECKPOINT_THRESHOLD = "1GB"


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def dbt_models(
    context: dg.AssetExecutionContext,
    dbt: WarehouseDbt,
    warehouse: Warehouse,
    compute: Engine,
):
    # dbt's process opens the working file: this process lets go of it first
    warehouse.release(context.run.run_id)
    # the working file when ingestion wrote one, else the committed warehouse (not copied)
    built_on = warehouse.current_file(context.run.run_id)
    engine = compute.name
    spark_root = compute.spark_root(warehouse.warehouse_file)
    as_of = run_as_of(context.run.tags)
    inputs = build_inputs(built_on, engine, as_of)
    last = last_build_inputs(built_on)
    # Another version of the models (or a warehouse without a recorded build) is rebuilt
    # whole: a table an incremental model kept was written by the old SQL.
    full_refresh = (
        context.run.tags.get(FULL_REFRESH_TAG) == "true"
        or not has_incremental_state(built_on)
        or last is None
        or (last.project_digest, last.engine) != (inputs.project_digest, engine)
    )
    if not full_refresh and last == inputs:
        # Nothing to build: the warehouse is already the build of these inputs. No model is
        # materialized, so publish is skipped and readers keep the current publication.
        context.log.info(f"nothing new since the last build ({inputs}): dbt not run")
        return
    working = warehouse.begin(context.run.run_id)
    args = dbt_build_args(engine, full_refresh)
    lake = lake_root(spark_root)
    if engine == "spark":
        with duckdb.connect(str(working)) as con:
            exported = export_raw_tables(con, lake)
        context.log.info(f"raw tables exported to {lake / 'raw'}: {exported}")
    env = {
        **dbt_environment(working, engine, spark_root),
        "PARTNER_WAREHOUSE_AS_OF": as_of.isoformat(),
        "PARTNER_WAREHOUSE_RUN_ID": context.run.run_id,
        "PARTNER_WAREHOUSE_LOADED_THROUGH": "",
    }
    if engine == "duckdb" and not full_refresh:
        env["PARTNER_WAREHOUSE_DBT_CHECKPOINT"] = DAILY_CHECKPOINT_THRESHOLD
    kept = set() if full_refresh else kept_views(context)

    def invoked(args: list[str]) -> DbtCliInvocation:
        # A daily DuckDB build: dbt in this process on the prepared manifest, no start and
        # no parse (pipelines/dbt/in_process.py). A full build keeps dbt's own process: each
        # batch's memory goes back to the system when its process ends (the 4 GiB bound at
        # 100M), and a start of seconds is nothing beside its minutes. Spark's session (a
        # JVM) stays in dbt's process too.
        if engine == "duckdb" and not full_refresh:
            return dbt.cli_in_process(args, context=context, warehouse_file=working)
        return dbt.cli(args, context=context)

    batches = (
        full_build_batches(working, compute.batch_rows)
        if full_refresh and engine == "duckdb"
        else [None]
    )
    # History in batches of loads, each built on the one before as a daily run builds on
    # the last: memory and spill are those of a batch (docs/PERFORMANCE.md). The last batch
    # reads every load and runs every test; its events are the run's.
    if len(batches) > 1:
        dropped = dropped_relations(working, built_whole_in_last_batch(dbt_project.manifest_path))
        context.log.info(f"full build in {len(batches)} batches; built whole last: {dropped}")
    if len(batches) > 1:
        # One node at a time: two at once (a batch's rating beside another model, the
        # warnings beside the per-customer table) went past 4 GiB or out of memory at 100M.
        # Every batch, the last included, at the batches' memory limit (pipelines/engine.py).
        env["PARTNER_WAREHOUSE_DBT_THREADS"] = "1"
        env["PARTNER_WAREHOUSE_DBT_MEMORY"] = compute.batch_dbt_memory
    for number, through in enumerate(batches[:-1]):
        context.log.info(f"full build, batch {number + 1}/{len(batches)}: loads <= {through}")
        batch_env = {**env, "PARTNER_WAREHOUSE_LOADED_THROUGH": str(through)}
        with dbt_env(batch_env):
            batch = invoked(batch_build_args(engine, number, len(batches)))
            if (error := batch.wait().get_error()) is not None:
                raise error
    if len(batches) > 1:
        args = batch_build_args(engine, len(batches) - 1, len(batches))
    with dbt_env(env):
        invocation = invoked(args)
        yield from with_kept_views(context, invocation.stream(), kept)
    if engine == "duckdb":
        # A Spark parse kept there would make the next DuckDB run parse again: its prepared
        # manifest must be DuckDB's (pipelines/dbt/in_process.py prepared_manifest).
        kept_partial_parse(invocation.target_path)
    pruned_invocation_targets(invocation.target_path)
    if engine == "spark":
        # Reached only when the build succeeded (a failed build raises from the stream).
        with duckdb.connect(str(working)) as con:
            imported = import_published_tables(con, lake)
        context.log.info(f"{len(imported)} tables published from Spark into the working file")
    record_build(working, context.run.run_id, inputs, full_refresh)
