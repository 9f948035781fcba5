"""dbt in the run's process (pipelines/dbt/in_process.py): the prepared manifest it runs on."""

import os
import shutil
from pathlib import Path

from pipelines.dbt.in_process import dbt_database, prepared_manifest
from pipelines.dbt.prepare import PROJECT_DIR, newest_source_mtime, prepare_manifest
from pipelines.dbt.project import dbt_project

DETAILS = "model.partner_warehouse.incentive_details"


def prepared_copy(tmp_path: Path) -> Path:
    """The target folder of the last parse, copied (the manifest is read, never written)."""
    prepare_manifest()
    target = tmp_path / "target"
    target.mkdir()
    shutil.copy2(
        dbt_project.project_dir / dbt_project.target_path / "partial_parse.msgpack", target
    )
    return target


def test_the_manifest_names_the_file_the_run_builds(tmp_path: Path) -> None:
    # dbt-duckdb's catalog is the file's first name: parsing wrote another one in
    target = prepared_copy(tmp_path)
    database = dbt_database(Path("/data/warehouse.duckdb.run-in-progress"))
    assert database == "warehouse"
    manifest = prepared_manifest(target, newest_source_mtime(PROJECT_DIR), database)
    assert manifest is not None
    details = manifest.nodes[DETAILS]
    assert details.database == "warehouse"
    assert details.relation_name == '"warehouse"."marts"."incentive_details"'
    sources = list(manifest.sources.values())
    assert sources and all(source.database == "warehouse" for source in sources)
    assert all(source.relation_name.startswith('"warehouse".') for source in sources)
    # the flat graph (the models' `graph`) is built from the renamed nodes
    assert manifest.flat_graph["nodes"][DETAILS]["database"] == "warehouse"


def test_a_manifest_older_than_the_project_or_missing_is_not_used(tmp_path: Path) -> None:
    target = prepared_copy(tmp_path)
    parsed = target / "partial_parse.msgpack"
    newest = newest_source_mtime(PROJECT_DIR)
    os.utime(parsed, (newest - 60, newest - 60))  # a model changed after the parse
    assert prepared_manifest(target, newest, "warehouse") is None
    parsed.write_bytes(b"not a manifest")
    os.utime(parsed, (newest + 60, newest + 60))
    assert prepared_manifest(target, newest, "warehouse") is None
    parsed.unlink()
    assert prepared_manifest(target, newest, "warehouse") is None
