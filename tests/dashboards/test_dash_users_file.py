"""A bad entry of the users file is skipped and logged by line; the other users log in. A
file that is not TOML lets nobody in, with a sentence on the login page."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from conftest import PASSWORD
from streamlit.testing.v1 import AppTest

from dashboards import auth, users
from dashboards.labels import t
from dashboards.queries import Viewer

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
HASH = users.hash_password(PASSWORD, rounds=4)

# Line numbers are those of the `[users.<name>]` headers below.
BAD_FILE = f"""# hand-edited
[users."admin-d1"]
password_hash = "{HASH}"
role = "partner_admin"
partner_id = "D1"

[users.root]
password_hash = "{HASH}"
role = "superuser"
partner_id = "D1"

[users."no.hash"]
role = "partner_admin"
partner_id = "D1"

[users."no.partner"]
password_hash = "{HASH}"
role = "partner_admin"

[users."cm.nostaff"]
password_hash = "{HASH}"
role = "customer_manager"
partner_id = "D1"

[users."sup.nostaff"]
password_hash = "{HASH}"
role = "supervisor"
partner_id = "D1"
staff_id = ""

[users."twice"]
password_hash = "{HASH}"
role = "partner_admin"
partner_id = "D1"

[users.'twice']
password_hash = "{HASH}"
role = "partner_admin"
partner_id = "X1"

[users."plain"]
password_hash = "{PASSWORD}"
role = "partner_admin"
partner_id = "D1"

[users."number"]
password_hash = "{HASH}"
role = "partner_admin"
partner_id = 5

[users."cm1"]
password_hash = "{HASH}"
role = "customer_manager"
partner_id = "D1"
staff_id = "CM1"
"""
SKIPPED = [
    (7, "root", "unknown role 'superuser': one of partner_admin, supervisor, customer_manager"),
    (12, "no.hash", "no password_hash"),
    (16, "no.partner", "no partner_id"),
    (20, "cm.nostaff", "a customer_manager needs a staff_id"),
    (25, "sup.nostaff", "a supervisor needs a staff_id"),
    (31, "twice", "declared more than once (lines 31, 36)"),
    (36, "twice", "declared more than once (lines 31, 36)"),
    (41, "plain", "password_hash is not a bcrypt hash"),
    (46, "number", "every value must be a quoted string"),
]


@pytest.fixture
def bad_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "users.toml"
    path.write_text(BAD_FILE, encoding="utf-8")
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(path))
    return path


def test_bad_entries_are_skipped_by_line(bad_file):
    found = users.read_users(bad_file)
    assert found.unreadable is None
    assert sorted(found.users) == ["admin-d1", "cm1"]
    assert found.users["cm1"] == users.User("cm1", HASH, "customer_manager", "D1", "CM1")
    assert [(s.line, s.username, s.reason) for s in found.skipped] == SKIPPED
    assert str(found.skipped[0]) == (
        "line 7: user 'root' skipped: unknown role 'superuser': one of partner_admin, "
        "supervisor, customer_manager"
    )


def test_the_other_users_still_log_in(bad_file):
    limiter = auth.RateLimiter()
    assert auth.attempt("admin-d1", PASSWORD, limiter) == Viewer("admin-d1", "partner_admin", "D1")
    assert auth.attempt("cm1", PASSWORD, limiter) == Viewer("cm1", "customer_manager", "D1", "CM1")
    for skipped in ("root", "no.partner", "cm.nostaff", "sup.nostaff", "twice", "plain"):
        assert auth.attempt(skipped, PASSWORD, limiter) == "failed"


def test_bad_entries_are_logged_once_per_version_without_secrets(bad_file, caplog):
    caplog.set_level(logging.WARNING, logger="dashboards")
    users.login_users(bad_file)
    users.login_users(bad_file)  # unchanged: read from the cache, not logged again
    assert [r.getMessage() for r in caplog.records] == [
        f"users file {bad_file}: line {line}: user {name!r} skipped: {reason}"
        for line, name, reason in SKIPPED
    ]
    assert HASH not in caplog.text and PASSWORD not in caplog.text


def test_a_changed_file_is_read_again(bad_file):
    assert "cm1" in users.login_users(bad_file).users
    bad_file.write_text(BAD_FILE.replace('staff_id = "CM1"', ""), encoding="utf-8")
    assert sorted(users.login_users(bad_file).users) == ["admin-d1"]


def test_a_file_that_is_not_toml_lets_nobody_in(tmp_path, monkeypatch, caplog):
    path = tmp_path / "users.toml"
    path.write_text(BAD_FILE.replace('role = "superuser"', "role = superuser"), encoding="utf-8")
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(path))
    found = users.read_users(path)
    assert found.users == {} and found.skipped == ()
    assert found.unreadable == "not valid TOML: Invalid value (at line 9, column 8)"
    caplog.set_level(logging.ERROR, logger="dashboards")
    assert auth.attempt("admin-d1", PASSWORD, auth.RateLimiter()) == "failed"
    assert caplog.records[0].getMessage() == (
        f"users file {path}: not valid TOML: Invalid value (at line 9, column 8); nobody can log in"
    )


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_page_says_the_users_file_is_unreadable(tmp_path, monkeypatch, lang):
    path = tmp_path / "users.toml"
    path.write_text("[users.\n", encoding="utf-8")
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(path))
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("users_file_unreadable", lang)]
    assert not at.text_input  # no login form: nobody could log in
    assert str(tmp_path) not in at.error[0].value


def test_an_admin_sees_which_lines_were_skipped(bad_file, app_env, monkeypatch):
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(bad_file))
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["lang"] = "en"
    at.run()
    at.text_input(key="login_username").input("admin-d1")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert [w.value for w in at.sidebar.warning] == [
        t("users_skipped", "en", lines="7, 12, 16, 20, 25, 31, 36, 41, 46")
    ]


def test_commands_refuse_to_drop_another_users_bad_entry(bad_file):
    with pytest.raises(ValueError, match="line 7: user 'root' skipped"):
        users.add_user(bad_file, "new", PASSWORD, "partner_admin", "D1", rounds=4)
    with pytest.raises(ValueError, match="fix them by hand first"):
        users.remove_user(bad_file, "admin-d1")
    assert bad_file.read_text(encoding="utf-8") == BAD_FILE  # untouched


def tables_of(*names: str) -> str:
    """The tables of BAD_FILE whose header names one of these users (both of `twice`)."""
    header = re.compile(r"\[users\.[\"']?([\w.-]+)[\"']?\]")
    tables = BAD_FILE.split("\n\n")
    return "\n\n".join(table for table in tables if header.search(table).group(1) in names)


def test_the_command_replaces_a_bad_entry_of_the_same_user(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(tables_of("admin-d1", "root"), encoding="utf-8")
    users.add_user(path, "root", PASSWORD, "partner_admin", "D1", rounds=4)
    found = users.read_users(path)
    assert (sorted(found.users), found.skipped) == (["admin-d1", "root"], ())


def test_the_command_removes_a_user_declared_twice(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text(tables_of("admin-d1", "twice"), encoding="utf-8")
    assert [s.line for s in users.read_users(path).skipped] == [7, 12]
    assert users.remove_user(path, "twice")
    found = users.read_users(path)
    assert (sorted(found.users), found.skipped) == (["admin-d1"], ())
    assert not users.remove_user(path, "ghost")


def test_a_file_that_is_not_toml_is_never_rewritten(tmp_path):
    path = tmp_path / "users.toml"
    path.write_text("[users.\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"not valid TOML.*fix it by hand first"):
        users.add_user(path, "new", PASSWORD, "partner_admin", "D1", rounds=4)
    assert path.read_text(encoding="utf-8") == "[users.\n"


def test_list_shows_the_good_users_and_reports_the_bad_ones(bad_file, capsys):
    assert users.main(["--file", str(bad_file), "list"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines() == ["admin-d1\tpartner_admin\tD1\t", "cm1\tcustomer_manager\tD1\tCM1"]
    assert err.splitlines() == [
        f"line {line}: user {name!r} skipped: {reason}" for line, name, reason in SKIPPED
    ]
    assert HASH not in out + err
