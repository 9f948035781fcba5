"""The Dagster definitions load, and the asset graph is what the docs say it is."""

import dagster as dg
import pytest

from contract.published import PUBLIC_MARTS
from contract.sources import SOURCES
from pipelines.dbt.prepare import prepare_manifest


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    prepare_manifest()
    from pipelines.definitions import defs as loaded

    dg.Definitions.validate_loadable(loaded)
    return loaded


def graph(defs: dg.Definitions):
    return defs.resolve_asset_graph()


def test_one_ingestion_asset_per_source(defs: dg.Definitions) -> None:
    asset_graph = graph(defs)
    raw = {key for key in asset_graph.get_all_asset_keys() if key.path[0] == "raw"}
    assert raw == {dg.AssetKey(["raw", name]) for name in SOURCES}
    for key in raw:
        node = asset_graph.get(key)
        assert node.group_name == "ingest"
        # Not partitioned: each run loads every new or changed file (audit.load_log).
        assert node.partitions_def is None


def test_files_not_loaded_is_an_ingestion_asset_upstream_of_publish(defs: dg.Definitions) -> None:
    asset_graph = graph(defs)
    key = dg.AssetKey(["audit", "files_not_loaded"])
    assert asset_graph.get(key).group_name == "ingest"
    assert key in asset_graph.get(dg.AssetKey(["published", "warehouse"])).parent_keys


def test_dbt_sources_link_to_the_ingestion_assets(defs: dg.Definitions) -> None:
    asset_graph = graph(defs)
    staging = asset_graph.get(dg.AssetKey(["staging", "stg_raw__orders"]))
    assert dg.AssetKey(["raw", "orders"]) in staging.parent_keys
    assert staging.group_name == "staging"


def test_every_public_mart_is_an_asset_upstream_of_publish(defs: dg.Definitions) -> None:
    public = set(PUBLIC_MARTS)
    asset_graph = graph(defs)
    marts = {k.path[1] for k in asset_graph.get_all_asset_keys() if k.path[0] == "marts"}
    assert public <= marts
    publish = asset_graph.get(dg.AssetKey(["published", "warehouse"]))
    for name in public:
        assert dg.AssetKey(["marts", name]) in publish.parent_keys
        assert asset_graph.get(dg.AssetKey(["marts", name])).group_name == "marts"


def test_groups_are_the_concerns(defs: dg.Definitions) -> None:
    groups = {
        graph(defs).get(k).group_name
        for k in graph(defs).get_all_asset_keys()
        if graph(defs).get(k).is_materializable
    }
    assert groups == {"ingest", "staging", "intermediate", "marts", "parameters", "publish"}


def test_dbt_tests_are_asset_checks(defs: dg.Definitions) -> None:
    checks = graph(defs).asset_check_keys
    on_marts = [c for c in checks if c.asset_key.path[0] == "marts"]
    assert len(on_marts) >= 10
    raw_checks = [c for c in checks if c.asset_key.path[0] == "raw"]
    assert len(raw_checks) == len(SOURCES)


def test_a_daily_schedule_materializes_everything(defs: dg.Definitions) -> None:
    schedule = defs.resolve_schedule_def("daily_schedule")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    job = defs.resolve_job_def("daily_warehouse")
    assert set(job.asset_layer.executable_asset_keys) == {
        k for k in graph(defs).get_all_asset_keys() if graph(defs).get(k).is_materializable
    }
