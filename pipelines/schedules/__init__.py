"""The daily materialization of everything."""

import dagster as dg

from pipelines.warehouse import AS_OF_TAG

daily_job = dg.define_asset_job(
    "daily_warehouse",
    selection=dg.AssetSelection.all(),
    description="Loads every new or changed landing file, rebuilds the dbt models and publishes.",
)


@dg.schedule(job=daily_job, cron_schedule="0 6 * * *", execution_timezone="Asia/Shanghai")
def daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 06:00 Shanghai, with today as the business date."""
    day = context.scheduled_execution_time.date().isoformat()
    return dg.RunRequest(run_key=day, tags={AS_OF_TAG: day})
