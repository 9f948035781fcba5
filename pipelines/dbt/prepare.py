"""Preparing the dbt manifest ahead of loading the definitions (never at import time)."""

from __future__ import annotations

from pathlib import Path

from pipelines.dbt.project import PROJECT_DIR, dbt_project

WATCHED = ("models", "seeds", "macros", "tests", "snapshots", "dbt_project.yml", "profiles.yml")


def newest_source_mtime(project_dir: Path) -> float:
    paths = []
    for name in WATCHED:
        entry = project_dir / name
        paths.extend(entry.rglob("*") if entry.is_dir() else [entry])
    return max((p.stat().st_mtime for p in paths if p.is_file()), default=0.0)


def manifest_is_current() -> bool:
    manifest = dbt_project.manifest_path
    return manifest.is_file() and manifest.stat().st_mtime >= newest_source_mtime(PROJECT_DIR)


def prepare_manifest(force: bool = False) -> Path:
    """Parse the dbt project into its manifest when the models changed since the last parse."""
    if force or not manifest_is_current():
        dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path
