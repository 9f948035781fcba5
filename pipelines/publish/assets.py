"""The last asset of every run: commit the working file and publish it to readers."""

import dagster as dg

from pipelines.dbt.assets import dbt_models
from pipelines.ingest.assets import INGEST_ASSETS
from pipelines.warehouse import Warehouse


@dg.asset(
    key=["published", "warehouse"],
    group_name="publish",
    deps=[*dbt_models.keys, *(a.key for a in INGEST_ASSETS)],
    description="Swaps the run's working file into place (os.replace) and copies (or links) it to "
    "published/ for dashboards and SQL users; until this runs, nothing a reader sees changes.",
    kinds={"duckdb"},
)
def publish(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    path = warehouse.commit(context.run.run_id)
    return dg.MaterializeResult(metadata={"published_file": str(path)})
