"""Screenshots of every page a user's menu lists, in Chinese and English, for a partner admin,
a supervisor and a customer manager of each kind of partner (distributor, reseller, solution
provider), in real headless Chromium. Not a test: a tool to look at the pages with.

    PYTHONPATH=$PWD .venv/bin/python tests/dashboards/screenshot_pages.py --out test-output/pages

Serves the fixture warehouse (tests/dashboards/fixture_warehouse.py) unless `--published`
names a published folder (e.g. the demo's data/published) and `--user` the users to log in
as there (their users file is written in a temporary folder, never into the published one).
Writes `<user>_<lang>_<nn>_<page>.png` and `report.json`: per user and language the menu,
and per page what a reader must never see (an exception, a machine path, a raw None/nan).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from conftest import PASSWORD  # noqa: E402
from fixture_warehouse import publish  # noqa: E402
from selenium.common.exceptions import TimeoutException  # noqa: E402
from test_dash_e2e import (  # noqa: E402
    CHROMIUM,
    DRIVER,
    By,
    Keys,
    WebDriverWait,
    choose_language,
    ec,
    streamlit_server,
    webdriver,
)

from dashboards.labels import t  # noqa: E402
from dashboards.users import add_user  # noqa: E402

# username: (role, partner_id, staff_id), one of each role for each kind of partner
USERS = {
    "admin-d1": ("partner_admin", "D1", None),
    "sup1": ("supervisor", "D1", "SUP1"),
    "cm1": ("customer_manager", "D1", "CM1"),
    "admin-r1": ("partner_admin", "R1", None),
    "sup-r1": ("supervisor", "R1", "RSUP1"),
    "cm-r1": ("customer_manager", "R1", "RCM1"),
    "admin-x1": ("partner_admin", "X1", None),
    "sup-x1": ("supervisor", "X1", "XSUP1"),
    "cm-x1": ("customer_manager", "X1", "XCM1"),
}
# What a reader must never see: a traceback, a machine path, a raw missing value.
NEVER = {
    "exception": re.compile(r"Traceback|Error:|Exception"),
    "machine path": re.compile(r"(/work/|/tmp/|/home/|\.duckdb\b|site-packages)"),
    # (not "None." of the English page's "nothing here" line)
    "raw missing value": re.compile(r"(?<![\w-])(None|nan|NaN|null)(?![\w.-])"),
}
MAX_HEIGHT = 6000
# On a busy machine a page run can take a while: wait this long before calling it stuck.
PAGE_SECONDS = 90


def settle(driver) -> None:
    """Wait until Streamlit has finished running the page (no 'running' widget)."""
    time.sleep(0.5)
    WebDriverWait(driver, PAGE_SECONDS).until(
        lambda d: not d.find_elements(By.CSS_SELECTOR, '[data-testid="stStatusWidget"]')
    )
    time.sleep(0.7)


def browser(profile: Path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        f"--user-data-dir={profile}",
        "--window-size=1440,1000",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))


def log_in(driver, url: str, user: str, password: str) -> None:
    driver.get(url)
    box = WebDriverWait(driver, 60).until(
        ec.presence_of_element_located(
            (By.CSS_SELECTOR, f'input[aria-label="{t("username", "zh")}"]')
        )
    )
    settle(driver)
    box.send_keys(user)
    secret = driver.find_element(By.CSS_SELECTOR, f'input[aria-label="{t("password", "zh")}"]')
    secret.send_keys(password, Keys.ENTER)
    WebDriverWait(driver, PAGE_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, 'a[data-testid="stSidebarNavLink"]')
    )
    settle(driver)


def menu(driver) -> list[tuple[str, str]]:
    """(page url path, label) of the sidebar's links, in order."""
    links = driver.find_elements(By.CSS_SELECTOR, 'a[data-testid="stSidebarNavLink"]')
    return [
        ((link.get_attribute("href") or "").rstrip("/").rsplit("/", 1)[-1], link.text)
        for link in links
    ]


def full_height(driver) -> int:
    """The height the page's content needs (Streamlit scrolls inside its main container)."""
    return int(
        driver.execute_script(
            """const m = document.querySelector('[data-testid="stMain"]')
                || document.querySelector('section.main');
            return Math.max(m ? m.scrollHeight : 0, document.body.scrollHeight);"""
        )
    )


def shoot(driver, path: Path) -> None:
    n_charts = len(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"]'))
    WebDriverWait(driver, 30).until(
        lambda d: (
            len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stPlotlyChart"] .main-svg'))
            >= n_charts
        )
    )
    height = min(max(full_height(driver), 1000), MAX_HEIGHT)
    driver.set_window_size(1440, height + 120)
    time.sleep(1.0)
    driver.save_screenshot(str(path))
    driver.set_window_size(1440, 1000)


def findings(driver) -> dict[str, list[str]]:
    """What a reader must never see, as found in the page's text."""
    text = driver.find_element(By.CSS_SELECTOR, '[data-testid="stMain"]').text
    found = {
        name: sorted({m.group(0) for m in pattern.finditer(text)})
        for name, pattern in NEVER.items()
    }
    if driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]'):
        found["exception"].append("stException element")
    return {name: hits for name, hits in found.items() if hits}


def open_page(driver, index: int) -> None:
    """Click the menu's `index`-th link."""
    driver.find_elements(By.CSS_SELECTOR, 'a[data-testid="stSidebarNavLink"]')[index].click()
    settle(driver)


def user_pages(url: str, user: str, password: str, out: Path, profile: Path) -> dict:
    driver = browser(profile)
    report: dict[str, object] = {}
    try:
        try:
            log_in(driver, url, user, password)
        except TimeoutException:
            return {"login": f"no menu after {PAGE_SECONDS} s"}
        for lang in ("zh", "en"):
            if lang == "en":
                choose_language(driver, "en")
            pages = menu(driver)
            shots = {}
            for index, (page, _) in enumerate(pages):
                try:
                    open_page(driver, index)
                except TimeoutException:
                    shots[page] = {"stuck": [f"still running after {PAGE_SECONDS} s"]}
                    continue
                # the first page is served at the root: its link names the server
                name = "start" if ":" in page else page
                path = out / f"{user}_{lang}_{index:02d}_{name}.png"
                shoot(driver, path)
                shots[page] = findings(driver)
                print(f"{user} {lang} {page}: {shots[page] or 'ok'}", flush=True)
            report[lang] = {"menu": [label for _, label in pages], "pages": shots}
    finally:
        driver.quit()
    return report


def parsed_user(spec: str) -> tuple[str, tuple[str, str, str | None]]:
    """`name=role:partner[:staff]` as a USERS entry."""
    name, _, rest = spec.partition("=")
    role, partner, *staff = rest.split(":")
    return name, (role, partner, staff[0] if staff else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("test-output/pages"))
    parser.add_argument("--published", type=Path)
    parser.add_argument(
        "--user",
        action="append",
        metavar="NAME=ROLE:PARTNER[:STAFF]",
        help="log in as these users instead of the fixture's (e.g. of the demo sample)",
    )
    parser.add_argument("--only", nargs="*", help="these users only")
    args = parser.parse_args()
    users = dict(USERS) if not args.user else dict(parsed_user(spec) for spec in args.user)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        published = args.published
        if published is None:
            published = work / "published"
            publish(published, 1)
        users_file = work / "users.toml"
        for name, (role, partner, staff) in users.items():
            add_user(users_file, name, PASSWORD, role, partner, staff, rounds=4)
        report = {}
        with streamlit_server(published, users_file, work / "streamlit.log") as url:
            for user in args.only or users:
                report[user] = user_pages(url, user, PASSWORD, args.out, work / user)
        (args.out / "report.json").write_text(
            json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
