"""The daily materialization of everything.

The schedule is on wherever a Dagster daemon loads these definitions (`partner-warehouse
serve` runs one): a warehouse is meant to be fresh every morning. Turn it off in the Dagster
UI (Automation, `daily_warehouse_schedule`: the choice is kept in the instance), or for a
whole deployment with PARTNER_WAREHOUSE_SCHEDULE=off. PARTNER_WAREHOUSE_SCHEDULE_CRON moves
it (cron, Asia/Shanghai; default every day at 06:00)."""

import dagster as dg

from contract.settings import Settings
from pipelines.warehouse import AS_OF_TAG

SETTINGS = Settings.from_env()

daily_job = dg.define_asset_job(
    "daily_warehouse",
    selection=dg.AssetSelection.all(),
    description="Loads every new or changed landing file, rebuilds the dbt models and publishes.",
)


def default_status(settings: Settings) -> dg.DefaultScheduleStatus:
    """On unless PARTNER_WAREHOUSE_SCHEDULE says off."""
    return (
        dg.DefaultScheduleStatus.RUNNING
        if settings.schedule_on
        else dg.DefaultScheduleStatus.STOPPED
    )


@dg.schedule(
    job=daily_job,
    cron_schedule=SETTINGS.schedule_cron,
    execution_timezone="Asia/Shanghai",
    default_status=default_status(SETTINGS),
)
def daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 06:00 Shanghai, with today as the business date."""
    tick = context.scheduled_execution_time
    # One run per tick: the date for the daily cron, the minute for a more frequent one.
    return dg.RunRequest(run_key=tick.isoformat(), tags={AS_OF_TAG: tick.date().isoformat()})
