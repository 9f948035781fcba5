"""The dbt project, on its own so `dagster-dbt project prepare-and-package` can import it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

# dagster-dbt looks dbt up on PATH; the dbt installed beside this interpreter is the one the
# project pins, also when the virtual environment is not activated.
_BIN = str(Path(sys.executable).parent)
if (Path(_BIN) / "dbt").exists() and _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = os.pathsep.join([_BIN, os.environ.get("PATH", "")])

# `dbt parse` renders the profile but never connects, so any path does for it; every run
# points dbt at its own working file (pipelines/dbt/assets.py).
os.environ.setdefault("PARTNER_WAREHOUSE_PATH", str(PROJECT_DIR / "target" / "parse.duckdb"))

dbt_project = DbtProject(project_dir=PROJECT_DIR, profiles_dir=PROJECT_DIR)
# Under `dagster dev` the manifest is rebuilt from the models; elsewhere it is prepared
# before the definitions load (`partner-warehouse prepare`, run by set-up and CI).
dbt_project.prepare_if_dev()
