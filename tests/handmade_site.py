"""The hand-made landing set built once for the whole session (fixtures in conftest.py).

Half a dozen modules read or extend the same build (the hand-made set as of 2026-07-20);
each used to run it again (about 11 s each). They now copy the built folder: the warehouse,
its published copies and its landing folder, all found relative to the folder, so a copy is
a warehouse of its own that a module may run again or break.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from pipelines.warehouse import Warehouse

HANDMADE_AS_OF = date(2026, 7, 20)


def warehouse_in(root: Path) -> Warehouse:
    return Warehouse(path=str(root / "warehouse.duckdb"), landing_dir=str(root / "landing"))


def copied_site(site: Path, target: Path) -> Warehouse:
    """A warehouse of its own in target: a copy of the built folder."""
    shutil.copytree(site, target, dirs_exist_ok=True)
    return warehouse_in(target)
