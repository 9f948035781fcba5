"""AppTest: every page renders on the fixture warehouse and shows what the marts hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PASSWORD, viewer_of
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from dashboards import fmt
from dashboards import queries as q
from dashboards.labels import t

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
PAGES = [
    "incentive_board",
    "incentive_details",
    "statements",
    "indicators",
    "customer_board",
    "customer_warnings",
    "sub_customers",
    "data_quality",
]
# Listed in a partner admin's menu only (dashboards/app.py).
ADMIN_ONLY = {"statements", "indicators", "data_quality"}


def open_page(user: str, page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["viewer"] = viewer_of(user)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, at.exception
    return at


def frame_values(at: AppTest, index: int = 0):
    """The typed values a table holds (what a click on a header sorts by)."""
    value = at.dataframe[index].value
    return getattr(value, "data", value)  # a Styler carries its frame in .data


def frame_text(at: AppTest, index: int = 0):
    """The text each cell of a table shows (the Styler's display values)."""
    proto = at.dataframe[index].proto
    return dataframe_util.convert_arrow_bytes_to_pandas_df(proto.arrow_data.styler.display_values)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_renders(app_env, page, lang):
    at = open_page("admin-d1", page, lang)
    assert at.title[0].value
    open_page("admin-r1", page, lang)
    if page not in ADMIN_ONLY:
        for user in ("sup1", "cm1", "sup-r1", "cm-r1"):
            open_page(user, page, lang)


def test_login_form_logs_in_and_rejects_a_wrong_password(app_env):
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    at.text_input(key="login_username").input("cm1")
    at.text_input(key="login_password").input("wrong password")
    at.button[0].click().run()
    assert at.error and "Wrong username or password" in at.error[0].value
    assert "viewer" not in at.session_state
    at.text_input(key="login_username").input("cm1")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception
    assert at.session_state["viewer"].staff_id == "CM1"
    assert at.title[0].value == "Incentive board"


def test_incentive_board_matches_the_mart(app_env, con):
    at = open_page("admin-d1", "incentive_board")
    (total,) = con.execute(
        "SELECT sum(incentive_amount) FROM marts.incentive_board WHERE partner_id='D1' AND year=2026"
    ).fetchone()
    assert at.metric[0].value == fmt.money(total)
    summary = frame_text(at)
    shown = dict(zip(summary["Customer manager"], summary["Incentive amount"], strict=True))
    # One row per manager id; the two 李娜 stay apart, each labelled with their id. 2026 rows:
    # CM1: 1200.00 + 45.00 - 300.00 + 150000.00 + 600.00 + 500.00 = 152045.00
    # CM2: 36000 x 5% = 1800.00; CM3: 18000 x 6% + 450.55 x 3% = 1080.00 + 13.52 = 1093.52
    # RCM1 (R1's customers, settled to D1): 360.00 + 69.00 + 21.00 + 400.00 = 850.00
    assert shown == {
        "李娜 (CM1)": "¥152,045.00",
        "王强": "¥1,800.00",
        "李娜 (CM3)": "¥1,093.52",
        "赵敏": "¥850.00",
    }
    # filter by customer manager: only 李娜 (CM1)
    at.selectbox(key="board_manager").select("CM1").run()
    assert at.metric[0].value == "¥152,045.00"
    assert list(frame_values(at)["Customer manager"]) == ["李娜 (CM1)"]


def test_incentive_details_search_total_and_pages(app_env, con):
    at = open_page("admin-d1", "incentive_details")
    at.text_input(key="details_search").input("ORD-20261007-005").run()
    (amount,) = con.execute(
        "SELECT incentive_amount FROM marts.incentive_details WHERE order_no='ORD-20261007-005'"
    ).fetchone()
    assert at.metric[0].value == fmt.money(amount)
    assert at.metric[1].value == "1"
    assert list(frame_values(at)["Order number"]) == ["ORD-20261007-005"]
    at.text_input(key="details_search").input("").run()
    at.multiselect(key="details_periods").select("202609").run()
    # The distributor's live total includes its resellers' customers (rule 1: they settle to it).
    (total,) = con.execute("""SELECT sum(incentive_amount) FROM marts.incentive_details
        WHERE partner_id='D1' AND billing_period='202609'""").fetchone()
    assert at.metric[0].value == fmt.money(total)


def test_statements_match_the_mart_and_highlight_overdue(app_env, con):
    at = open_page("admin-d1", "statements")
    shown = frame_text(at)
    rows = con.execute("""SELECT statement_id, incentive_amount, is_overdue
        FROM marts.incentive_statements WHERE partner_id='D1' ORDER BY billing_period DESC""").fetchall()
    assert list(shown["Statement ID"]) == [r[0] for r in rows]
    assert list(shown["Incentive amount"]) == [fmt.money(r[1]) for r in rows]
    assert list(shown["Overdue"]) == ["Yes" if r[2] else "No" for r in rows]
    assert at.metric[1].value == "1"
    at.selectbox(key="statement_choice").select("D1-202609").run()
    details = frame_values(at, 1)
    (n,) = con.execute(
        "SELECT count(*) FROM marts.incentive_details WHERE statement_id='D1-202609'"
    ).fetchone()
    assert len(details) == n


def test_indicators_match_the_mart(app_env, con):
    at = open_page("admin-d1", "indicators")
    shown = frame_text(at)
    rows = con.execute("""SELECT indicator_name_en, indicator_value, unit FROM marts.indicators
        WHERE partner_id='D1' AND reconciliation_period='202611'""").fetchall()
    # money with ¥, counts whole (the fixture's 202611: 12,000.50 spent, 5 active customers)
    assert dict(zip(shown["Indicator name"], shown["Indicator value"], strict=True)) == {
        name: fmt.money(value) if unit == "cny" else fmt.number(value) for name, value, unit in rows
    }
    assert shown["Indicator value"].tolist()[:2] == ["¥12,000.50", "¥222,000.50"]
    assert "5" in shown["Indicator value"].tolist()


def test_customer_board_matches_the_mart(app_env, con):
    at = open_page("admin-d1", "customer_board")
    at_end, revenue = con.execute("""SELECT customers_at_end, contributed_revenue
        FROM marts.customer_board_monthly WHERE partner_id='D1' ORDER BY period DESC LIMIT 1""").fetchone()
    assert at.metric[0].value == str(at_end)
    assert at.metric[3].value == fmt.money(revenue)
    at.selectbox(key="cb_dimension").select("industry").run()
    parts = frame_values(at, 1)
    assert set(parts["Value"]) == {"Retail", "Internet", "Gaming"}


def test_warnings_sub_customers_and_resources(app_env, con):
    at = open_page("admin-d1", "customer_warnings")
    assert len(at.tabs) == 2
    own, resellers = frame_values(at, 0), frame_values(at, 1)
    assert set(own["Customer name"]) == {"Acme Cloud Ltd", "北京星河科技", "Blue Ocean Retail"}
    assert list(resellers["Customer name"]) == ["杭州数智"]
    assert resellers["Detail"].isna().all()  # basic access: detail (amounts) hidden
    at = open_page("admin-d1", "sub_customers")
    subs = frame_values(at, 0)
    assert len(subs) == 6
    resources = frame_values(at, 1)
    expected = q.customer_resources(con, viewer_of("admin-d1"))
    assert list(resources["Resource ID"]) == expected["resource_id"].to_list()
    assert expected["customer_id"].to_list()  # only full-access customers' resources
    assert set(expected["customer_id"]) <= {"C1", "C2", "C3", "C4"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_reseller_admin_sees_its_customers_incentive_settled_to_the_distributor(app_env, lang):
    # R1's 4 rows: 360.00 + 69.00 + 21.00 + 400.00 = 850.00 (test_dash_access), settled to D1
    settled = t("settled_to_distributor", lang, name="华东云总代有限公司")
    details = open_page("admin-r1", "incentive_details", lang)
    assert [c.value for c in details.caption if c.value == settled] == [settled]
    assert [m.value for m in details.metric] == ["¥850.00", "4"]
    board = open_page("admin-r1", "incentive_board", lang)
    assert settled in [c.value for c in board.caption]
    assert board.selectbox(key="board_year").value == 2026
    assert board.metric[0].value == "¥850.00"
    statements = open_page("admin-r1", "statements", lang)
    assert not statements.dataframe
    assert statements.info[0].value == t(
        "statements_at_distributor", lang, name="华东云总代有限公司"
    )


def test_the_sidebar_names_the_publication(app_env):
    at = open_page("admin-d1", "incentive_board")
    assert "Data as of 23 Nov 2026 (run fixture-run-1)" in [c.value for c in at.sidebar.caption]
