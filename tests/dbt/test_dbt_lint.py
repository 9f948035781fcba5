"""The dbt models stay lint-clean (sqlfluff, dialect duckdb, jinja templater; see .sqlfluff)."""

from __future__ import annotations

import json
import subprocess

from dbt_fixtures import REPO


def test_sqlfluff_lint_models() -> None:
    result = subprocess.run(
        [
            str(REPO / ".venv" / "bin" / "sqlfluff"),
            "lint",
            "dbt_project/models",
            "--nofail",
            "--format",
            "json",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )

    files = json.loads(result.stdout)
    problems = [
        f"{f['filepath']}:{v['start_line_no']} {v['code']} {v['description']}"
        for f in files
        for v in f["violations"]
    ]
    assert not problems, "\n".join(problems)
