"""Fixtures: a published fixture warehouse, a users file, env pointing the app at both."""

from __future__ import annotations

from pathlib import Path

import pytest
from fixture_warehouse import publish

from dashboards import warehouse
from dashboards.queries import Viewer
from dashboards.users import add_user

PASSWORD = "fixture-password-1"
# username: (role, partner_id, staff_id)
TEST_USERS = {
    "admin-d1": ("partner_admin", "D1", None),
    "sup1": ("supervisor", "D1", "SUP1"),
    "cm1": ("customer_manager", "D1", "CM1"),
    "cm3": ("customer_manager", "D1", "CM3"),  # 李娜, a namesake of cm1's 李娜
    "admin-r1": ("partner_admin", "R1", None),
    "sup-r1": ("supervisor", "R1", "RSUP1"),
    "cm-r1": ("customer_manager", "R1", "RCM1"),
}


def viewer_of(username: str) -> Viewer:
    role, partner, staff = TEST_USERS[username]
    return Viewer(username, role, partner, staff)


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("published")
    publish(folder, 1)
    return folder


@pytest.fixture(scope="session")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("users") / "users.toml"
    for name, (role, partner, staff) in TEST_USERS.items():
        add_user(path, name, PASSWORD, role, partner, staff, rounds=4)
    return path


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, published: Path, users_file: Path) -> Path:
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(published))
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(users_file))
    return published


@pytest.fixture
def con(published: Path):
    cur = warehouse.current(published).cursor()
    yield cur
    cur.close()
