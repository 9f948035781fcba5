"""In real headless Chromium: clicking a money column's header sorts it by value, and a
language switch relabels the filters. Needs chromium, chromium-driver and selenium
(skipped without them, like test_dash_e2e). Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import time
from decimal import Decimal

import duckdb
import test_dash_e2e as e2e
from conftest import PASSWORD
from test_dash_e2e import (
    SHOTS,
    By,
    Keys,
    WebDriverWait,
    choose_language,
    ec,
    nav_link,
    settle,
    wait_text,
    webdriver,
)

from dashboards.labels import t

# the served dashboards and the browser of test_dash_e2e (pytest finds fixtures by name)
server, browser = e2e.server, e2e.browser


def log_in(driver, url: str, user: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.get(url)
    box = WebDriverWait(driver, 30).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, f'input[aria-label="{t("username", "zh")}"]')
        )
    )
    settle(driver)
    box.send_keys(user)
    password = driver.find_element(By.CSS_SELECTOR, f'input[aria-label="{t("password", "zh")}"]')
    password.send_keys(PASSWORD, Keys.ENTER)
    wait_text(driver, t("page_incentive_details", "zh"), 30)


def grid_column(grid, index: int) -> list[str]:
    """One column of a table as the grid holds it, in the order shown (the grid's
    accessibility table: the canvas itself has no text)."""
    values = []
    for row in grid.find_elements(By.CSS_SELECTOR, '[role="row"]'):
        cells = row.find_elements(By.CSS_SELECTOR, '[role="gridcell"]')
        if cells:
            values.append(cells[index].get_attribute("textContent"))
    return values


def click_header_until(driver, grid, done) -> bool:
    """Click along the header row, left to right, until `done()` holds. The header is
    drawn on a canvas: its cells have no element to click, so the row is scanned."""
    width = grid.size["width"]
    for x in range(15, width - 5, 30):
        webdriver.ActionChains(driver).move_to_element_with_offset(
            grid, x - width // 2, 17 - grid.size["height"] // 2
        ).click().perform()
        deadline = time.monotonic() + 1.5  # the grid redraws after a click; slower under load
        while time.monotonic() < deadline:
            if done():
                return True
            time.sleep(0.2)
    return False


def test_a_money_header_click_sorts_by_value(server, browser, published):
    log_in(browser, server, "admin-d1")
    nav_link(browser, "statements").click()
    wait_text(browser, t("drill_down", "zh"))
    settle(browser)
    with duckdb.connect(
        str(published / (published / "CURRENT").read_text().strip()), read_only=True
    ) as con:
        amounts = [
            r[0]
            for r in con.execute(
                "SELECT incentive_amount FROM marts.incentive_statements WHERE partner_id = 'D1'"
            ).fetchall()
        ]
    grid = browser.find_elements(By.CSS_SELECTOR, '[data-testid="stDataFrame"]')[0]
    WebDriverWait(browser, 20).until(lambda d: len(grid_column(grid, 0)) == len(amounts))
    headers = [
        h.get_attribute("textContent")
        for h in grid.find_elements(By.CSS_SELECTOR, '[role="columnheader"]')
    ]
    column = headers.index(t("incentive_amount", "zh"))
    shown = lambda: [Decimal(v) for v in grid_column(grid, column)]  # noqa: E731
    # newest period first: as text ¥152,901.00 would sort before ¥369.00 and ¥913.52
    assert sorted(shown()) == sorted(amounts) and shown() != sorted(amounts)
    assert click_header_until(browser, grid, lambda: shown() == sorted(amounts))
    browser.save_screenshot(str(SHOTS / "statements_sorted_by_amount_zh.png"))
    text_order = sorted(amounts, key=lambda a: f"¥{a:,.2f}")
    assert text_order != sorted(amounts)  # the data tells the two orders apart


def test_a_language_switch_relabels_the_board_filters(server, browser):
    log_in(browser, server, "admin-d1")
    nav_link(browser, "incentive_board").click()
    settle(browser)
    choose_language(browser, "en")
    wait_text(browser, t("page_incentive_board", "en"))
    settle(browser)
    browser.save_screenshot(str(SHOTS / "board_after_switch_en.png"))
    shown = {
        label: browser.find_element(By.CSS_SELECTOR, f'input[aria-label="{label}"]').get_attribute(
            "value"
        )
        for label in ("Year", "Supervisor", "Customer manager")
    }
    assert shown == {"Year": "2026", "Supervisor": "All", "Customer manager": "All"}
