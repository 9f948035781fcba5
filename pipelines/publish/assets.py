"""The last asset of every run: commit the working file and publish it to readers."""

import dagster as dg

from pipelines.dbt.assets import dbt_models
from pipelines.ingest.assets import INGEST_ASSETS
from pipelines.warehouse import Warehouse

# What publish waits for: every ingestion asset and every dbt model of the intermediate and
# marts layers. Not the seeds and staging views: a daily run of the last build's project
# does not rewrite them (selector daily_same_project), and Dagster skips a step when any
# of its upstream assets was not materialized in the run.
PUBLISHED_FROM = [
    *(a.key for a in INGEST_ASSETS),
    *(key for key in dbt_models.keys if key.path[0] not in ("staging", "seeds")),
]


@dg.asset(
    key=["published", "warehouse"],
    group_name="publish",
    deps=PUBLISHED_FROM,
    description="Swaps the run's working file into place (os.replace) and copies (or links) it to "
    "published/ for dashboards and SQL users; until this runs, nothing a reader sees changes.",
    kinds={"duckdb"},
)
def publish(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    path = warehouse.commit(context.run.run_id)
    return dg.MaterializeResult(metadata={"published_file": str(path)})
