"""One Dagster asset per landing source, partitioned by drop date."""

import warnings
from datetime import date

import dagster as dg

from pipelines.ingest.load import FileLoad, landing_files, load_file
from pipelines.sources import SOURCES, Source
from pipelines.warehouse import Warehouse

# Single-run backfills are beta in Dagster 1.13; the pinned version keeps their behaviour fixed.
warnings.filterwarnings("ignore", category=dg.BetaWarning, message=".*backfill_policy.*")

# Drop dates are cut in Asia/Shanghai; a partner's exports may reach back years.
DROP_DATES = dg.DailyPartitionsDefinition(
    start_date="2020-01-01", timezone="Asia/Shanghai", end_offset=1
)


def ingest_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", source.name],
        group_name="ingest",
        partitions_def=DROP_DATES,
        # One run loads a whole range of drop dates (a backfill or the first full load).
        backfill_policy=dg.BackfillPolicy.single_run(),
        description=f"Landing files of `{source.name}` typed, validated and upserted by key "
        f"({', '.join(source.key)}) into raw.{source.name}; bad rows go to audit.quarantine.",
        kinds={"duckdb", "polars"},
        metadata={"key": list(source.key), "kind": source.kind},
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        loads: list[FileLoad] = []
        with warehouse.connect(context.run.run_id) as con:
            for day in context.partition_keys:
                for path in landing_files(warehouse.landing_root, source.name, day):
                    load = load_file(
                        con, source, path, warehouse.landing_root, date.fromisoformat(day)
                    )
                    if load.unreadable:
                        context.log.warning(f"{load.file}: quarantined whole: {load.unreadable}")
                    loads.append(load)
            table_rows = con.execute(f"select count(*) from raw.{source.name}").fetchall()[0][0]
        fresh = [load for load in loads if not load.skipped]
        return dg.MaterializeResult(
            metadata={
                "files_loaded": len(fresh),
                "files_unchanged": len(loads) - len(fresh),
                "rows_landed": sum(load.rows_landed for load in fresh),
                "rows_loaded": sum(load.rows_loaded for load in fresh),
                "rows_quarantined": sum(load.rows_quarantined for load in fresh),
                "files_unreadable": sum(load.unreadable is not None for load in fresh),
                "table_rows": table_rows,
            }
        )

    return _ingest


def rows_accounted_check(source: Source) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", source.name]),
        name="rows_landed_equal_loaded_plus_quarantined",
        description="For every file of the source: rows landed = rows loaded + rows quarantined.",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: Warehouse) -> dg.AssetCheckResult:
        with warehouse.connect(context.run.run_id) as con:
            broken = con.execute(
                "select file from audit.load_log where source = ? "
                "and rows_landed <> rows_loaded + rows_quarantined",
                [source.name],
            ).fetchall()
        return dg.AssetCheckResult(
            passed=not broken, metadata={"files_out_of_balance": [row[0] for row in broken]}
        )

    return _check


INGEST_ASSETS = [ingest_asset(source) for source in SOURCES.values()]
INGEST_CHECKS = [rows_accounted_check(source) for source in SOURCES.values()]
