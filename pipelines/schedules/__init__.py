"""The daily materialization of everything.

The schedule is on wherever a Dagster daemon loads these definitions (`partner-warehouse
serve` runs one): a warehouse is meant to be fresh every morning. Turn it off in the Dagster
UI (Automation, `daily_warehouse_schedule`: the choice is kept in the instance), or for a
whole deployment with PARTNER_WAREHOUSE_SCHEDULE=off. PARTNER_WAREHOUSE_SCHEDULE_CRON moves
it (cron, Asia/Shanghai; default every day at 06:00)."""

import os

import dagster as dg

from pipelines.warehouse import AS_OF_TAG

SCHEDULE_ENV = "PARTNER_WAREHOUSE_SCHEDULE"
CRON_ENV = "PARTNER_WAREHOUSE_SCHEDULE_CRON"
DEFAULT_CRON = "0 6 * * *"

daily_job = dg.define_asset_job(
    "daily_warehouse",
    selection=dg.AssetSelection.all(),
    description="Loads every new or changed landing file, rebuilds the dbt models and publishes.",
)


def default_status() -> dg.DefaultScheduleStatus:
    """On unless PARTNER_WAREHOUSE_SCHEDULE says off."""
    off = os.environ.get(SCHEDULE_ENV, "on").strip().lower() in {"off", "false", "0", "no"}
    return dg.DefaultScheduleStatus.STOPPED if off else dg.DefaultScheduleStatus.RUNNING


@dg.schedule(
    job=daily_job,
    cron_schedule=os.environ.get(CRON_ENV, DEFAULT_CRON),
    execution_timezone="Asia/Shanghai",
    default_status=default_status(),
)
def daily_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """At 06:00 Shanghai, with today as the business date."""
    tick = context.scheduled_execution_time
    # One run per tick: the date for the daily cron, the minute for a more frequent one.
    return dg.RunRequest(run_key=tick.isoformat(), tags={AS_OF_TAG: tick.date().isoformat()})
