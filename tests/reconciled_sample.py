"""One pipeline build of generated data with Huawei's export, shared by the reconciliation
tests of tests/dbt and tests/dashboards in a session: 40 days from 2026-06-01 (June is
closed: its statement was generated and Huawei's June export landed on July 3)."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.run import run_pipeline
from pipelines.warehouse import Warehouse
from tools.generate import generate_landing

ARGS = {"scale": 1.25, "start": date(2026, 6, 1), "days": 40}
AS_OF = date(2026, 7, 12)


def reconciled_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """The built warehouse, built once per session (the second caller finds it)."""
    root = tmp_path_factory.getbasetemp() / "reconciled_sample"
    built = Warehouse(path=str(root / "warehouse.duckdb"), landing_dir=str(root / "landing"))
    if (root / "built").exists():
        return built
    generate_landing(root / "landing", plain=True, **ARGS)
    summary = run_pipeline(built, AS_OF)
    assert summary.success, summary.error
    (root / "built").touch()
    return built
