"""Unusable published copies: readers serve the previous good one, or say there is none, and
the page never shows DuckDB's words or a path of the machine (those go to the log)."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest
from broken_copies import DAMAGES
from conftest import viewer_of
from fixture_warehouse import publish
from streamlit.testing.v1 import AppTest

from contract.published import PUBLIC_MARTS
from dashboards import queries as q
from dashboards import warehouse
from dashboards.labels import t

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
# What `warehouse.problem` says of each damage: the start of the reason, for the log.
REASONS = {
    "truncated": "DuckDB cannot open it: IO Error: Could not read enough bytes from file",
    "overwritten header": "DuckDB cannot open it: IO Error: The file",
    "empty": "it is empty",
    "symlink": "it is a symbolic link",
    "newer version": "DuckDB cannot open it: IO Error: Trying to read a database file with "
    "version number 69, but we can only read versions between 64 and 68",
    "no marts schema": "it lacks marts." + ", marts.".join(sorted(PUBLIC_MARTS)),
    "missing public table": "it lacks marts.sub_customers",
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two publications; the newest (`warehouse-2.duckdb`, which CURRENT names) is damaged
    by the test."""
    folder = tmp_path / "published"
    publish(folder, 1)
    publish(folder, 2)
    return folder


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_an_unusable_newest_copy_falls_back_to_the_previous_one(folder, damage, caplog):
    DAMAGES[damage](folder / "warehouse-2.duckdb")
    caplog.set_level(logging.WARNING, logger="dashboards")
    served = warehouse.current(folder)
    assert served.name == "warehouse-1.duckdb"
    assert served.unusable_newest == "warehouse-2.duckdb"
    with served.cursor() as cur:
        assert q.incentive_details_totals(cur, viewer_of("admin-d1"), q.DetailFilter()).rows > 0
    # The verdict is cached: a second page run neither reopens the file nor logs again.
    assert warehouse.current(folder) == served
    [record] = caplog.records
    assert record.getMessage().startswith(
        f"published copy {folder.absolute() / 'warehouse-2.duckdb'} cannot be used: "
        + REASONS[damage]
    ), record.getMessage()


@pytest.mark.parametrize("damage", list(DAMAGES))
def test_only_unusable_copies_is_no_good_publication(folder, damage):
    for name in ("warehouse-1.duckdb", "warehouse-2.duckdb"):
        DAMAGES[damage](folder / name)
    with pytest.raises(warehouse.NoGoodPublication):
        warehouse.current(folder)


def test_the_newest_good_older_copy_is_served(folder):
    publish(folder, 3)
    DAMAGES["truncated"](folder / "warehouse-3.duckdb")
    DAMAGES["empty"](folder / "warehouse-2.duckdb")
    served = warehouse.current(folder)
    assert (served.name, served.unusable_newest) == ("warehouse-1.duckdb", "warehouse-3.duckdb")


def test_a_current_naming_a_missing_copy_falls_back(folder):
    (folder / "warehouse-2.duckdb").unlink()
    served = warehouse.current(folder)
    assert (served.name, served.unusable_newest) == ("warehouse-1.duckdb", "warehouse-2.duckdb")


def test_a_good_newest_copy_is_served_without_notice(folder):
    assert warehouse.current(folder) == warehouse.Warehouse(folder / "warehouse-2.duckdb")
    assert warehouse.problem(folder / "warehouse-2.duckdb") is None


# ---------------------------------------------------------------- what the page shows


def run_app(monkeypatch, folder: Path, users_file: Path, lang: str) -> AppTest:
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(folder))
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(users_file))
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["viewer"] = viewer_of("admin-d1")
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    """Every text element of the page and its sidebar."""
    parts = [
        e.value
        for kind in ("title", "markdown", "caption", "warning", "error", "info")
        for e in getattr(at, kind)
    ]
    parts += [
        e.value for kind in ("warning", "error", "caption") for e in getattr(at.sidebar, kind)
    ]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_says_it_serves_the_previous_copy(folder, users_file, monkeypatch, lang):
    DAMAGES["truncated"](folder / "warehouse-2.duckdb")
    at = run_app(monkeypatch, folder, users_file, lang)
    notice = t("older_warehouse", lang, newest="warehouse-2.duckdb", name="warehouse-1.duckdb")
    assert [w.value for w in at.warning] == [notice]
    assert at.title[0].value == t("page_incentive_board", lang)
    text = page_text(at)
    assert str(folder) not in text and "IO Error" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_page_says_no_publication_can_be_read(folder, users_file, monkeypatch, lang):
    for name in ("warehouse-1.duckdb", "warehouse-2.duckdb"):
        DAMAGES["overwritten header"](folder / name)
    at = run_app(monkeypatch, folder, users_file, lang)
    assert [e.value for e in at.error] == [t("no_good_warehouse", lang)]
    assert not at.title  # no page ran
    text = page_text(at)
    assert str(folder) not in text and "IO Error" not in text and "duckdb" not in text


def test_a_read_error_during_a_page_is_a_sentence(folder, users_file, monkeypatch, caplog):
    secret = f"IO Error: Corrupt database file {folder}/warehouse-2.duckdb: bad checksum"

    def failing(*args: object) -> list[int]:
        raise duckdb.IOException(secret)

    monkeypatch.setattr(q, "board_years", failing)
    caplog.set_level(logging.ERROR, logger="dashboards")
    at = run_app(monkeypatch, folder, users_file, "en")
    assert [e.value for e in at.error] == [t("warehouse_read_failed", "en")]
    assert secret not in page_text(at)
    assert secret in caplog.text  # the server log has DuckDB's words and the path


def test_nothing_published_names_no_path(tmp_path, users_file, monkeypatch):
    at = run_app(monkeypatch, tmp_path, users_file, "en")
    assert [w.value for w in at.warning] == [t("no_warehouse", "en")]
    assert str(tmp_path) not in page_text(at)
