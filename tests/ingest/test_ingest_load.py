"""Loading landing files: formats, encodings, header languages, bad rows, idempotency."""

import os
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from contract.sources import ORDER_STATUSES, SOURCES
from pipelines.ingest import load as load_module
from pipelines.ingest.load import load_file
from pipelines.ingest.tables import ensure_tables

ORDERS = SOURCES["orders"]
DAY = date(2026, 6, 2)

# Three good orders, written in English with English enum values.
# fmt: off
GOOD_ORDERS = [
    ["O-1", "C1", "ECS", "云服务器", "2026-06-01 10:00:00", "100.00", "10.00", "0.00", "90.00", "paid", "", "", ""],
    ["O-2", "C1", "OBS", "对象存储", "2026-06-01T09:30:00+08:00", "50.00", "0.00", "5.00", "45.00", "refunded", "2026-06-05 12:00:00", "20.00", "PRJ-1"],
    ["O-3", "C2", "RDS", "数据库", "2026-06-01 11:00:00", "30.00", "0.00", "0.00", "0.00", "cancelled", "", "", ""],
]
# fmt: on
# English order status -> its Chinese spelling in a partner-center export.
ZH_VALUES = {english: chinese for chinese, english in ORDER_STATUSES.items()}


def frame_of(rows: list[list[str]], chinese: bool) -> pl.DataFrame:
    headers = list(ORDERS.chinese_headers().values()) if chinese else ORDERS.columns
    frame = pl.DataFrame(rows, schema=headers, orient="row")
    if chinese:
        status = ORDERS.chinese_headers()["order_status"]
        frame = frame.with_columns(pl.col(status).replace(ZH_VALUES))
    return frame


def write_csv(path: Path, rows: list[list[str]], *, chinese: bool, encoding: str) -> Path:
    text = frame_of(rows, chinese).write_csv()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def con():
    connection = duckdb.connect()
    ensure_tables(connection)
    yield connection
    connection.close()


def raw_orders(con) -> pl.DataFrame:
    return con.sql(f"select {', '.join(ORDERS.columns)} from raw.orders order by order_no").pl()


def load(con, path: Path, root: Path, day: date = DAY):
    return load_file(con, ORDERS, path, root, day)


def test_every_format_encoding_and_header_language_loads_the_same_table(tmp_path: Path) -> None:
    root = tmp_path
    files = {
        "gb18030_chinese": write_csv(
            root / "orders/2026-06-02/a.csv", GOOD_ORDERS, chinese=True, encoding="gb18030"
        ),
        "utf8_bom_chinese": write_csv(
            root / "orders/2026-06-02/b.csv", GOOD_ORDERS, chinese=True, encoding="utf-8-sig"
        ),
        "utf8_english": write_csv(
            root / "orders/2026-06-02/c.csv", GOOD_ORDERS, chinese=False, encoding="utf-8"
        ),
    }
    parquet = root / "orders/2026-06-02/d.parquet"
    frame_of(GOOD_ORDERS, chinese=False).write_parquet(parquet)
    files["parquet"] = parquet
    xlsx = root / "orders/2026-06-02/e.xlsx"
    frame_of(GOOD_ORDERS, chinese=True).write_excel(xlsx)
    files["xlsx_chinese"] = xlsx

    tables = {}
    for name, path in files.items():
        con = duckdb.connect()
        ensure_tables(con)
        result = load(con, path, root)
        assert (result.rows_landed, result.rows_loaded, result.rows_quarantined) == (3, 3, 0), name
        tables[name] = raw_orders(con)
        con.close()
    first = tables["utf8_english"]
    for name, table in tables.items():
        assert table.equals(first), name
    # The values themselves, typed: refunds keep their time, the offset is Shanghai's own.
    o2 = first.filter(pl.col("order_no") == "O-2").row(0, named=True)
    assert o2["order_time"] == datetime(2026, 6, 1, 9, 30)
    assert o2["refund_amount"] == Decimal("20.00")
    assert o2["order_status"] == "refunded"


# fmt: off
BAD_ORDERS = [
    GOOD_ORDERS[0],
    # wrong type: a word where an amount belongs
    ["O-4", "C1", "ECS", "x", "2026-06-01 10:00:00", "100.00", "0", "0", "lots", "paid", "", "", ""],
    # unknown enum value
    ["O-5", "C1", "ECS", "x", "2026-06-01 10:00:00", "100.00", "0", "0", "100.00", "shipped", "", "", ""],
    # impossible date
    ["O-6", "C1", "ECS", "x", "2026-02-30 10:00:00", "100.00", "0", "0", "100.00", "paid", "", "", ""],
    # missing key
    ["", "C1", "ECS", "x", "2026-06-01 10:00:00", "100.00", "0", "0", "100.00", "paid", "", "", ""],
    # duplicate key of row 2
    ["O-1", "C9", "ECS", "x", "2026-06-01 10:00:00", "1.00", "0", "0", "1.00", "paid", "", "", ""],
    # repaired, not rejected: thousands separator, currency sign, spaces, full-width digits
    ["O-7", " C1 ", "ECS", "x", "２０２６-06-01 10:00", "1,000.00", "¥0", "0", "１,０００.００", "PAID", "", "", ""],
]
# fmt: on


def test_bad_rows_are_quarantined_with_reasons_and_good_rows_load(con, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "orders/2026-06-02/bad.csv", BAD_ORDERS, chinese=False, encoding="utf-8"
    )
    result = load(con, path, tmp_path)

    assert (result.rows_landed, result.rows_loaded, result.rows_quarantined) == (7, 2, 5)
    assert raw_orders(con)["order_no"].to_list() == ["O-1", "O-7"]
    repaired = raw_orders(con).filter(pl.col("order_no") == "O-7").row(0, named=True)
    assert repaired["customer_id"] == "C1"
    assert repaired["paid_amount"] == Decimal("1000.00")
    assert repaired["order_time"] == datetime(2026, 6, 1, 10, 0)
    assert repaired["order_status"] == "paid"

    quarantined = con.sql(
        "select row_number, column_name, reason, raw_record from audit.quarantine order by row_number"
    ).fetchall()
    # Spreadsheet rows: the header is row 1, so the i-th data row is row i + 1.
    assert [(r[0], r[1]) for r in quarantined] == [
        (3, "paid_amount"),
        (4, "order_status"),
        (5, "order_time"),
        (6, "order_no"),
        (7, "order_no"),
    ]
    reasons = [r[2] for r in quarantined]
    assert reasons[0] == "paid_amount 'lots' is not an amount with at most 2 decimals"
    assert reasons[1].startswith("order_status 'shipped' is not one of: cancelled, paid, refunded")
    assert reasons[2].startswith("order_time '2026-02-30 10:00:00' is not a valid date and time")
    assert reasons[3] == "order_no is empty but required"
    assert reasons[4] == "duplicate key (order_no=O-1): already on row 2 of this file"
    assert '"paid_amount":"lots"' in quarantined[0][3]  # the row as landed, nothing lost

    log = con.sql(
        "select rows_landed, rows_loaded, rows_quarantined from audit.load_log"
    ).fetchall()
    assert log == [(7, 2, 5)]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "file not loaded: the file is empty"),
        (b"\x00\x01\x02garbage\xff\xfe", "file not loaded: the file is binary, not CSV text"),
        (
            "客户ID,产品类型\nC1,ECS\n".encode(),
            "file not loaded: the header lacks required column(s) order_no (订单号)",
        ),
    ],
)
def test_unreadable_files_are_quarantined_whole(
    con, tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "orders/2026-06-02/broken.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    result = load(con, path, tmp_path)
    assert result.unreadable is not None
    ((row_number, stored_reason),) = con.sql(
        "select row_number, reason from audit.quarantine"
    ).fetchall()
    assert row_number is None
    assert stored_reason.startswith(reason)
    assert con.sql("select count(*) from raw.orders").fetchall() == [(0,)]


def test_loading_the_same_file_twice_changes_nothing(con, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "orders/2026-06-02/a.csv", BAD_ORDERS, chinese=False, encoding="utf-8"
    )
    load(con, path, tmp_path)
    before = (raw_orders(con), con.sql("select * from audit.quarantine order by all").pl())
    second = load(con, path, tmp_path)
    assert second.skipped
    # Even when the content is re-read (a renamed copy of the log entry), keys converge.
    con.execute("update audit.load_log set file_sha256 = 'stale', file_size = null")
    third = load(con, path, tmp_path)
    assert not third.skipped
    after = (raw_orders(con), con.sql("select * from audit.quarantine order by all").pl())
    assert before[0].equals(after[0])
    assert before[1].equals(after[1])


def test_an_unchanged_file_is_not_read_and_a_rewritten_one_is(
    con, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(
        tmp_path / "orders/2026-06-02/a.csv", GOOD_ORDERS, chinese=False, encoding="utf-8"
    )
    load(con, path, tmp_path)
    # same size and modification time as at its load: skipped without being hashed
    monkeypatch.setattr(load_module, "file_sha256", lambda _: pytest.fail("hashed"))
    assert load(con, path, tmp_path).skipped
    monkeypatch.undo()
    # a corrected re-export of the same size: its new modification time gets it compared
    corrected = path.read_text(encoding="utf-8").replace("100.00", "900.00")
    assert len(corrected) == len(path.read_text(encoding="utf-8"))
    stat = path.stat()
    path.write_text(corrected, encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert not load(con, path, tmp_path).skipped
    assert con.execute("select list_amount from raw.orders where order_no = 'O-1'").fetchall() == [
        (Decimal("900.00"),)
    ]


def test_a_later_version_of_a_key_replaces_the_earlier_in_any_load_order(
    con, tmp_path: Path
) -> None:
    early = [GOOD_ORDERS[0]]
    late = [[*GOOD_ORDERS[0][:8], "80.00", *GOOD_ORDERS[0][9:]]]  # paid corrected to 80
    early_path = write_csv(
        tmp_path / "orders/2026-06-01/x.csv", early, chinese=False, encoding="utf-8"
    )
    late_path = write_csv(
        tmp_path / "orders/2026-06-03/x.csv", late, chinese=False, encoding="utf-8"
    )
    # The later drop date is loaded first (a backfill of an old day); it must still win.
    load(con, late_path, tmp_path, date(2026, 6, 3))
    load(con, early_path, tmp_path, date(2026, 6, 1))
    assert raw_orders(con)["paid_amount"].to_list() == [Decimal("80.00")]
    ((partition,),) = con.sql("select _partition_date from raw.orders").fetchall()
    assert partition == date(2026, 6, 3)
