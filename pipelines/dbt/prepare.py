"""Preparing the dbt manifest ahead of loading the definitions (never at import time)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipelines.dbt.project import PROJECT_DIR, dbt_project

WATCHED = ("models", "seeds", "macros", "tests", "snapshots", "dbt_project.yml", "profiles.yml")


def project_files(project_dir: Path) -> list[Path]:
    paths: list[Path] = []
    for name in WATCHED:
        entry = project_dir / name
        paths.extend(entry.rglob("*") if entry.is_dir() else [entry])
    return sorted(p for p in paths if p.is_file())


def newest_source_mtime(project_dir: Path) -> float:
    return max((p.stat().st_mtime for p in project_files(project_dir)), default=0.0)


def project_digest(project_dir: Path = PROJECT_DIR) -> str:
    """SHA-256 of the dbt project's files, names and contents: a build of another version
    of the models, seeds or parameters is not the same build."""
    digest = hashlib.sha256()
    for path in project_files(project_dir):
        digest.update(str(path.relative_to(project_dir)).encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def manifest_is_current() -> bool:
    manifest = dbt_project.manifest_path
    return manifest.is_file() and manifest.stat().st_mtime >= newest_source_mtime(PROJECT_DIR)


def prepare_manifest(force: bool = False) -> Path:
    """Parse the dbt project into its manifest when the models changed since the last parse."""
    if force or not manifest_is_current():
        dbt_project.preparer.prepare(dbt_project)
    return dbt_project.manifest_path
