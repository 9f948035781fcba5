"""The published copies of the warehouse that readers open: their names and `CURRENT`.

Kept free of Dagster imports so readers (the dashboards, SQL users) load it cheaply.
"""

from __future__ import annotations

import re
from pathlib import Path

CURRENT_FILE = "CURRENT"
# The public tables of DOMAIN section 6, in schema `marts` of every published copy: their
# names and columns are a contract with readers and are never renamed.
PUBLIC_MARTS = (
    "incentive_details",
    "incentive_statements",
    "incentive_board",
    "indicators",
    "customer_board_daily",
    "customer_board_monthly",
    "customer_warnings",
    "sub_customers",
    "customer_resources",
    # One row: the as-of date and run id readers take as "today" (the dashboards' clock).
    "publication",
)
_PUBLISHED_NAME = re.compile(r"^warehouse-(\d+)\.duckdb$")


def published_name(version: int) -> str:
    return f"warehouse-{version}.duckdb"


def published_versions(published_dir: Path) -> list[int]:
    """The versions of the copies in the folder, in no particular order."""
    matches = (_PUBLISHED_NAME.match(p.name) for p in published_dir.glob("warehouse-*.duckdb"))
    return [int(m.group(1)) for m in matches if m]


def current_version(published_dir: Path) -> int | None:
    """The version `CURRENT` names, whether or not its file is there; None before the first
    publish, or when `CURRENT` names anything but a published copy inside this folder."""
    try:
        name = (published_dir / CURRENT_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    match = _PUBLISHED_NAME.match(name)
    return int(match.group(1)) if match else None


def published_warehouse(published_dir: Path) -> Path | None:
    """The newest published copy, as named by `CURRENT`; None before the first publish, or
    when `CURRENT` names anything but a published copy inside this folder."""
    version = current_version(published_dir)
    if version is None:
        return None
    path = published_dir / published_name(version)
    return path if path.is_file() else None
