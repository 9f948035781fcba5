"""End to end in real headless Chromium: log in, search, live total, CSV export, screenshots.

Needs Debian's `chromium` and `chromium-driver` and the `selenium` package; skipped
without them. Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from conftest import PASSWORD

from dashboards import fmt
from dashboards.labels import t

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver")
if not (CHROMIUM and DRIVER):
    pytest.skip("chromium / chromedriver not installed", allow_module_level=True)

from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait as SeleniumWait  # noqa: E402


class WebDriverWait(SeleniumWait):
    """Selenium's wait, retrying also when Streamlit re-rendered an element between finding it
    and reading it (a CI run failed on a heading replaced under `.text`)."""

    def __init__(self, driver, timeout: float, **kwargs) -> None:
        kwargs.setdefault("ignored_exceptions", (StaleElementReferenceException,))
        super().__init__(driver, timeout, **kwargs)


PAGES = [
    "incentive_board",
    "incentive_details",
    "statements",
    "indicators",
    "what_if",
    "customer_board",
    "customer_warnings",
    "sub_customers",
    "data_quality",
    "reconciliation",
]
ORDER_NO = "ORD-20261007-005"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(published: Path, users_file: Path, log_path: Path) -> Iterator[str]:
    """The dashboards served on a free local port, on these files; yields the URL. The
    server's stdout and stderr (its log) go to `log_path`."""
    port = free_port()
    env = {
        **os.environ,
        "PARTNER_WAREHOUSE_PUBLISHED": str(published),
        "PARTNER_WAREHOUSE_USERS": str(users_file),
    }
    log = open(log_path, "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboards" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(log_path.read_text())
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture
def server(published, users_file, tmp_path):
    with streamlit_server(published, users_file, tmp_path / "streamlit.log") as url:
        yield url


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chrome-profile'}",
        "--window-size=1440,1000",
    ):
        options.add_argument(flag)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads)})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.downloads = downloads
    yield driver
    driver.quit()


def wait_text(driver, text: str, timeout: float = 20) -> None:
    WebDriverWait(driver, timeout).until(lambda d: text in d.find_element(By.TAG_NAME, "body").text)


def nav_link(driver, page: str):
    """The sidebar link of a page (the first page's link is the app root)."""
    links = driver.find_elements(By.CSS_SELECTOR, 'a[data-testid="stSidebarNavLink"]')
    return links[PAGES.index(page)]


def settle(driver) -> None:
    """Wait until Streamlit has finished running the script (no 'running' widget)."""
    time.sleep(0.5)
    WebDriverWait(driver, 20).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
    )
    time.sleep(0.7)


def test_end_to_end_in_chromium(server, browser, published):
    lang = "zh"
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(server)
    user = WebDriverWait(browser, 30).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, f'input[aria-label="{t("username", lang)}"]')
        )
    )
    settle(browser)
    browser.save_screenshot(str(SHOTS / "00_login.png"))
    user.send_keys("admin-d1")
    password = browser.find_element(By.CSS_SELECTOR, f'input[aria-label="{t("password", lang)}"]')
    password.send_keys(PASSWORD)
    password.send_keys(Keys.ENTER)
    wait_text(browser, t("page_incentive_details", lang), 30)

    for i, page in enumerate(PAGES, start=1):
        nav_link(browser, page).click()
        WebDriverWait(browser, 20).until(
            lambda d, p=page: (
                d.find_elements(By.TAG_NAME, "h1")
                and d.find_element(By.TAG_NAME, "h1").text.startswith(t(f"page_{p}", lang))
            )
        )
        settle(browser)
        n_charts = len(browser.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"]'))
        WebDriverWait(browser, 20).until(
            lambda d, n=n_charts: (
                len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"] .main-svg'))
                >= n
            )
        )
        time.sleep(0.5)
        browser.save_screenshot(str(SHOTS / f"{i:02d}_{page}.png"))
        exceptions = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
        assert not exceptions, exceptions[0].text

    # incentive details: search by order number, live total, CSV export
    nav_link(browser, "incentive_details").click()
    box = WebDriverWait(browser, 20).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, f'input[aria-label="{t("search", lang)}"]')
        )
    )
    settle(browser)
    box.send_keys(ORDER_NO, Keys.ENTER)
    with duckdb.connect(
        str(published / (published / "CURRENT").read_text().strip()), read_only=True
    ) as con:
        row = con.execute(
            """SELECT order_no, customer_name, incentive_amount, eligible_amount
            FROM marts.incentive_details WHERE order_no = ?""",
            [ORDER_NO],
        ).fetchone()
    WebDriverWait(browser, 20).until(
        lambda d: any(
            m.text.endswith(fmt.money(row[2]))
            for m in d.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')
        )
    )
    settle(browser)
    metrics = [m.text for m in browser.find_elements(By.CSS_SELECTOR, '[data-testid="stMetric"]')]
    assert metrics[0].splitlines() == [t("filtered_total", lang), fmt.money(row[2])]
    assert metrics[1].splitlines() == [t("filtered_rows", lang), "1"]
    browser.save_screenshot(str(SHOTS / "08_incentive_details_search.png"))

    button = next(
        b
        for b in browser.find_elements(By.CSS_SELECTOR, "button")
        if b.text.strip() == t("export_csv", lang)
    )
    button.click()
    target = browser.downloads / "incentive-details.csv"
    for _ in range(100):
        if target.exists() and target.stat().st_size > 0:
            break
        time.sleep(0.2)
    exported = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert len(exported) == 1
    assert exported[0][t("order_no", lang)] == row[0]
    assert exported[0][t("customer_name", lang)] == row[1]
    assert exported[0][t("incentive_amount", lang)] == str(row[2])
    assert exported[0][t("eligible_amount", lang)] == str(row[3])


def choose_language(driver, lang: str) -> None:
    """Pick the language in the sidebar's selectbox (labelled in the page's language)."""
    box = driver.find_element(
        By.CSS_SELECTOR,
        f'[aria-label="{t("language", "zh")}"], [aria-label="{t("language", "en")}"]',
    )
    box.click()
    label = {"zh": "中文", "en": "English"}[lang]
    option = WebDriverWait(driver, 10).until(
        lambda d: next(
            (o for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]') if o.text == label),
            None,
        )
    )
    option.click()
    settle(driver)


def test_reseller_admin_in_chromium(server, browser):
    # R1 is a reseller: its customers' rows (850.00 in all, test_dash_access) settle to D1.
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.get(server)
    user = WebDriverWait(browser, 30).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, f'input[aria-label="{t("username", "zh")}"]')
        )
    )
    settle(browser)
    user.send_keys("admin-r1")
    password = browser.find_element(By.CSS_SELECTOR, f'input[aria-label="{t("password", "zh")}"]')
    password.send_keys(PASSWORD, Keys.ENTER)
    wait_text(browser, t("page_incentive_details", "zh"), 30)
    for lang in ("zh", "en"):
        if lang != "zh":
            choose_language(browser, lang)
        for page in ("incentive_details", "incentive_board"):
            nav_link(browser, page).click()
            wait_text(browser, t("settled_to_distributor", lang, name="华东云总代有限公司"))
            settle(browser)
            n_charts = len(browser.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"]'))
            WebDriverWait(browser, 20).until(
                lambda d, n=n_charts: (
                    len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"] .main-svg'))
                    >= n
                )
            )
            time.sleep(0.5)
            body = browser.find_element(By.TAG_NAME, "body").text
            assert fmt.money("850.00") in body, page
            assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
            browser.save_screenshot(str(SHOTS / f"reseller_{lang}_{page}.png"))
