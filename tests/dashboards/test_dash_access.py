"""Rule 7 in the SQL, and searches that cannot inject SQL."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, viewer_of

from dashboards import auth
from dashboards import queries as q
from dashboards.users import add_user, load_users, verify


def customers(frame):
    return set(frame["customer_id"].to_list())


def test_customer_manager_sees_only_their_own_customers(con):
    cm1 = viewer_of("cm1")
    everything = q.DetailFilter()
    assert customers(q.incentive_details_export(con, cm1, everything, 10_000)) == {"C1", "C2"}
    assert customers(q.sub_customers(con, cm1)) == {"C1", "C2"}
    assert customers(q.customer_warnings(con, cm1)) == {"C1", "C2"}
    assert q.customer_warnings(con, cm1, resellers_customers=True).is_empty()
    assert customers(q.customer_resources(con, cm1, q.date(2026, 11, 23))) == {"C1", "C2"}
    board = q.board_people(con, cm1)
    assert board["customer_manager_id"].to_list() == ["CM1"]
    assert q.incentive_statements(con, cm1).is_empty()
    assert q.indicators(con, cm1).is_empty()
    breakdown = q.customer_board_breakdown(con, cm1, "month", "industry", q.date(2026, 11, 1))
    assert breakdown.is_empty()  # staff only get their own customer-manager row


def test_supervisor_sees_their_team(con):
    sup1 = viewer_of("sup1")
    rows = q.incentive_details_export(con, sup1, q.DetailFilter(), 10_000)
    assert customers(rows) == {"C1", "C2", "C3"}
    assert set(q.board_people(con, sup1)["customer_manager_id"]) == {"CM1", "CM2"}
    board = q.customer_board(con, sup1, "month")
    assert board["customers_at_end"].to_list()[-1] == 3  # 李娜 2 + 王强 1


def test_distributor_sees_only_basic_info_of_resellers_customers(con):
    admin = viewer_of("admin-d1")
    subs = q.sub_customers(con, admin)
    assert customers(subs) == {"C1", "C2", "C3", "C4", "C5", "C6"}
    basic = subs.filter(subs["customer_id"].is_in(["C5", "C6"]))
    # the fixture holds credit/discount/balance on these rows: the SQL must null them
    for column in ("credit_limit", "discount_rate", "available_balance"):
        assert basic[column].null_count() == 2, column
    assert basic["customer_name"].null_count() == 0
    own = subs.filter(subs["customer_id"] == "C1")
    assert own["credit_limit"].to_list()[0] is not None
    details = q.incentive_details_export(con, admin, q.DetailFilter(), 10_000)
    resold = details.filter(details["customer_id"].is_in(["C5", "C6"]))
    assert resold.height == 4 and set(resold["reseller_name"]) == {"杭州云联经销"}
    # Rule 1: these rows settle to the distributor, so they are lines of its own statement
    # and show their amounts; rule 7 hides only the customer's credit, discount and balance.
    assert resold["incentive_amount"].null_count() == 0
    warnings = q.customer_warnings(con, admin, resellers_customers=True)
    assert customers(warnings) == {"C5"} and warnings["detail"].null_count() == 1
    assert "C7" not in customers(details) | customers(subs)  # another partner's customer
    assert customers(q.customer_resources(con, admin, q.date(2026, 11, 23))).isdisjoint(
        {"C5", "C6"}
    )


def test_reseller_sees_its_own_customers_in_full(con):
    r1 = viewer_of("admin-r1")
    subs = q.sub_customers(con, r1)
    assert customers(subs) == {"C5", "C6"} and subs["credit_limit"].null_count() == 0


@pytest.mark.parametrize(
    "text",
    [
        "' OR 1=1 --",
        "%",
        "_",
        "\\",
        "'; DROP TABLE marts.sub_customers; --",
        "%' OR '1'='1",
        '" OR ""="',
    ],
)
@pytest.mark.parametrize("field", list(q.SEARCH_FIELDS))
def test_search_with_sql_in_it_finds_nothing_and_breaks_nothing(con, text, field):
    for user in ("admin-d1", "cm1"):
        flt = q.DetailFilter(search=text, search_in=field)
        viewer = viewer_of(user)
        assert q.incentive_details_page(con, viewer, flt, 50, 0).is_empty()
        assert q.incentive_details_totals(con, viewer, flt).rows == 0
    statement = q.DetailFilter(statement_id="' OR 1=1 --")
    assert q.incentive_details_totals(con, viewer_of("admin-d1"), statement).rows == 0
    assert con.execute("SELECT count(*) FROM marts.sub_customers").fetchone()[0] > 0


def test_like_search_is_literal(con):
    admin = viewer_of("admin-d1")
    hits = q.incentive_details_export(
        con, admin, q.DetailFilter(search="acme", search_in="customer"), 100
    )
    assert customers(hits) == {"C1"}
    assert q.like_pattern("50%_a\\") == "%50\\%\\_a\\\\%"


def test_a_forged_viewer_id_in_sql_finds_nothing(con):
    forged = q.Viewer("x", "customer_manager", "D1", "CM1' OR '1'='1")
    assert q.incentive_details_export(con, forged, q.DetailFilter(), 100).is_empty()


def test_users_file_and_rate_limit(tmp_path, monkeypatch):
    path = tmp_path / "users.toml"
    add_user(path, "a.b", PASSWORD, "supervisor", "D1", "SUP1", rounds=4)
    assert "fixture" not in path.read_text()  # only the hash is stored
    users = load_users(path)
    assert verify(users, "a.b", PASSWORD).staff_id == "SUP1"
    assert verify(users, "a.b", "nope") is None and verify(users, "ghost", PASSWORD) is None
    with pytest.raises(ValueError):
        add_user(path, "c", PASSWORD, "customer_manager", "D1", None, rounds=4)
    with pytest.raises(ValueError):
        add_user(path, "c", "short", "partner_admin", "D1", rounds=4)
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(path))
    now = [1000.0]
    limiter = auth.RateLimiter(max_failures=5, lock_seconds=300, clock=lambda: now[0])
    for _ in range(4):
        assert auth.attempt("a.b", "wrong", limiter) == "failed"
    assert auth.attempt("a.b", "wrong", limiter) == "locked"
    assert auth.attempt("a.b", PASSWORD, limiter) == "locked"  # even the right password
    now[0] += 301
    assert isinstance(auth.attempt("a.b", PASSWORD, limiter), q.Viewer)
