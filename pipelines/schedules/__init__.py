"""The daily materialization of everything."""

import dagster as dg

from pipelines.ingest.assets import DROP_DATES
from pipelines.warehouse import AS_OF_TAG

daily_job = dg.define_asset_job(
    "daily_warehouse",
    selection=dg.AssetSelection.all(),
    partitions_def=DROP_DATES,
    description="Loads one drop date's files, rebuilds the dbt models and publishes.",
)


@dg.schedule(job=daily_job, cron_schedule="0 6 * * *", execution_timezone="Asia/Shanghai")
def daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 06:00 Shanghai: today's drop date, with today as the business date."""
    day = context.scheduled_execution_time.date().isoformat()
    return dg.RunRequest(run_key=day, partition_key=day, tags={AS_OF_TAG: day})
