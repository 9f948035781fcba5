"""Rule 7 in the SQL, and searches that cannot inject SQL."""

from __future__ import annotations

from decimal import Decimal

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
    assert customers(q.customer_resources(con, cm1)) == {"C1", "C2"}
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
    assert customers(q.customer_resources(con, admin)).isdisjoint({"C5", "C6"})


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
    # % and _ are characters of the text, not wildcards: no name holds them.
    for text in ("%", "_", "a%e", "\\"):
        literal = q.DetailFilter(search=text, search_in="customer")
        assert q.incentive_details_export(con, admin, literal, 100).is_empty(), text


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


# R1's customers C5 and C6 (manager 赵敏 RCM1 under 孙丽 RSUP1) earned, settled to D1 (rule 1):
#   T005 202608 order       C5  9000.00 x 4% = 360.00  issued
#   T008 202609 consumption C6  2300.00 x 3% =  69.00  issuing
#   T012 202610 consumption C5   700.00 x 3% =  21.00  pending_confirmation
#   T016 202611 order       C6  8000.00 x 5% = 400.00  estimated
#   total 360.00 + 69.00 + 21.00 + 400.00 = 850.00, all in 2026
RESELLER_ROWS = {
    "T005": Decimal("360.00"),
    "T008": Decimal("69.00"),
    "T012": Decimal("21.00"),
    "T016": Decimal("400.00"),
}


@pytest.mark.parametrize("user", ["admin-r1", "sup-r1", "cm-r1"])
def test_reseller_users_see_their_customers_rows_settled_to_the_distributor(con, user):
    viewer = viewer_of(user)
    rows = q.incentive_details_export(con, viewer, q.DetailFilter(), 10_000)
    assert dict(zip(rows["transaction_id"], rows["incentive_amount"], strict=True)) == RESELLER_ROWS
    assert set(rows["statement_id"]) == {"D1-202608", "D1-202609", "D1-202610", "D1-202611"}
    # R1 owned the customers: eligible amount and rate are its own figures, shown in full
    assert rows["eligible_amount"].null_count() == 0 and rows["rate"].null_count() == 0
    totals = q.incentive_details_totals(con, viewer, q.DetailFilter())
    assert (totals.rows, totals.incentive_amount) == (4, Decimal("850.00"))
    sept = q.incentive_details_totals(con, viewer, q.DetailFilter(periods=("202609",)))
    assert (sept.rows, sept.incentive_amount) == (1, Decimal("69.00"))
    assert q.settlement_partner(con, viewer) == q.SettlementPartner("D1", "华东云总代有限公司")

    assert q.board_years(con, viewer) == [2026]
    trend = q.incentive_board_trend(con, viewer, 2026)
    assert trend.rows() == [
        ("202608", Decimal("360.00")),
        ("202609", Decimal("69.00")),
        ("202610", Decimal("21.00")),
        ("202611", Decimal("400.00")),
    ]
    statuses = dict(q.incentive_board_by_status(con, viewer, 2026).rows())
    assert statuses == {
        "issued": Decimal("360.00"),
        "issuing": Decimal("69.00"),
        "pending_confirmation": Decimal("21.00"),
        "estimated": Decimal("400.00"),
    }
    summary = q.incentive_board_summary(con, viewer, 2026)
    assert summary.select(
        "supervisor_name", "customer_manager_name", "incentive_amount"
    ).rows() == [("孙丽", "赵敏", Decimal("850.00"))]
    # the statements and indicators are the settlement partner's, never a reseller's
    assert q.incentive_statements(con, viewer).is_empty()
    assert q.indicators(con, viewer).is_empty()


def test_the_distributor_and_its_staff_keep_their_own_scope(con):
    # D1 settles R1's rows too: its 202609 statement = T006 600.00 + T007 -300.00
    # + T008 69.00 = 369.00; its own staff never see R1's customers.
    admin = viewer_of("admin-d1")
    assert q.settlement_partner(con, admin) is None
    sept = q.incentive_details_totals(con, admin, q.DetailFilter(periods=("202609",)))
    assert (sept.rows, sept.incentive_amount) == (3, Decimal("369.00"))
    for user in ("sup1", "cm1", "cm3"):
        rows = q.incentive_details_export(con, viewer_of(user), q.DetailFilter(), 10_000)
        assert customers(rows).isdisjoint({"C5", "C6", "C7"}), user


def test_namesake_managers_each_see_only_their_own_figures(con):
    # CM1 and CM3 are both 李娜 at D1 (CM1 under 张伟 SUP1, CM3 under 陈静 SUP2).
    cm1, cm3 = viewer_of("cm1"), viewer_of("cm3")
    # Details. CM1 (C1, C2): T001 600.00 + T003 1200.00 + T004 45.00 + T006 600.00
    #   + T007 -300.00 + T009 150000.00 + T013 500.00 = 152645.00 in 7 rows;
    # CM3 (C4): T011 18000 x 6% = 1080.00 + T014 450.55 x 3% = 13.5165 -> 13.52: 1093.52.
    one = q.incentive_details_totals(con, cm1, q.DetailFilter())
    three = q.incentive_details_totals(con, cm3, q.DetailFilter())
    assert (one.rows, one.incentive_amount) == (7, Decimal("152645.00"))
    assert (three.rows, three.incentive_amount) == (2, Decimal("1093.52"))
    # Customer board, November 2026: CM1 2 customers and 10000.00; CM3 1 and 450.55.
    nov = q.date(2026, 11, 1)
    last = q.customer_board(con, cm1, "month").row(-1, named=True)
    assert (last["customers_at_end"], last["contributed_revenue"]) == (2, Decimal("10000.00"))
    last = q.customer_board(con, cm3, "month").row(-1, named=True)
    assert (last["customers_at_end"], last["contributed_revenue"]) == (1, Decimal("450.55"))
    own = q.customer_board_breakdown(con, cm1, "month", "customer_manager", nov)
    assert own.select("dimension_key", "dimension_value", "customers_at_end").rows() == [
        ("CM1", "李娜", 2)
    ]
    own = q.customer_board_breakdown(con, cm3, "month", "customer_manager", nov)
    assert own.select("dimension_key", "dimension_value", "customers_at_end").rows() == [
        ("CM3", "李娜", 1)
    ]
    # The incentive board by id: each their own. 2026 only (T001 is 2025): 152045.00.
    assert q.board_people(con, cm1)["customer_manager_id"].to_list() == ["CM1"]
    assert q.incentive_board_trend(con, cm3, 2026)["incentive_amount"].sum() == Decimal("1093.52")
    assert q.incentive_board_trend(con, cm1, 2026)["incentive_amount"].sum() == Decimal("152045.00")
    # The admin's breakdown keeps them apart (most customers first, then by name, then id).
    admin = q.customer_board_breakdown(con, viewer_of("admin-d1"), "month", "customer_manager", nov)
    assert admin.select("dimension_key", "dimension_value", "customers_at_end").rows() == [
        ("CM1", "李娜", 2),
        ("CM3", "李娜", 1),
        ("CM2", "王强", 1),
    ]
