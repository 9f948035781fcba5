"""dbt models as assets: folders become groups, sources link to the ingestion assets, tests
become asset checks."""

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from pipelines.dbt.project import dbt_project
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
def warehouse_env(path: str) -> Iterator[None]:
    """dbt reads the file to build from PARTNER_WAREHOUSE_PATH (profiles.yml)."""
    previous = os.environ.get("PARTNER_WAREHOUSE_PATH")
    os.environ["PARTNER_WAREHOUSE_PATH"] = path
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PARTNER_WAREHOUSE_PATH", None)
        else:
            os.environ["PARTNER_WAREHOUSE_PATH"] = previous


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    working = warehouse.begin(context.run.run_id)
    args = ["build", "--vars", json.dumps({"as_of": run_as_of(context.run.tags).isoformat()})]
    if context.run.tags.get(FULL_REFRESH_TAG) == "true":
        args.append("--full-refresh")
    with warehouse_env(str(working)):
        yield from dbt.cli(args, context=context).stream()
