"""What dbt gives the macros, for linting the models with sqlfluff's jinja templater.

`.sqlfluff` loads the project's real macros (dbt_project/macros) and this package as the
templater's library: its public names are the dbt context those macros read (`adapter`,
`execute`, `flags`, `run_query`, `builtins`, `env_var`), so no macro is restated for the
linter. The models are linted as DuckDB (`adapter.dispatch` picks the `default__` macro)
and on their incremental path (sqlfluff's `is_incremental()` is true, and a previous build
is taken to exist), the path a daily run takes.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context
from sqlfluff.core.templaters.builtins.dbt import DBT_BUILTINS, RelationEmulator

# A value a query on the previous build returns: a date literal, so a watermark (`| int`)
# reads 0 and a date bound is a valid date.
_QUERY_VALUE = "2026-07-01"

execute = True


class _Flags:
    FULL_REFRESH = False
    WHICH = "build"


flags = _Flags()


class _Adapter:
    """The parts of dbt's `adapter` the macros call, as the DuckDB adapter answers."""

    @staticmethod
    @pass_context
    def dispatch(context: Context, macro_name: str, macro_namespace: str | None = None) -> Any:
        return context.resolve_or_missing(f"default__{macro_name}")

    @staticmethod
    def get_relation(**kwargs: Any) -> RelationEmulator:
        return RelationEmulator(kwargs.get("identifier", "previous_relation"))


adapter = _Adapter()


class _Column:
    def values(self) -> list[str]:
        return [_QUERY_VALUE]


class _QueryResult:
    """One row of one value per column, like the agate table dbt's run_query returns."""

    rows = ((_QUERY_VALUE, _QUERY_VALUE),)
    columns = (_Column(), _Column())


def run_query(sql: str) -> _QueryResult:
    return _QueryResult()


class _Builtins:
    """dbt's own ref and source, which the project's ref/source macros wrap."""

    ref = DBT_BUILTINS["ref"]
    source = DBT_BUILTINS["source"]


builtins = _Builtins()


def env_var(name: str, default: str = "") -> str:
    """dbt's env_var, absent from sqlfluff's dbt builtins: the default stands in."""
    return default
