"""The data-quality page and its queries on the fixture's audit tables: who sees which rows,
the counts per source and drop date, the export, and the menu per role."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import viewer_of
from streamlit.testing.v1 import AppTest
from test_dash_pages import APP, frame_values, open_page

from dashboards import export, ui
from dashboards import queries as q
from dashboards.labels import t


def test_files_per_source_and_day_count_loaded_quarantined_and_withdrawn(con) -> None:
    days = q.file_loads_by_day(con, viewer_of("admin-d1"))
    # By hand from AUDIT_LOADS: broken.csv is in the load log with 0 rows and quarantined whole,
    # so orders of 21 Nov have 2 files in the log, 1 loaded; 19 Nov only had a withdrawal.
    assert days.rows() == [
        ("customers", date(2026, 11, 21), 1, 0, 0, 7, 5, 2),
        ("orders", date(2026, 11, 21), 1, 1, 0, 3, 3, 0),
        ("orders", date(2026, 11, 20), 1, 0, 0, 5, 3, 2),
        ("staff", date(2026, 11, 20), 1, 0, 0, 9, 8, 1),
        ("orders", date(2026, 11, 19), 0, 0, 1, 0, 0, 0),
    ]


def quarantined_keys(con, user: str, sources: tuple[str, ...] = ()) -> set[tuple]:
    rows = q.quarantined_rows(con, viewer_of(user), sources)
    return set(zip(rows["file"], rows["row_number"], strict=True))


NOBODYS = {
    ("orders/2026-11-21/broken.csv", None),  # a whole file names no partner
    ("customers/2026-11-21/customers.csv", 6),  # no customer id
}


def test_quarantined_rows_go_to_the_partner_they_name_and_nobodys_to_every_admin(con) -> None:
    # C1 is D1's; C5 is R1's (D1 has basic access only, and the raw values hold amounts);
    # the staff row names R1; C7 is X1's.
    assert quarantined_keys(con, "admin-d1") == {("orders/2026-11-20/orders.csv", 3), *NOBODYS}
    assert quarantined_keys(con, "admin-r1") == {
        ("orders/2026-11-20/orders.csv", 5),
        ("staff/2026-11-20/staff.csv", 4),
        *NOBODYS,
    }
    assert quarantined_keys(con, "admin-d1", ("customers",)) == {
        ("customers/2026-11-21/customers.csv", 6)
    }
    rows = q.quarantined_rows(con, viewer_of("admin-d1"), ("orders",))
    first = rows.row(0, named=True)
    assert first["reason"] == "file not loaded: the file is empty"
    mine = rows.filter(rows["row_number"] == 3).row(0, named=True)
    assert mine["column_name"] == "paid_amount"
    assert '"1,2O0.00"' in mine["raw_record"]


@pytest.mark.parametrize("user", ["sup1", "cm1", "sup-r1", "cm-r1"])
def test_staff_get_no_audit_rows(con, user) -> None:
    viewer = viewer_of(user)
    assert q.file_loads_by_day(con, viewer).is_empty()
    assert q.quarantined_rows(con, viewer).is_empty()
    assert q.rejected_associations(con, viewer).is_empty()
    assert q.files_not_loaded(con, viewer).is_empty()
    assert q.withdrawn_files(con, viewer).is_empty()


def test_rejected_associations_are_the_partners_own(con) -> None:
    d1 = q.rejected_associations(con, viewer_of("admin-d1"))
    assert d1["event_id"].to_list() == ["E10", "E9"]  # newest first; E1 was accepted
    assert d1["rejection_reason"][0] == "customer is still associated with partner R1"
    assert d1["customer_manager_name"].to_list() == ["李娜", "李娜"]
    assert q.rejected_associations(con, viewer_of("admin-r1"))["event_id"].to_list() == ["E12"]


def test_page_shows_counts_and_tables(app_env) -> None:
    at = open_page("admin-d1", "data_quality")
    assert at.title[0].value == "Data quality"
    metrics = {m.label: m.value for m in at.metric}
    # Files loaded 1+1+1+1+0, whole files 1, rows quarantined 2+0+2+1+0, events E9 and E10.
    assert metrics == {
        "Files loaded": "4",
        "Files quarantined whole": "1",
        "Rows quarantined": "5",
        "Rejected association events": "2",
    }
    days, quarantined, rejected = (frame_values(at, i) for i in range(3))
    assert days["Source"].tolist()[:2] == ["Customers", "Orders"]
    assert len(quarantined) == 3
    assert set(rejected["Rejection reason"]) == {
        "customer is still associated with partner R1",
        "offline invitation: the customer account was created more than 7 days before the "
        "association",
    }


def test_quarantine_export_is_csv_with_labelled_headers(con) -> None:
    columns = {
        "source": ("source", "enum:source"),
        "file": ("file", "text"),
        "row_number": ("row_number", "int"),
        "reason": ("reason", "text"),
    }
    rows = q.quarantined_rows(con, viewer_of("admin-d1"))
    csv = export.to_csv(ui.export_frame(rows, columns, "zh")).decode("utf-8-sig")
    header, *lines = csv.splitlines()
    assert header == "数据来源,文件,行号,原因"
    assert len(lines) == 3
    assert "订单,orders/2026-11-20/orders.csv,3," in csv


def test_the_source_filter_narrows_the_page(app_env) -> None:
    at = open_page("admin-d1", "data_quality", "zh")
    at.multiselect(key="dq_sources").set_value(["orders"]).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("rows_quarantined", "zh")] == "2"
    assert metrics[t("files_quarantined", "zh")] == "1"


def menu_pages(user: str) -> list[str]:
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["viewer"] = viewer_of(user)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    return [Path(str(info["script_path"])).stem for info in at._registered_pages.values()]


STAFF_MENU = [
    "incentive_board",
    "incentive_details",
    "customer_board",
    "customer_warnings",
    "sub_customers",
]


@pytest.mark.parametrize("user", ["sup1", "cm1", "sup-r1", "cm-r1"])
def test_staff_menus_list_no_admin_page(app_env, user) -> None:
    assert menu_pages(user) == STAFF_MENU


@pytest.mark.parametrize("user", ["admin-d1", "admin-r1"])
def test_admin_menus_list_every_page(app_env, user) -> None:
    assert menu_pages(user) == [
        *STAFF_MENU[:2],
        "statements",
        "indicators",
        "what_if",
        *STAFF_MENU[2:],
        "data_quality",
        "reconciliation",
    ]


def test_a_long_quarantine_shows_the_newest_rows_and_says_so(monkeypatch, tmp_path, users_file):
    from fixture_warehouse import publish

    from dashboards import warehouse

    path = publish(tmp_path, 7)
    with duckdb.connect(str(path)) as con:
        con.execute(
            """INSERT INTO audit.quarantine (source, file, row_number, column_name, reason,
            raw_record, partition_date) SELECT 'orders', 'orders/2026-11-22/big.csv',
            i, 'paid_amount', 'paid_amount is missing', '{"customer_id":null}',
            DATE '2026-11-22' FROM range(2, 1202) t(i)"""
        )
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(tmp_path))
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(users_file))
    warehouse.close_all()
    try:
        at = open_page("admin-d1", "data_quality")
        # 1,200 rows of big.csv and the fixture's 3 that D1 sees
        assert "Showing the newest 1,000 of 1,203 rows" in at.caption[1].value
        shown = frame_values(at, 1)
        assert len(shown) == 1000
        assert set(shown["File"]) == {"orders/2026-11-22/big.csv"}  # the newest drop date
    finally:
        warehouse.close_all()


def test_reasons_are_worded_in_the_page_language(app_env) -> None:
    # D1 sees O-BAD1 (amount_comma), broken.csv (file_empty) and row 6 of customers.csv,
    # quarantined before reasons had codes: its stored English text on both pages.
    zh = frame_values(open_page("admin-d1", "data_quality", "zh"), 1)
    en = frame_values(open_page("admin-d1", "data_quality", "en"), 1)
    assert list(zh["原因"]) == [
        "customer_id is missing",
        "文件未加载：文件为空",
        "实付金额“1,2O0.00”不是金额（最多 2 位小数；逗号只能作千位分隔符，如 1,234.50）",
    ]
    # a whole file has no column (the table shows no value there)
    assert [c if isinstance(c, str) else None for c in zh["列"]] == ["客户ID", None, "实付金额"]
    assert [c if isinstance(c, str) else None for c in en["Column"]] == [
        "customer_id",
        None,
        "paid_amount",
    ]
    assert list(en["Reason"]) == [
        "customer_id is missing",
        "file not loaded: the file is empty",
        "paid_amount '1,2O0.00' is not an amount with at most 2 decimals (a comma may only "
        "separate thousands, as in 1,234.50)",
    ]
    zh_page = open_page("admin-d1", "data_quality", "zh")
    not_loaded = frame_values(zh_page, 3)
    assert list(not_loaded["原因"]) == ["文件夹“latest”不是投递日期（YYYY-MM-DD，如 2026-04-21）"]
    rejected_zh = frame_values(zh_page, 2)
    assert list(rejected_zh["拒绝原因"]) == [
        "客户仍与伙伴 R1 关联",
        "线下邀请：客户账号创建于关联前超过 7 天",
    ]


def test_the_export_words_reasons_in_the_page_language(app_env) -> None:
    at = open_page("admin-r1", "data_quality", "zh")
    rejected = frame_values(at, 2)
    assert list(rejected["拒绝原因"]) == ["线下邀请：客户在关联前已有现金消费"]
    quarantined = frame_values(at, 1)
    # the accepted values in the reader's spelling (the file may use either)
    assert "角色“boss”不是允许的值：主管、客户经理" in list(quarantined["原因"])


def test_a_copy_published_before_reasons_had_codes_shows_the_stored_text(
    monkeypatch, tmp_path, users_file
):
    from fixture_warehouse import publish

    from dashboards import warehouse

    path = publish(tmp_path, 7)
    with duckdb.connect(str(path)) as con:
        con.execute("ALTER TABLE audit.quarantine DROP COLUMN reason_code")
        con.execute("ALTER TABLE audit.quarantine DROP COLUMN reason_details")
        for column in ("rejection_code", "rejection_partner_id", "rejection_since"):
            con.execute(f"ALTER TABLE marts.association_events DROP COLUMN {column}")
        con.execute("ALTER TABLE marts.association_events DROP COLUMN rejection_limit")
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(tmp_path))
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(users_file))
    warehouse.close_all()
    try:
        at = open_page("admin-d1", "data_quality", "zh")
        assert "file not loaded: the file is empty" in list(frame_values(at, 1)["原因"])
        assert list(frame_values(at, 2)["拒绝原因"]) == [
            "customer is still associated with partner R1",
            "offline invitation: the customer account was created more than 7 days before the "
            "association",
        ]
    finally:
        warehouse.close_all()
