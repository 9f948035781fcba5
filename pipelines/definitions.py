"""The single Dagster entry point of the project."""

from __future__ import annotations

import dagster as dg

from contract.settings import Settings
from pipelines.dbt.assets import WarehouseDbt, dbt_models
from pipelines.dbt.project import dbt_project
from pipelines.engine import Engine
from pipelines.ingest.assets import INGEST_ASSETS, INGEST_CHECKS
from pipelines.publish.assets import publish
from pipelines.schedules import daily_job, daily_schedule
from pipelines.warehouse import Warehouse


def warehouse_from_env() -> Warehouse:
    settings = Settings.from_env()
    return Warehouse(
        path=settings.warehouse_file,
        landing_dir=settings.landing_dir,
        published_dir=settings.published_dir,
        publish_mode=settings.publish_mode,
    )


def definitions(warehouse: Warehouse | None = None, engine: Engine | None = None) -> dg.Definitions:
    return dg.Definitions(
        assets=[*INGEST_ASSETS, dbt_models, publish],
        asset_checks=INGEST_CHECKS,
        jobs=[daily_job],
        schedules=[daily_schedule],
        resources={
            "warehouse": warehouse or warehouse_from_env(),
            # The engine of the dbt step (pipelines/engine.py).
            "compute": engine or Engine.from_settings(Settings.from_env()),
            "dbt": WarehouseDbt(project_dir=dbt_project),
        },
        # Every step writes the same DuckDB file, which takes one writer at a time.
        executor=dg.in_process_executor,
    )


defs = definitions()
