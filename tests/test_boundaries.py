"""The rooms import one way: `contract` imports neither the pipeline nor the dashboards, the
pipeline never imports the dashboards, and the dashboards take from the pipeline only the
analyses of a published copy they share with the CLI (what-if, forecast)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Modules of `pipelines` the dashboards may import: computations on a published copy.
SHARED_ANALYSES = {"pipelines.forecast", "pipelines.what_if"}


def imported_modules(package: str) -> dict[str, set[str]]:
    """Every module a package's files import, by file."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def crossings(package: str, other: str, allowed: set[str] = frozenset()) -> dict[str, set[str]]:
    return {
        file: bad
        for file, names in imported_modules(package).items()
        if (bad := {n for n in names if n.split(".")[0] == other and n not in allowed})
    }


def test_the_contract_imports_neither_side() -> None:
    assert crossings("contract", "pipelines") == {}
    assert crossings("contract", "dashboards") == {}


def test_the_pipeline_does_not_import_the_dashboards() -> None:
    assert crossings("pipelines", "dashboards") == {}


def test_the_dashboards_import_only_the_shared_analyses_of_the_pipeline() -> None:
    assert crossings("dashboards", "pipelines", SHARED_ANALYSES) == {}


def test_the_shipped_packages_do_not_import_the_tools() -> None:
    # The wheel has no `tools` (pyproject.toml); `partner-warehouse` reaches it by name only.
    for package in ("contract", "pipelines", "dashboards", "partner_warehouse"):
        assert crossings(package, "tools") == {}, package
