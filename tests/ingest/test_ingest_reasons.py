"""Every quarantine reason has a stable code: a hand-made bad file per reason, the code and
the values stored in `audit.quarantine` (reason_code, reason_details) beside the English."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import duckdb
import pytest
from test_ingest_read import workbook

from contract.sources import SOURCES
from pipelines.ingest.discover import landing_inventory, replace_files_not_loaded
from pipelines.ingest.load import load_file
from pipelines.ingest.reasons import ENGLISH, ReasonCode, check_errors, english_text
from pipelines.ingest.tables import ensure_tables

DAY = date(2026, 6, 2)
# One good row per source, as English CSV fields in the source's column order; each case
# below changes what makes it bad.
GOOD = {
    "orders": {
        "order_no": "O-1", "customer_id": "C1", "product_type": "ECS", "product_name": "x",
        "order_time": "2026-06-01 10:00:00", "list_amount": "100.00", "discount_amount": "0",
        "voucher_amount": "0", "paid_amount": "90.00", "order_status": "paid",
    },
    "consumption": {
        "usage_date": "2026-06-01", "customer_id": "C1", "resource_id": "R-1",
        "product_type": "ECS", "consumption_amount": "5", "voucher_amount": "0",
        "paid_amount": "5",
    },
    "customers": {
        "customer_id": "C1", "customer_name": "甲", "account_name": "a",
        "account_created_at": "2026-01-01 00:00:00", "is_new_customer": "true",
    },
    "partners": {
        "partner_id": "P1", "partner_name": "甲", "partner_type": "distributor",
        "development_stage": "certified",
    },
    "staff": {
        "staff_id": "S1", "partner_id": "P1", "staff_name": "甲", "role": "supervisor",
    },
    "associations": {
        "event_id": "E1", "customer_id": "C1", "partner_id": "P1", "event_type": "associate",
        "association_type": "referral", "invitation_channel": "online",
        "customer_manager_id": "CM1", "event_time": "2026-06-01 10:00:00",
    },
    "resources": {
        "resource_id": "R-1", "customer_id": "C1", "product_type": "ECS",
        "billing_mode": "on_demand", "start_date": "2026-06-01", "status": "active",
    },
    "statement_events": {
        "partner_id": "P1", "billing_period": "202606", "event_type": "generated",
        "event_time": "2026-07-01 10:00:00",
    },
    "incentive_policies": {
        "policy_id": "POL1", "partner_type": "distributor", "association_type": "referral",
        "product_type": "ECS", "rate": "0.05", "valid_from": "2026-01-01",
    },
    "huawei_incentive_details": {
        "detail_id": "H1", "billing_period": "202606", "partner_id": "P1",
        "transaction_type": "order", "order_no": "O-1", "incentive_type": "base",
        "eligible_amount": "90", "incentive_amount": "4.5",
    },
}  # fmt: skip


def csv_text(source: str, *rows: dict[str, str]) -> bytes:
    columns = SOURCES[source].columns
    lines = [",".join(columns)]
    lines += [",".join(f'"{row.get(c, "")}"' for c in columns) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def bad_row(source: str, **changes: str) -> bytes:
    return csv_text(source, {**GOOD[source], **changes})


# code -> (source, file content, the values the reason names besides its code)
ROW_CASES = {
    ReasonCode.EMPTY_ROW: ("orders", csv_text("orders", {}), {}),
    ReasonCode.NOT_AN_AMOUNT: (
        "orders",
        bad_row("orders", paid_amount="lots"),
        {"column": "paid_amount", "value": "lots", "scale": 2},
    ),
    ReasonCode.AMOUNT_COMMA: (
        "orders",
        bad_row("orders", paid_amount="1,50"),
        {"column": "paid_amount", "value": "1,50", "scale": 2},
    ),
    ReasonCode.NOT_A_DATETIME: (
        "orders",
        bad_row("orders", order_time="2026-02-30 10:00:00"),
        {"column": "order_time", "value": "2026-02-30 10:00:00"},
    ),
    ReasonCode.NOT_A_DATE: (
        "consumption",
        bad_row("consumption", usage_date="2026-13-01"),
        {"column": "usage_date", "value": "2026-13-01"},
    ),
    ReasonCode.NOT_YES_NO: (
        "customers",
        bad_row("customers", is_new_customer="maybe"),
        {"column": "is_new_customer", "value": "maybe"},
    ),
    ReasonCode.REQUIRED_EMPTY: (
        "orders",
        bad_row("orders", customer_id=""),
        {"column": "customer_id"},
    ),
    ReasonCode.NOT_ALLOWED: (
        "orders",
        bad_row("orders", order_status="shipped"),
        {
            "column": "order_status",
            "value": "shipped",
            "accepted": "cancelled, paid, refunded, 已取消, 已支付, 已退订",
        },
    ),
    ReasonCode.BELOW_MINIMUM: (
        "orders",
        bad_row("orders", paid_amount="-5"),
        {"column": "paid_amount", "value": "-5.00", "bound": "0"},
    ),
    ReasonCode.ABOVE_MAXIMUM: (
        "orders",
        bad_row("orders", paid_amount="2000000000"),
        {"column": "paid_amount", "value": "2000000000.00", "bound": "1000000000"},
    ),
    ReasonCode.NOT_A_BILLING_PERIOD: (
        "statement_events",
        bad_row("statement_events", billing_period="202613"),
        {"column": "billing_period", "value": "202613"},
    ),
    ReasonCode.DUPLICATE_KEY: (
        "orders",
        csv_text("orders", GOOD["orders"], GOOD["orders"]),
        {"key": "order_no=O-1", "row": 2},
    ),
    ReasonCode.RESELLER_HAS_PARENT: ("partners", bad_row("partners", partner_type="reseller"), {}),
    ReasonCode.MANAGER_HAS_SUPERVISOR: ("staff", bad_row("staff", role="customer_manager"), {}),
    ReasonCode.ASSOCIATE_IS_COMPLETE: (
        "associations",
        bad_row("associations", customer_manager_id=""),
        {},
    ),
    ReasonCode.REFUND_IS_COMPLETE: ("orders", bad_row("orders", order_status="refunded"), {}),
    ReasonCode.REFUND_WITHIN_PAID: (
        "orders",
        bad_row(
            "orders",
            order_status="refunded",
            refund_time="2026-06-02 10:00:00",
            refund_amount="95",
        ),
        {},
    ),
    ReasonCode.REFUND_AFTER_ORDER: (
        "orders",
        bad_row(
            "orders",
            order_status="refunded",
            refund_time="2026-05-31 10:00:00",
            refund_amount="10",
        ),
        {},
    ),
    ReasonCode.EXPIRES_AFTER_START: (
        "resources",
        bad_row("resources", expire_date="2026-05-01"),
        {},
    ),
    ReasonCode.VALID_RANGE: (
        "incentive_policies",
        bad_row("incentive_policies", valid_to="2025-12-31"),
        {},
    ),
    ReasonCode.LINE_HAS_REFERENCE: (
        "huawei_incentive_details",
        bad_row("huawei_incentive_details", order_no=""),
        {},
    ),
}
ORDER_HEADER = ",".join(SOURCES["orders"].columns)
FILE_CASES = {
    ReasonCode.FILE_EMPTY: (b"", {}),
    ReasonCode.BAD_UTF16: (b"\xff\xfeo\x00\x00\xd8", {}),
    ReasonCode.BINARY_FILE: (b"\x00\x01\x02garbage", {}),
    ReasonCode.MIXED_ENCODINGS: (
        "order_no,product_name\nO-1,对象存储服务\n".encode() + "O-2,云服务器\n".encode("gbk"),
        {"line": 3},
    ),
    ReasonCode.UNKNOWN_ENCODING: (b"order_no\n\x80\x80\n", {}),
    ReasonCode.MISSING_COLUMNS: (
        (",".join(c for c in SOURCES["orders"].columns if c != "order_no") + "\n").encode(),
        {"required": [["order_no", "订单号"]]},
    ),
    ReasonCode.REPEATED_COLUMN_DIFFERS: (
        (ORDER_HEADER + ",实付金额\n" + csv_text("orders", GOOD["orders"]).decode().split("\n")[1]
         + ",1\n").encode(),
        {"column": "paid_amount", "count": 2, "row": 2},
    ),
    ReasonCode.SEPARATOR_TIE: (b"order_no;customer_id,x\n", {"count": 1}),
    ReasonCode.MALFORMED_CSV: ((ORDER_HEADER + "\n" + "x," * 20 + "\n").encode(), {}),
}  # fmt: skip


def stored(con: duckdb.DuckDBPyConnection) -> tuple[str, str, list[dict[str, object]]]:
    ((reason, code, details),) = con.execute(
        "select reason, reason_code, reason_details from audit.quarantine"
    ).fetchall()
    return reason, code, json.loads(details)


def loaded(tmp_path: Path, source: str, name: str, content: bytes) -> duckdb.DuckDBPyConnection:
    path = tmp_path / source / DAY.isoformat() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    con = duckdb.connect()
    ensure_tables(con)
    load_file(con, SOURCES[source], path, tmp_path, DAY)
    return con


@pytest.mark.parametrize("code", list(ROW_CASES))
def test_a_bad_row_is_quarantined_with_its_code_and_values(tmp_path: Path, code) -> None:
    source, content, values = ROW_CASES[code]
    reason, stored_code, details = stored(loaded(tmp_path, source, "bad.csv", content))
    assert stored_code == code
    assert details == [{"code": code, **values}]
    # the English sentence is the one the code words, with the same values
    assert reason == english_text(details[0])
    if code in check_errors():
        assert reason == check_errors()[code]


@pytest.mark.parametrize("code", list(FILE_CASES))
def test_an_unreadable_file_is_quarantined_with_its_code(tmp_path: Path, code) -> None:
    content, values = FILE_CASES[code]
    reason, stored_code, details = stored(loaded(tmp_path, "orders", "bad.csv", content))
    assert stored_code == code
    assert len(details) == 1 and details[0]["code"] == code
    assert {k: details[0][k] for k in values} == values
    assert reason == "file not loaded: " + english_text(details[0])


def test_a_duplicate_key_across_sheets_names_the_first_sheet(tmp_path: Path) -> None:
    rows = [
        SOURCES["orders"].columns,
        [GOOD["orders"].get(c, "") for c in SOURCES["orders"].columns],
    ]
    path = workbook(tmp_path, [("A", rows), ("B", rows)])
    content = path.read_bytes()
    _, code, details = stored(loaded(tmp_path, "orders", "two.xlsx", content))
    assert code == "duplicate_key_in_sheet"
    assert details == [{"code": code, "key": "order_no=O-1", "row": 2, "first_sheet": "A"}]


def test_workbook_reasons_are_coded_per_sheet(tmp_path: Path) -> None:
    header = SOURCES["orders"].columns
    good = [GOOD["orders"].get(c, "") for c in header]
    other_table = [["单号", "金额", "日期"], ["O-1", "5", "2026-06-02"]]
    cases = {
        "table.xlsx": [("A", [header, good]), ("B", other_table)],
        "differ.xlsx": [("A", [header, good]), ("B", [header[:-1], good[:-1]])],
        "none.xlsx": [("notes", [["just a note"]])],
    }
    found = {}
    for name, sheets in cases.items():
        content = workbook(tmp_path, sheets).read_bytes()
        _, code, details = stored(loaded(tmp_path / name, "orders", name, content))
        found[name] = (code, details)
    assert found["table.xlsx"] == (
        "data_sheets_with_problems",
        [
            {
                "code": "data_sheets_with_problems",
                "sheets": ["A"],
                "source": "orders",
                "problems": [{"code": "table_without_header", "sheet": "B"}],
            }
        ],
    )
    assert found["differ.xlsx"][1] == [
        {
            "code": "sheets_differ",
            "columns": ["project_id"],
            "first_sheet": "A",
            "second_sheet": "B",
        }
    ]
    # a sheet of notes: its first row is taken for a header that lacks every column
    code, (details,) = found["none.xlsx"]
    assert (code, details["sheet"]) == ("missing_columns", "notes")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("bad.parquet", b"PAR1 not parquet", ReasonCode.MALFORMED_PARQUET),
        ("bad.xlsx", b"not a workbook", ReasonCode.MALFORMED_XLSX),
        ("bad.txt", b"order_no\nO-1\n", ReasonCode.UNSUPPORTED_TYPE),
    ],
)
def test_other_unreadable_formats_are_coded(tmp_path: Path, name, content, code) -> None:
    _, stored_code, _ = stored(loaded(tmp_path, "orders", name, content))
    assert stored_code == code


def test_every_code_has_an_english_sentence_and_every_check_a_code() -> None:
    assert set(ENGLISH) == set(ReasonCode)
    assert set(check_errors()) <= set(ReasonCode)


def test_every_file_not_loaded_has_its_code(tmp_path: Path) -> None:
    root = tmp_path / "landing"
    entries = {
        "orders/2026-04-21/.hidden.csv": ReasonCode.HIDDEN_FILE,
        "orders/.tmp/x/o.csv": ReasonCode.HIDDEN_FOLDER,
        "orders/o.csv": ReasonCode.WRONG_LAYOUT,
        "orderz/2026-04-21/o.csv": ReasonCode.UNKNOWN_SOURCE,
        "orders/latest/o.csv": ReasonCode.NOT_A_DROP_DATE,
        "orders/2026-04-21/old/o.csv": ReasonCode.NESTED_FOLDER,
        "orders/2026-04-21/notes.txt": ReasonCode.UNSUPPORTED_TYPE,
        "orders/2026-04-21/README": ReasonCode.NO_SUFFIX,
    }
    for relative in entries:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("order_no\n")
    links = {
        "orders/2026-04-21/out.csv": (tmp_path / "secret.csv", ReasonCode.LINK_OUTSIDE),
        "orders/2026-04-21/gone.csv": (root / "missing.csv", ReasonCode.LINK_DANGLING),
        "orders/2026-04-21/dir.csv": (root / "orders", ReasonCode.LINK_NOT_A_FILE),
    }
    (tmp_path / "secret.csv").write_text("x\n")
    for relative, (target, code) in links.items():
        os.symlink(target, root / relative)
        entries[relative] = code
    os.mkfifo(root / "orders/2026-04-21/pipe.csv")
    entries["orders/2026-04-21/pipe.csv"] = ReasonCode.NAMED_PIPE

    not_loaded = {n.file: n for n in landing_inventory(root).not_loaded}

    assert {file: n.why.code for file, n in not_loaded.items()} == entries
    for n in not_loaded.values():
        assert n.reason == english_text(n.why.details())
    assert not_loaded["orders/latest/o.csv"].why.details() == {
        "code": "not_a_drop_date",
        "folder": "latest",
    }
    con = duckdb.connect()
    ensure_tables(con)
    replace_files_not_loaded(con, list(not_loaded.values()))
    stored_row = con.execute(
        "select reason, reason_code, reason_details from audit.files_not_loaded "
        "where file = 'orders/2026-04-21/notes.txt'"
    ).fetchone()
    assert stored_row == (
        "unsupported file type '.txt' (expected one of .csv, .parquet, .xlsx)",
        "unsupported_type",
        '[{"code":"unsupported_type","suffix":".txt","expected":[".csv",".parquet",".xlsx"]}]',
    )
