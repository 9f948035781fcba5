"""Generated landing sets shared by the generator's tests (generated once per session)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipelines.generate import generate_landing

# Small but long enough for three closed months (so every statement event type) and
# every scripted case.
ARGS = {"seed": 7, "scale": 0.2, "start": date(2026, 6, 1), "days": 120}


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The landing root of the default test arguments and the row counts returned."""
    out = tmp_path_factory.mktemp("landing")
    return out, generate_landing(out, **ARGS)


@pytest.fixture(scope="session")
def landing(generated: tuple[Path, dict[str, int]]) -> Path:
    return generated[0]
