"""No page reads the wall clock: "today" is the publication's as-of date (marts.publication).

Two checks. Statically, no module under dashboards/ calls `today()`, `now()` or the `time`
module's clock. Dynamically, every page renders the same under the real clock and under
clocks frozen far from the as-of date (2026-11-23 in the fixture): one in 2025, a year the
board has data for (a default year taken from the clock would pick it), and one years
later (every resource would look expired).
"""

from __future__ import annotations

import ast
import datetime as dt
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import viewer_of
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block, Node

REAL_DATE, REAL_DATETIME = dt.date, dt.datetime
DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
APP = str(DASHBOARDS / "app.py")
PAGES = sorted(p.stem for p in (DASHBOARDS / "views").glob("*.py"))
FROZEN = [
    dt.datetime(2025, 1, 15, 4, 30, tzinfo=dt.UTC),
    dt.datetime(2031, 7, 1, 23, 59, tzinfo=dt.UTC),
]
# Any `.now()`/`.today()`/`.utcnow()` (date, datetime, pandas, ...) and the time module's
# wall clock. `time.monotonic` stays allowed: the login rate limit measures durations.
CLOCK_ATTRIBUTES = {"now", "today", "utcnow"}
TIME_CLOCK = {"time", "time_ns", "localtime", "gmtime", "ctime"}


def clock_calls(path: Path) -> list[str]:
    """`file:line call` of every wall-clock call in a module."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        attr, owner = node.func.attr, node.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        if attr in CLOCK_ATTRIBUTES or (owner_name == "time" and attr in TIME_CLOCK):
            found.append(f"{path.relative_to(DASHBOARDS.parent)}:{node.lineno} {attr}()")
    return found


def test_no_dashboard_module_reads_the_wall_clock() -> None:
    modules = sorted(DASHBOARDS.rglob("*.py"))
    assert len(modules) > 10
    assert [call for path in modules for call in clock_calls(path)] == []


class _FrozenType(type):
    """Real dates and datetimes (from DuckDB, polars) still count as instances."""

    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, cls.__mro__[1])

    def __subclasscheck__(cls, sub: type) -> bool:
        return issubclass(sub, cls.__mro__[1])


def _real_type(value: object) -> type | None:
    """The real date or datetime class `value` is, or stands for (an earlier freeze)."""
    if isinstance(value, _FrozenType):
        value = value.__mro__[1]
    return value if value in (REAL_DATE, REAL_DATETIME) else None


def frozen_types(instant: dt.datetime) -> tuple[type, type]:
    class FrozenDate(REAL_DATE, metaclass=_FrozenType):
        @classmethod
        def today(cls) -> dt.date:
            return instant.astimezone().date()

    class FrozenDatetime(REAL_DATETIME, metaclass=_FrozenType):
        @classmethod
        def now(cls, tz: dt.tzinfo | None = None) -> dt.datetime:
            return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)

        @classmethod
        def today(cls) -> dt.datetime:
            return cls.now()

        @classmethod
        def utcnow(cls) -> dt.datetime:
            return instant.astimezone(dt.UTC).replace(tzinfo=None)

    return FrozenDate, FrozenDatetime


@pytest.fixture
def freeze(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """freeze(instant): from then on `time.time()`, `date.today()` and `datetime.now()`
    answer `instant`, wherever they are called from: in the `datetime` and `time` modules
    (page scripts import them afresh on every run) and in every loaded dashboards module."""

    def _freeze(instant: dt.datetime) -> None:
        frozen_date, frozen_datetime = frozen_types(instant)
        monkeypatch.setattr(time, "time", lambda: instant.timestamp())
        monkeypatch.setattr(time, "time_ns", lambda: int(instant.timestamp() * 1e9))
        monkeypatch.setattr(dt, "date", frozen_date)
        monkeypatch.setattr(dt, "datetime", frozen_datetime)
        frozen = {REAL_DATE: frozen_date, REAL_DATETIME: frozen_datetime}
        for name, module in list(sys.modules.items()):
            if name == "dashboards" or name.startswith("dashboards."):
                for attr, value in list(vars(module).items()):
                    real = _real_type(value)
                    if real is not None:
                        monkeypatch.setattr(module, attr, frozen[real])

    yield _freeze


def _elements(node: Node) -> Iterator[Node]:
    for child in getattr(node, "children", {}).values():
        if isinstance(child, Block):
            yield from _elements(child)
        else:
            yield child


def page_output(user: str, page: str, lang: str) -> list[tuple[str, object]]:
    """Every element the page shows, with its value (tables as lists of cells)."""
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["viewer"] = viewer_of(user)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    shown = []
    for element in _elements(at._tree):
        try:
            value = element.value
        except (AttributeError, NotImplementedError):  # charts: compare what they draw
            value = str(element.proto)
        value = getattr(value, "data", value)  # a Styler carries its frame in .data
        if hasattr(value, "to_dict"):  # typed cells: a missing one is None (NaN != NaN)
            value = value.astype(object).where(value.notna(), None).to_dict("list")
        shown.append((type(element).__name__, value))
    return shown


@pytest.mark.parametrize("page", PAGES)
def test_pages_show_the_same_under_any_clock(app_env, freeze, page: str) -> None:
    users = ("admin-d1", "admin-r1")
    real_clock = {user: page_output(user, page, "en") for user in users}
    assert dt.date.today().year >= 2026  # the real clock really is not frozen yet
    for instant in FROZEN:
        freeze(instant)
        assert dt.date.today() == instant.astimezone().date()
        for user in users:
            assert page_output(user, page, "en") == real_clock[user], (user, instant)
