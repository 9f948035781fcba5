"""dbt models as assets: folders become groups, sources link to the ingestion assets, tests
become asset checks."""

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
def dbt_env(values: dict[str, str]) -> Iterator[None]:
    """Environment variables for the dbt subprocess: PARTNER_WAREHOUSE_PATH, the file to
    build (profiles.yml), and PARTNER_WAREHOUSE_AS_OF, the business date (macro as_of)."""
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=WarehouseTranslator(
        settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)
    ),
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: Warehouse):
    working = warehouse.begin(context.run.run_id)
    # Unit tests check the SQL, not the data: they run in CI (tests/dbt), not every day.
    args = ["build", "--exclude-resource-type", "unit_test"]
    if context.run.tags.get(FULL_REFRESH_TAG) == "true":
        args.append("--full-refresh")
    env = {
        "PARTNER_WAREHOUSE_PATH": str(working),
        "PARTNER_WAREHOUSE_AS_OF": run_as_of(context.run.tags).isoformat(),
    }
    with dbt_env(env):
        yield from dbt.cli(args, context=context).stream()
