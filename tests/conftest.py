"""Session fixtures: the hand-made landing set built once (tests/handmade_site.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from handmade_landing import write_landing
from handmade_site import HANDMADE_AS_OF, copied_site, warehouse_in

from pipelines.run import run_pipeline
from pipelines.warehouse import Warehouse


@pytest.fixture(scope="session")
def handmade_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The folder of a warehouse built from the hand-made set as of HANDMADE_AS_OF: never
    written after this fixture; copy it (`copied_site`) to run or change anything."""
    root = tmp_path_factory.mktemp("handmade-site")
    write_landing(root / "landing")
    summary = run_pipeline(warehouse_in(root), HANDMADE_AS_OF)
    assert summary.success, summary.error
    return root


@pytest.fixture(scope="module")
def handmade_copy(handmade_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The module's own copy of the built hand-made warehouse."""
    return copied_site(handmade_site, tmp_path_factory.mktemp("handmade-copy"))
