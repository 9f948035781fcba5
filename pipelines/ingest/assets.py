"""One Dagster asset per landing source.

A materialization loads every file of the source that is new or changed since it was last
loaded (by content hash, `audit.load_log`), whatever its drop date: a late file for an old
day is picked up by the next run. The assets are not partitioned by drop date on purpose:
the load log is the record per file, and per-day partitions cost Dagster two events per
source and day (about 4,000 for six months) for no information the log does not hold.
"""

import dagster as dg

from contract.sources import SOURCES, Source
from pipelines.ingest.discover import listed_as_not_loaded, replace_files_not_loaded
from pipelines.ingest.load import (
    FileLoad,
    SourceLoad,
    landed_as_loaded,
    load_source,
    withdrawal_refusal,
)
from pipelines.warehouse import ALLOW_WITHDRAW_TAG, Warehouse

# Withdrawn files named in a materialization's metadata (the count is always complete).
WITHDRAWALS_LISTED = 20


def ingest_asset(source: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", source.name],
        group_name="ingest",
        description=f"Landing files of `{source.name}` typed, validated and upserted by key "
        f"({', '.join(source.key)}) into raw.{source.name}; bad rows go to audit.quarantine.",
        kinds={"duckdb", "polars"},
        metadata={"key": list(source.key), "kind": source.kind},
    )
    def _ingest(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
        inventory = warehouse.inventory(context.run.run_id)
        files = inventory.files.get(source.name, [])
        with warehouse.reader(context.run.run_id) as con:
            refusal = withdrawal_refusal(con, inventory)
            if refusal and context.run.tags.get(ALLOW_WITHDRAW_TAG) != "true":
                raise dg.Failure(description=refusal)
            current = landed_as_loaded(con, source, files)
        if current:  # nothing to write: the run goes on reading the committed warehouse
            result = SourceLoad(files=[FileLoad.unchanged(source.name, f.file) for f in files])
        else:
            with warehouse.connect(context.run.run_id) as con:
                result = load_source(con, source, files)
        for load in result.files:
            if load.unreadable:
                context.log.warning(f"{load.file}: quarantined whole: {load.unreadable}")
        for gone in result.withdrawals:
            context.log.info(f"{gone.file}: {gone.reason}, {gone.rows_withdrawn} rows withdrawn")
        with warehouse.reader(context.run.run_id) as con:
            table_rows = con.execute(f"select count(*) from raw.{source.name}").fetchall()[0][0]
        loads = result.files
        fresh = [load for load in loads if not load.skipped]
        removed = [gone for gone in result.withdrawals if gone.reason == "removed"]
        return dg.MaterializeResult(
            metadata={
                "files_withdrawn": len(removed),
                "rows_withdrawn": sum(gone.rows_withdrawn for gone in result.withdrawals),
                "withdrawn": dg.MetadataValue.json(
                    [
                        {"file": gone.file, "reason": gone.reason, "rows": gone.rows_withdrawn}
                        for gone in result.withdrawals[:WITHDRAWALS_LISTED]
                    ]
                ),
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
        with warehouse.reader(context.run.run_id) as con:
            broken = con.execute(
                "select file from audit.load_log where source = ? "
                "and rows_landed <> rows_loaded + rows_quarantined",
                [source.name],
            ).fetchall()
        return dg.AssetCheckResult(
            passed=not broken, metadata={"files_out_of_balance": [row[0] for row in broken]}
        )

    return _check


@dg.asset(
    key=["audit", "files_not_loaded"],
    group_name="ingest",
    description="Every file under the landing folder that is not loaded, with the reason (not "
    "<source>/<YYYY-MM-DD>/<file>, unknown source, hidden, nested, unsupported type, a link "
    "outside the folder, not a regular file); replaced on each run.",
    kinds={"duckdb"},
)
def files_not_loaded(
    context: dg.AssetExecutionContext, warehouse: Warehouse
) -> dg.MaterializeResult:
    not_loaded = warehouse.inventory(context.run.run_id).not_loaded
    with warehouse.reader(context.run.run_id) as con:
        listed = listed_as_not_loaded(con, not_loaded)
    if not listed:
        with warehouse.connect(context.run.run_id) as con:
            replace_files_not_loaded(con, not_loaded)
    for entry in not_loaded:
        context.log.info(f"{entry.file!r}: not loaded: {entry.reason}")
    return dg.MaterializeResult(
        metadata={
            "files_not_loaded": len(not_loaded),
            "first_files": [entry.file for entry in not_loaded[:20]],
        }
    )


# Upstream of the publish asset: the per-source loads and the record of what they skipped.
INGEST_ASSETS = [*(ingest_asset(source) for source in SOURCES.values()), files_not_loaded]
INGEST_CHECKS = [rows_accounted_check(source) for source in SOURCES.values()]
