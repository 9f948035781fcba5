"""对账 / Reconciliation page on the shared generated build (tests/reconciled_sample.py):
the statement, the classes, the dispute file; in Chinese and English; and in Chromium
with screenshots (test-output/screenshots/reconciliation_*.png)."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from conftest import PASSWORD
from reconciled_sample import reconciled_warehouse
from streamlit.testing.v1 import AppTest
from test_dash_e2e import (  # the Chromium helpers and its `browser` fixture
    SHOTS,
    By,
    Keys,
    WebDriverWait,
    browser,  # noqa: F401
    choose_language,
    settle,
    streamlit_server,
)

from dashboards import fmt, warehouse
from dashboards import reconciliation as r
from dashboards.labels import t
from dashboards.queries import Viewer
from dashboards.users import add_user

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
ADMIN = Viewer("admin-p3001", "partner_admin", "P3001", None)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return reconciled_warehouse(tmp_path_factory).published_root


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, published_root: Path, users_file: Path) -> Path:
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(published_root))
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(users_file))
    return published_root


def open_page(viewer: Viewer, lang: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = viewer
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/reconciliation.py").run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_shows_the_statement_classes_and_dispute_file(env, lang):
    at = open_page(ADMIN, lang)
    assert at.title[0].value == t("page_reconciliation", lang)
    metrics = {m.label: m.value for m in at.metric}
    with warehouse.current(env).cursor() as con:
        row = con.execute(
            """select huawei_amount, warehouse_amount, difference, disputable_amount
            from marts.reconciliation_statements where partner_id = 'P3001'"""
        ).fetchone()
    assert row is not None
    huawei, rules, difference, disputable = row
    assert huawei + difference == rules
    assert metrics[t("huawei_amount", lang)] == fmt.money(huawei)
    assert metrics[t("difference", lang)] == fmt.money(difference)
    assert metrics[t("disputable_amount", lang)] == fmt.money(disputable)
    labels = [tab.label for tab in at.tabs]
    assert len(labels) == 5 and labels[0].startswith(t("lines_of_class", lang).split("{")[0])
    buttons = [b.proto.label for b in at.get("download_button")]
    assert t("export_dispute_csv", lang) in buttons and t("export_dispute_excel", lang) in buttons


def test_only_the_settlement_partner_admin_reconciles(env):
    others = open_page(Viewer("admin-d1", "partner_admin", "P1001", None), "en")
    assert others.info[0].value == t("no_reconciliation", "en")
    # an admin-only page: the app registers no reconciliation page for staff at all
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(Viewer("cm", "customer_manager", "P3001", "S1"), "en")


def line(**values: object) -> dict[str, object]:
    base = dict.fromkeys(
        [
            "billing_period",
            "transaction_type",
            "order_no",
            "resource_id",
            "usage_date",
            "project_id",
            "customer_name",
            "account_name",
            "product_type",
            "incentive_type",
            "match_class",
            "differing_component",
            "huawei_amount",
            "warehouse_amount",
            "difference",
            "huawei_eligible_amount",
            "warehouse_eligible_amount",
            "huawei_rate",
            "warehouse_rate",
            "policy_id",
            "association_id",
            "association_type",
            "attributed_partner_id",
            "detail_id",
            "source_file",
            "source_row",
        ]
    )
    return base | values


def test_dispute_file_has_chinese_headers_evidence_and_totals():
    """Two disputable lines by hand: a wrong rate (10.00 - 8.00 = 2.00) and a line Huawei
    missed (15.00): totals 8.00 paid, 25.00 due, 17.00 to claim."""
    lines = pl.DataFrame(
        [
            line(
                billing_period="202606",
                transaction_type="order",
                order_no="o2",
                incentive_type="base",
                match_class="amount_differs",
                differing_component="rate",
                huawei_amount=Decimal("8.00"),
                warehouse_amount=Decimal("10.00"),
                difference=Decimal("2.00"),
                warehouse_rate=Decimal("0.05"),
                policy_id="POL1",
                association_id="a1",
                association_type="referral",
                detail_id="h2",
                source_file="huawei_incentive_details/2026-07-03/f.csv",
                source_row=3,
            ),
            line(
                billing_period="202606",
                transaction_type="order",
                order_no="o5",
                incentive_type="base",
                match_class="only_in_warehouse",
                warehouse_amount=Decimal("15.00"),
                difference=Decimal("15.00"),
                warehouse_rate=Decimal("0.05"),
                policy_id="POL3",
                association_id="a1",
                association_type="referral",
            ),
        ],
        infer_schema_length=None,
    )
    frame = r.dispute_frame(lines)
    assert frame.columns[:3] == ["账期", "明细类型", "订单号"]
    assert frame["对账结果"].to_list()[:2] == ["金额不一致", "华为遗漏"]
    assert frame["差异项"].to_list()[0] == "激励比例"
    evidence = frame["依据"].to_list()
    assert evidence[0] == (
        "关联 a1（顾问销售类）；政策 POL1 比例 0.05；"
        "华为明细 h2（huawei_incentive_details/2026-07-03/f.csv 第 3 行）"
    )
    assert evidence[1].endswith("华为激励明细中无此行")
    total = frame.row(2, named=True)
    assert total["账期"] == "合计"
    assert (total["华为激励金额"], total["按规则应得激励金额"], total["差额"]) == (
        Decimal("8.00"),
        Decimal("25.00"),
        Decimal("17.00"),
    )
    csv = r.dispute_csv(lines).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("账期,明细类型,订单号")
    workbook = pl.read_excel(io.BytesIO(r.dispute_xlsx(lines)))
    assert workbook.columns[0] == "账期" and workbook.height == 3


def test_reconciliation_in_chromium(published_root, tmp_path, browser):  # noqa: F811
    """A P3001 admin logs in, opens 对账, switches to English: screenshots of both."""
    users = tmp_path / "users.toml"
    add_user(users, "admin-p3001", PASSWORD, "partner_admin", "P3001", None, rounds=4)
    SHOTS.mkdir(parents=True, exist_ok=True)
    with streamlit_server(published_root, users, tmp_path / "streamlit.log") as url:
        browser.get(url)
        user = WebDriverWait(browser, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, f'input[aria-label="{t("username", "zh")}"]')
        )[0]
        user.send_keys("admin-p3001")
        password = browser.find_element(
            By.CSS_SELECTOR, f'input[aria-label="{t("password", "zh")}"]'
        )
        password.send_keys(PASSWORD)
        password.send_keys(Keys.ENTER)
        WebDriverWait(browser, 30).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, 'a[data-testid="stSidebarNavLink"]')
        )
        browser.find_elements(By.CSS_SELECTOR, 'a[data-testid="stSidebarNavLink"]')[-1].click()
        for lang in ("zh", "en"):
            if lang == "en":
                choose_language(browser, "en")
            WebDriverWait(browser, 30).until(
                lambda d, lg=lang: (
                    t("dispute_title", lg) in d.find_element(By.TAG_NAME, "body").text
                )
            )
            settle(browser)
            browser.save_screenshot(str(SHOTS / f"reconciliation_{lang}.png"))
            exceptions = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
            assert not exceptions, exceptions[0].text
