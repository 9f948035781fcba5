"""The policy what-if page and the forecast panel on what the real pipeline publishes from
the hand-made set (figures by hand: tests/test_what_if.py)."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from handmade_site import HANDMADE_AS_OF, warehouse_in
from streamlit.testing.v1 import AppTest

from contract.published import published_warehouse
from dashboards import fmt
from dashboards.queries import Viewer
from pipelines.what_if import actual_policies

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
AS_OF = date(2026, 7, 20)
ADMIN = Viewer("admin", "partner_admin", "D1")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(handmade_site: Path) -> Path:
    """The hand-made set built as of AS_OF (conftest): its published folder, read only."""
    assert AS_OF == HANDMADE_AS_OF
    return warehouse_in(handmade_site).published_root


def opened(published: Path, monkeypatch, page: str, viewer: Viewer, lang: str) -> AppTest:
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(published))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = viewer
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_actual_library_shows_no_difference(published, monkeypatch, lang) -> None:
    at = opened(published, monkeypatch, "what_if", ADMIN, lang)
    # D1's incentive: 252.40 in 202606 (tests/test_what_if.py), scenario = actual.
    assert [m.value for m in at.metric] == [
        fmt.money(Decimal("252.40")),
        fmt.money(Decimal("252.40")),
        fmt.money(Decimal("0.00")),
    ]


def test_a_saved_scenario_is_loaded_by_name(published, monkeypatch) -> None:
    with duckdb.connect(str(published_warehouse(published)), read_only=True) as con:
        without_pol2 = actual_policies(con).filter(pl.col("policy_id") != "POL-2")
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(published))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = ADMIN
    at.session_state["lang"] = "en"
    at.session_state["what_if_saved_scenarios"] = {"no POL-2": without_pol2}
    at.run()
    at.switch_page("views/what_if.py").run()
    at.selectbox(key="what_if_chosen").set_value("no POL-2").run()
    assert not at.exception, at.exception
    # Without POL-2, O4's 200.00 goes: 252.40 -> 52.40.
    assert [m.value for m in at.metric] == [
        fmt.money(Decimal("252.40")),
        fmt.money(Decimal("52.40")),
        fmt.money(Decimal("-200.00")),
    ]


def test_staff_do_not_see_the_what_if(published, monkeypatch) -> None:
    # an admin-only page: the app registers no what-if page for a customer manager at all
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        opened(
            published, monkeypatch, "what_if", Viewer("cm", "customer_manager", "D1", "CM-D"), "en"
        )


@pytest.mark.parametrize("page", ["statements", "incentive_board"])
def test_forecast_is_labelled_as_such(published, monkeypatch, page) -> None:
    at = opened(published, monkeypatch, page, Viewer("admin-s1", "partner_admin", "S1"), "en")
    assert any("forecast" in h.value.lower() for h in at.subheader)
    # S1 as of 07-20 (tests/test_what_if.py): July -3.29 forecast, August 13.29.
    labels = {m.label: m.value for m in at.metric}
    assert labels["Open period (forecast) · Jul 2026"] == fmt.money(Decimal("-3.29"))
    assert labels["Next period (forecast) · Aug 2026"] == fmt.money(Decimal("13.29"))
