"""In real headless Chromium: a damaged newest publication, only damaged publications, and a
users file with bad entries. The page says what happened in a sentence, never with a path or
DuckDB's words (those are in the server log). Screenshots go to test-output/screenshots/.
"""

from __future__ import annotations

import pytest
from broken_copies import DAMAGES
from conftest import PASSWORD, viewer_of
from fixture_warehouse import publish
from test_dash_e2e import (
    SHOTS,
    By,
    Keys,
    WebDriverWait,
    browser,
    ec,
    settle,
    streamlit_server,
    wait_text,
)
from test_dash_users_file import BAD_FILE

from dashboards import fmt, warehouse
from dashboards import queries as q
from dashboards.labels import DEFAULT_LANG, t

__all__ = ["browser"]  # the fixture, used by name


def log_in(driver, url: str, username: str, lang: str) -> None:
    """Open a fresh session (a page load is one), in Chinese, switch to `lang` and submit the
    login form."""
    driver.get(url)
    WebDriverWait(driver, 30).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, f'input[aria-label="{t("username", DEFAULT_LANG)}"]')
        )
    )
    settle(driver)
    if lang != DEFAULT_LANG:
        choose_english(driver)
    user = driver.find_element(By.CSS_SELECTOR, f'input[aria-label="{t("username", lang)}"]')
    user.send_keys(username)
    password = driver.find_element(By.CSS_SELECTOR, f'input[aria-label="{t("password", lang)}"]')
    password.send_keys(PASSWORD, Keys.ENTER)


def choose_english(driver) -> None:
    driver.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"] input[role="combobox"]').click()
    WebDriverWait(driver, 10).until(
        lambda d: [
            o for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]') if o.text == "English"
        ]
    )
    next(
        o for o in driver.find_elements(By.CSS_SELECTOR, '[role="option"]') if o.text == "English"
    ).click()
    wait_text(driver, "Username")
    settle(driver)


def body(driver) -> str:
    return driver.find_element(By.TAG_NAME, "body").text


def assert_nothing_raw(driver, *secrets: str) -> None:
    """No exception box, no DuckDB message, none of these strings (paths) on the page."""
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')
    text = body(driver)
    for raw in ("IO Error", "Traceback", "duckdb.", "Catalog Error", *secrets):
        assert raw not in text, raw


def test_a_damaged_newest_copy_shows_a_notice_and_the_older_data(browser, tmp_path, users_file):
    folder = tmp_path / "published"
    publish(folder, 1)
    with warehouse.current(folder).cursor() as cur:
        total = q.incentive_details_totals(cur, viewer_of("admin-d1"), q.DetailFilter())
    publish(folder, 2)
    DAMAGES["truncated"](folder / "warehouse-2.duckdb")
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_path = tmp_path / "streamlit.log"
    with streamlit_server(folder, users_file, log_path) as url:
        log_in(browser, url, "admin-d1", "zh")
        notice = t("older_warehouse", "zh", newest="warehouse-2.duckdb", name="warehouse-1.duckdb")
        wait_text(browser, notice, 30)
        wait_text(browser, t("warehouse_file", "zh", name="warehouse-1.duckdb"))
        details = browser.find_elements(By.CSS_SELECTOR, 'a[data-testid="stSidebarNavLink"]')[1]
        details.click()
        # The older copy's figures: version 2 doubles every amount.
        wait_text(browser, fmt.money(total.incentive_amount), 30)
        settle(browser)
        assert notice in body(browser)
        assert_nothing_raw(browser, str(tmp_path))
        browser.save_screenshot(str(SHOTS / "readers_a_damaged_newest_copy.png"))
    log = log_path.read_text()
    assert f"published copy {folder / 'warehouse-2.duckdb'} cannot be used: DuckDB cannot" in log


def test_only_a_damaged_copy_shows_a_sentence(browser, tmp_path, users_file):
    folder = tmp_path / "published"
    publish(folder, 1)
    DAMAGES["overwritten header"](folder / "warehouse-1.duckdb")
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_path = tmp_path / "streamlit.log"
    with streamlit_server(folder, users_file, log_path) as url:
        log_in(browser, url, "admin-d1", "en")
        wait_text(browser, t("no_good_warehouse", "en"), 30)
        settle(browser)
        assert_nothing_raw(browser, str(tmp_path), "warehouse-1.duckdb")
        assert not browser.find_elements(By.CSS_SELECTOR, 'a[data-testid="stSidebarNavLink"]')
        browser.save_screenshot(str(SHOTS / "readers_b_only_a_damaged_copy.png"))
    assert "not a valid DuckDB database file" in log_path.read_text()


@pytest.mark.parametrize("user, role", [("cm1", "customer_manager"), ("admin-d1", "partner_admin")])
def test_a_bad_users_entry_lets_the_others_log_in(browser, tmp_path, published, user, role):
    users_file = tmp_path / "users.toml"
    users_file.write_text(BAD_FILE, encoding="utf-8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    log_path = tmp_path / "streamlit.log"
    with streamlit_server(published, users_file, log_path) as url:
        log_in(browser, url, "root", "zh")  # the entry with an unknown role: skipped
        wait_text(browser, t("login_failed", "zh"), 30)
        browser.save_screenshot(str(SHOTS / "readers_c_skipped_user_refused.png"))
        log_in(browser, url, user, "zh")
        wait_text(browser, t("logged_in_as", "zh", user=user, role=t(f"role_{role}", "zh")), 30)
        wait_text(browser, t("page_incentive_board", "zh"))
        settle(browser)
        skipped = t("users_skipped", "zh", lines="7, 12, 16, 20, 25, 31, 36, 41, 46")
        assert (skipped in body(browser)) == (role == "partner_admin")  # admins only
        assert_nothing_raw(browser, str(tmp_path))
        browser.save_screenshot(str(SHOTS / f"readers_c_bad_users_entry_{user}.png"))
    assert "line 7: user 'root' skipped: unknown role 'superuser'" in log_path.read_text()
