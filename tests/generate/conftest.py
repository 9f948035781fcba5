"""Generated landing sets shared by the generator's tests (generated once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
from landing_reader import ARGS

from tools.generate import generate_landing


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The landing root of the default test arguments and the row counts returned."""
    out = tmp_path_factory.mktemp("landing")
    return out, generate_landing(out, **ARGS)


@pytest.fixture(scope="session")
def landing(generated: tuple[Path, dict[str, int]]) -> Path:
    return generated[0]
