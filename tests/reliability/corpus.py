"""The bad input corpus: one case per kind of bad landing file, with its expected outcome.

Each case is a file (or a few files) as a partner's export could really look, and what
ingestion must do with it: load it, repair it (and how), or quarantine rows or the whole
file (and why). Counts and reasons were worked out by hand from the bytes below. The
table is rendered into docs/RELIABILITY.md by `corpus_markdown` (a test keeps them equal).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import polars as pl
import xlsxwriter

from contract.sources import SOURCES

DROP = "2026-06-02"
LATER_DROP = "2026-06-03"


def csv_text(rows: list[list[str]], header: list[str]) -> str:
    """CSV text; a field with a comma, a quote or a line break is quoted."""

    def field_text(value: str) -> str:
        if any(c in value for c in ',"\n\r'):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(",".join(field_text(v) for v in row) + "\n" for row in [header, *rows])


def csv_file(
    source: str,
    rows: list[list[str]],
    *,
    header: list[str] | None = None,
    encoding: str = "utf-8",
    chinese: bool = False,
) -> Callable[[], bytes]:
    def build() -> bytes:
        columns = SOURCES[source].columns
        names = header or (list(SOURCES[source].chinese_headers().values()) if chinese else columns)
        return csv_text(rows, names).encode(encoding)

    return build


def raw_bytes(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def xlsx_file(
    sheets: list[tuple[str, list[list[object]]]],
    merges: tuple[str, ...] = (),
    hidden: tuple[str, ...] = (),
) -> Callable[[], bytes]:
    """A workbook of several sheets; `merges` are ranges of the last sheet merged (A1:D1);
    `hidden` sheets are hidden (the first visible one is made the active sheet)."""

    def build() -> bytes:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = None
        for name, rows in sheets:
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    if value is not None:
                        sheet.write(r, c, value)
        visible = [s for s in book.worksheets() if s.name not in hidden]
        if hidden and visible:
            visible[0].activate()  # Excel cannot hide the active sheet
        for hidden_sheet in (s for s in book.worksheets() if s.name in hidden):
            hidden_sheet.hide()
        for cell_range in merges:
            assert sheet is not None
            first = cell_range.split(":")[0]
            row_index = int("".join(ch for ch in first if ch.isdigit())) - 1
            sheet.merge_range(cell_range, sheets[-1][1][row_index][0])
        book.close()
        return buffer.getvalue()

    return build


def parquet_file(frame: pl.DataFrame) -> Callable[[], bytes]:
    def build() -> bytes:
        buffer = io.BytesIO()
        frame.write_parquet(buffer)
        return buffer.getvalue()

    return build


@dataclass(frozen=True)
class LandedFile:
    name: str
    build: Callable[[], bytes]
    drop: str = DROP
    at: str | None = None  # the path under the landing root, if not <source>/<drop>/<name>
    # "file"; "link_outside": a link to the bytes written outside the landing root;
    # "link_inside": a link to them written at `archive/<name>` inside it; "fifo": a named pipe
    kind: str = "file"

    def where(self, source: str) -> str:
        return self.at or f"{source}/{self.drop}/{self.name}"


@dataclass(frozen=True)
class Case:
    """One bad input and its expected outcome (all counts summed over the case's files)."""

    name: str
    source: str
    files: tuple[LandedFile, ...]
    outcome: str  # "loaded", "repaired", "quarantined" (rows or the whole file), "not loaded"
    how: str  # the outcome in words, for the docs
    landed: int
    loaded: int
    quarantined: int
    # (spreadsheet row or None for the whole file, start of the reason), in row order
    reasons: tuple[tuple[int | None, str], ...] = ()
    note: str | None = None  # expected in audit.load_log.notes
    # (value of the key's first column, column, value in raw after loading)
    raw: tuple[tuple[str, str, object], ...] = ()
    raw_rows: int | None = None  # rows in raw.<source> after loading (default: loaded)
    # (file under the landing root, start of the reason) of the files not loaded, by file
    not_loaded: tuple[tuple[str, str], ...] = ()

    @property
    def whole_file(self) -> bool:
        return any(row is None for row, _ in self.reasons)


ORDER_COLUMNS = SOURCES["orders"].columns


def order(no: str, paid: str = "90.00", **changes: str) -> list[str]:
    """A good paid order row of customer C1, with some columns changed."""
    row = {
        "order_no": no,
        "customer_id": "C1",
        "product_type": "ECS",
        "product_name": "云服务器",
        "order_time": "2026-06-01 10:00:00",
        "list_amount": "100.00",
        "discount_amount": "10.00",
        "voucher_amount": "0.00",
        "paid_amount": paid,
        "order_status": "paid",
        "refund_time": "",
        "refund_amount": "",
        "project_id": "",
    }
    row.update(changes)
    return [row[c] for c in ORDER_COLUMNS]


GOOD = [order("O-1"), order("O-2")]
ORDERS_CSV = csv_text(GOOD, ORDER_COLUMNS)
HEADER = ",".join(ORDER_COLUMNS)
NOT_A_TIME = "is not a valid date and time"


def orders(rows: list[list[str]], **kwargs: object) -> Callable[[], bytes]:
    return csv_file("orders", rows, **kwargs)  # type: ignore[arg-type]


# fmt: off
CASES: list[Case] = [
    # ---- encodings
    Case("gb18030_chinese_headers", "orders", (LandedFile("o.csv", orders(GOOD, chinese=True, encoding="gb18030")),),
         "repaired", "decoded from GB18030, Chinese headers mapped to English", 2, 2, 0,
         note="decoded from GB18030", raw=(("O-1", "paid_amount", Decimal("90.00")),)),
    Case("utf8_bom", "orders", (LandedFile("o.csv", raw_bytes(b"\xef\xbb\xbf" + ORDERS_CSV.encode())),),
         "repaired", "byte-order mark dropped", 2, 2, 0),
    Case("utf16_excel_unicode_text", "orders", (LandedFile("o.csv", raw_bytes(ORDERS_CSV.encode("utf-16"))),),
         "repaired", "UTF-16 (with BOM, Excel's 'Unicode text') decoded", 2, 2, 0, note="decoded from UTF-16"),
    Case("latin1_text", "customers", (LandedFile("c.csv", csv_file("customers", [["C1", "Café Zürich", "cafe", "2025-01-01 08:00:00", "", "", "false"]], encoding="latin-1")),),
         "quarantined", "whole file: neither UTF-8 nor GB18030", 0, 0, 0,
         reasons=((None, "file not loaded: the file is neither UTF-8 nor GB18030 text"),)),
    Case("mixed_utf8_latin_and_gbk_line", "orders",
         (LandedFile("o.csv", raw_bytes(csv_text([order("O-1", product_name="Société Générale"), order("O-2", product_name="Zürich")], ORDER_COLUMNS).encode() + csv_text([order("O-3", product_name="对象存储")], ORDER_COLUMNS).split("\n", 1)[1].encode("gbk"))),),
         "quarantined", "whole file: UTF-8 lines with accents and one GBK line (no 'Soci茅t茅')", 0, 0, 0,
         reasons=((None, "file not loaded: the file mixes encodings: line 4 is not UTF-8"),)),
    Case("bom_then_a_gbk_line", "orders",
         (LandedFile("o.csv", raw_bytes(b"\xef\xbb\xbf" + ORDERS_CSV.encode() + ",".join(order("O-3", product_name="对象存储")).encode("gbk") + b"\n")),),
         "quarantined", "whole file: a UTF-8 byte-order mark, ASCII lines and one GBK line", 0, 0, 0,
         reasons=((None, "file not loaded: the file mixes encodings: line 4 is not UTF-8"),)),
    Case("mixed_utf8_and_gb18030_lines", "orders",
         (LandedFile("o.csv", raw_bytes(ORDERS_CSV.encode() + csv_text([order("O-3", product_name="对象存储")], ORDER_COLUMNS).split("\n", 1)[1].encode("gb18030"))),),
         "quarantined", "whole file: line 4 is not UTF-8 while the rest is (no silent mojibake)", 0, 0, 0,
         reasons=((None, "file not loaded: the file mixes encodings: line 4 is not UTF-8"),)),
    # ---- headers and columns
    Case("unknown_extra_columns", "orders", (LandedFile("o.csv", orders([[*r, "备注"] for r in GOOD], header=[*ORDER_COLUMNS, "remark"])),),
         "repaired", "unknown column ignored and noted", 2, 2, 0, note="ignored unknown column(s): remark"),
    Case("missing_required_column", "orders", (LandedFile("o.csv", orders([r[1:] for r in GOOD], header=ORDER_COLUMNS[1:])),),
         "quarantined", "whole file: required column order_no missing", 0, 0, 0,
         reasons=((None, "file not loaded: the header lacks required column(s) order_no (订单号)"),)),
    Case("missing_optional_column", "orders", (LandedFile("o.csv", orders([r[:-1] for r in GOOD], header=ORDER_COLUMNS[:-1])),),
         "loaded", "optional project_id absent: loaded as empty", 2, 2, 0, raw=(("O-1", "project_id", None),)),
    Case("header_names_a_column_twice_with_equal_values", "orders", (LandedFile("o.csv", orders([[*r, r[0]] for r in GOOD], header=[*ORDER_COLUMNS, "订单号"])),),
         "repaired", "order_no named twice (English and Chinese) with the same values in every row: one kept, noted", 2, 2, 0,
         note="column order_no named 2 times ('order_no', '订单号') with equal values: one kept"),
    Case("header_names_a_column_twice_with_different_values", "orders", (LandedFile("o.csv", orders([[*r, "80.00"] for r in GOOD], header=[*ORDER_COLUMNS, "paid_amount"])),),
         "quarantined", "whole file: paid_amount named twice with different values (which one is paid cannot be told)", 0, 0, 0,
         reasons=((None, "file not loaded: the header names column paid_amount 2 times ('paid_amount', 'paid_amount') and their values differ (first on row 2)"),)),
    Case("invisible_characters_in_headers_and_ids", "orders",
         (LandedFile("o.csv", orders([order("O\u200b-1", customer_id="C\ufeff1"), order("O-1\u2060"), order("\u00a0O-2", customer_id="C\u200d1")],
                                     header=["order\u200b_no", "customer_id\u00a0", *ORDER_COLUMNS[2:8], "paid_amount\ufeff", *ORDER_COLUMNS[9:]])),),
         "quarantined", "zero-width spaces, joiners, BOMs and no-break spaces dropped from headers and ids: O\u200b-1 and O-1\u2060 are one key (row 3 a duplicate)", 3, 2, 1,
         reasons=((3, "duplicate key (order_no=O-1): already on row 2 of this file"),),
         raw=(("O-1", "customer_id", "C1"), ("O-2", "customer_id", "C1"), ("O-2", "paid_amount", Decimal("90.00")))),
    # ---- CSV dialects
    Case("semicolon_separated", "orders", (LandedFile("o.csv", raw_bytes(ORDERS_CSV.replace(",", ";").encode())),),
         "repaired", "the separator ';' told by the header line", 2, 2, 0, note="fields separated by ';'"),
    Case("tab_separated", "orders", (LandedFile("o.csv", raw_bytes(csv_text([order("O-1", paid="1,234.50")], ORDER_COLUMNS).replace(",", "\t").replace("1\t234", "1,234").encode())),),
         "repaired", "tab-separated (a comma inside a value stays a thousands separator)", 1, 1, 0, note="fields separated by '\\t'",
         raw=(("O-1", "paid_amount", Decimal("1234.50")),)),
    Case("pipe_separated", "orders", (LandedFile("o.csv", raw_bytes(ORDERS_CSV.replace(",", "|").encode())),),
         "repaired", "pipe-separated", 2, 2, 0, note="fields separated by '|'"),
    Case("separator_cannot_be_told", "orders", (LandedFile("o.csv", raw_bytes(b"order_no;customer_id,product_type\nO-1;C1,ECS\n")),),
         "quarantined", "whole file: as many ';' as ',' in the header", 0, 0, 0,
         reasons=((None, "file not loaded: cannot tell the field separator: the header holds 1 of ';' and of ','"),)),
    Case("cr_only_line_endings", "orders", (LandedFile("o.csv", raw_bytes(ORDERS_CSV.replace("\n", "\r").encode())),),
         "repaired", "Excel's 'CSV (Macintosh)': lines ended by a lone CR", 2, 2, 0, note="line endings: carriage returns read as line breaks"),
    Case("crlf_line_endings", "orders", (LandedFile("o.csv", raw_bytes(ORDERS_CSV.replace("\n", "\r\n").encode())),),
         "loaded", "Windows line endings", 2, 2, 0, raw=(("O-2", "project_id", None),)),
    Case("mixed_line_endings", "orders", (LandedFile("o.csv", raw_bytes((HEADER + "\r\n" + ",".join(order("O-1")) + "\r" + ",".join(order("O-2")) + "\n" + ",".join(order("O-3"))).encode())),),
         "repaired", "CRLF, CR and LF in one file, last line without ending", 3, 3, 0, note="line endings: carriage returns read as line breaks",
         raw=(("O-3", "paid_amount", Decimal("90.00")),)),
    Case("spaces_around_headers", "orders", (LandedFile("o.csv", orders(GOOD, header=[f" {c} " for c in ORDER_COLUMNS])),),
         "repaired", "headers trimmed", 2, 2, 0),
    # ---- empty, truncated, garbage
    Case("header_only", "orders", (LandedFile("o.csv", raw_bytes((HEADER + "\n").encode())),),
         "loaded", "nothing to load: 0 rows", 0, 0, 0),
    Case("empty_file", "orders", (LandedFile("o.csv", raw_bytes(b"")),),
         "quarantined", "whole file: empty", 0, 0, 0, reasons=((None, "file not loaded: the file is empty"),)),
    Case("whitespace_only", "orders", (LandedFile("o.csv", raw_bytes(b" \n\r\n\t\n")),),
         "quarantined", "whole file: empty", 0, 0, 0, reasons=((None, "file not loaded: the file is empty"),)),
    Case("truncated_mid_row", "orders", (LandedFile("o.csv", raw_bytes((ORDERS_CSV + "O-3,C1,ECS,x,2026-06-01 10:0").encode())),),
         "quarantined", "rows: the cut last row (row 4) quarantined, the rest loaded", 3, 2, 1,
         reasons=((4, f"order_time '2026-06-01 10:0' {NOT_A_TIME}"),)),
    Case("truncated_inside_quotes", "orders", (LandedFile("o.csv", raw_bytes((ORDERS_CSV + 'O-3,"C1,ECS\n').encode())),),
         "quarantined", "whole file: an unterminated quote makes the rows unknowable", 0, 0, 0,
         reasons=((None, "file not loaded: not a well-formed CSV file"),)),
    Case("row_with_extra_fields", "orders", (LandedFile("o.csv", raw_bytes((ORDERS_CSV + HEADER.replace("order_no", "O-3") + ",x\n").encode())),),
         "quarantined", "whole file: a row has more fields than the header", 0, 0, 0,
         reasons=((None, "file not loaded: not a well-formed CSV file"),)),
    Case("blank_line_between_rows", "orders", (LandedFile("o.csv", raw_bytes(ORDERS_CSV.replace("\n", "\n\n", 1).encode())),),
         "quarantined", "rows: the blank row 2 quarantined as empty, data rows keep their row numbers", 3, 2, 1,
         reasons=((2, "the row is empty"),), raw=(("O-1", "_row_number", 3),)),
    Case("binary_garbage_named_csv", "orders", (LandedFile("o.csv", raw_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))),),
         "quarantined", "whole file: binary", 0, 0, 0, reasons=((None, "file not loaded: the file is binary, not CSV text"),)),
    Case("high_bytes_garbage_named_csv", "orders", (LandedFile("o.csv", raw_bytes(bytes(range(128, 256)) * 4)),),
         "quarantined", "whole file: not text", 0, 0, 0,
         reasons=((None, "file not loaded: the file is neither UTF-8 nor GB18030 text"),)),
    Case("csv_text_named_xlsx", "orders", (LandedFile("o.xlsx", raw_bytes(ORDERS_CSV.encode())),),
         "quarantined", "whole file: not a workbook", 0, 0, 0, reasons=((None, "file not loaded: not a readable Excel file"),)),
    Case("garbage_named_parquet", "orders", (LandedFile("o.parquet", raw_bytes(b"PAR1 this is not parquet PAR1")),),
         "quarantined", "whole file: not Parquet", 0, 0, 0, reasons=((None, "file not loaded: not a readable Parquet file"),)),
    Case("secret_first_line_quoted_short", "orders", (LandedFile("o.csv", raw_bytes(b"password=" + b"s3cr3t" * 30 + b"\x1b[31m\x07,x\n1,2\n")),),
         "quarantined", "whole file: the reason quotes at most 60 printable characters of the header it could not use", 0, 0, 0,
         reasons=((None, "file not loaded: the header lacks required column(s) order_no (订单号)"),)),
    # ---- keys
    Case("duplicate_key_in_one_file", "orders", (LandedFile("o.csv", orders([*GOOD, order("O-1", paid="1.00")])),),
         "quarantined", "rows: the second O-1 (row 4) quarantined, the first kept", 3, 2, 1,
         reasons=((4, "duplicate key (order_no=O-1): already on row 2 of this file"),),
         raw=(("O-1", "paid_amount", Decimal("90.00")),)),
    Case("duplicate_composite_key_in_one_file", "consumption",
         (LandedFile("u.csv", csv_file("consumption", [["2026-06-01", "C1", "RS-1", "OBS", "10", "0", "10"], ["2026-06-01", "C1", "RS-1", "OBS", "12", "0", "12"]])),),
         "quarantined", "rows: the repeated (usage_date, resource_id) quarantined", 2, 1, 1,
         reasons=((3, "duplicate key (usage_date=2026-06-01, resource_id=RS-1): already on row 2"),)),
    Case("duplicate_key_across_files", "orders",
         (LandedFile("a.csv", orders([order("O-1")])), LandedFile("b.csv", orders([order("O-1", paid="80.00")]))),
         "loaded", "both loaded; the later file name's version (b.csv) replaces a.csv's", 2, 2, 0,
         raw=(("O-1", "paid_amount", Decimal("80.00")),), raw_rows=1),
    Case("duplicate_key_across_drop_dates_loaded_backwards", "orders",
         (LandedFile("x.csv", orders([order("O-1", paid="80.00")]), drop=LATER_DROP), LandedFile("x.csv", orders([order("O-1")]))),
         "loaded", "the later drop date's version wins even when loaded first", 2, 2, 0,
         raw=(("O-1", "paid_amount", Decimal("80.00")),), raw_rows=1),
    # ---- dates
    Case("unparseable_dates", "orders", (LandedFile("o.csv", orders([order("O-1"), order("O-2", order_time="yesterday"), order("O-3", order_time="06/01/2026")])),),
         "quarantined", "rows: 'yesterday' and a US-style date quarantined", 3, 1, 2,
         reasons=((3, f"order_time 'yesterday' {NOT_A_TIME}"), (4, f"order_time '06/01/2026' {NOT_A_TIME}"))),
    Case("impossible_dates", "resources",
         (LandedFile("r.csv", csv_file("resources", [["RS-1", "C1", "ECS", "yearly_monthly", "2026-02-30", "", "active"], ["RS-2", "C1", "ECS", "按需", "2026-13-01", "", "运行中"], ["RS-3", "C1", "ECS", "yearly_monthly", "2026-06-01", "2026-05-01", "active"], ["RS-4", "C1", "ECS", "包年/包月", "2026/6/1", "2027-06-01", "已过期"]])),),
         "quarantined", "rows: Feb 30, month 13 and expiry before start quarantined; 2026/6/1 repaired", 4, 1, 3,
         reasons=((2, "start_date '2026-02-30' is not a valid date"), (3, "start_date '2026-13-01' is not a valid date"), (4, "expire_date is before start_date")),
         raw=(("RS-4", "start_date", date(2026, 6, 1)), ("RS-4", "status", "expired"))),
    Case("impossible_clock_and_offset_times", "associations",
         (LandedFile("a.csv", csv_file("associations", [["E1", "C1", "D1", "associate", "referral", "online", "CM1", "2026-06-01 25:00:00"], ["E2", "C2", "D1", "associate", "referral", "online", "CM1", "2026-06-01T02:00:00Z"]])),),
         "quarantined", "rows: hour 25 quarantined; a UTC time converted to Shanghai wall time", 2, 1, 1,
         reasons=((2, f"event_time '2026-06-01 25:00:00' {NOT_A_TIME}"),),
         raw=(("E2", "event_time", datetime(2026, 6, 1, 10, 0)),)),
    Case("dates_with_offsets", "resources",
         (LandedFile("r.csv", csv_file("resources", [["RS-1", "C1", "ECS", "yearly_monthly", "2026-04-04T16:00:00Z", "", "active"], ["RS-2", "C1", "ECS", "yearly_monthly", "2026-04-05T01:00:00+14:00", "2026-04-05 00:00:00+08:00", "active"]])),),
         "repaired", "a date with an offset is the Asia/Shanghai date: 16:00Z is 00:00 of the 5th there, 01:00+14:00 is 19:00 of the 4th", 2, 2, 0,
         raw=(("RS-1", "start_date", date(2026, 4, 5)), ("RS-2", "start_date", date(2026, 4, 4)), ("RS-2", "expire_date", date(2026, 4, 5)))),
    # ---- amounts
    Case("comma_not_a_thousands_separator", "orders", (LandedFile("o.csv", orders([order("O-1", paid="1,50"), order("O-2", paid="1,2,3,4"), order("O-3", paid="12,34.5"), order("O-4", paid="12,345"), order("O-5", paid="1,234,567.8")])),),
         "quarantined", "rows: a comma is only a thousands separator (groups of three digits); 1,50 could be 1.50 or 150", 5, 2, 3,
         reasons=((2, "paid_amount '1,50' is not an amount with at most 2 decimals (a comma may only separate thousands"), (3, "paid_amount '1,2,3,4' is not an amount"), (4, "paid_amount '12,34.5' is not an amount")),
         raw=(("O-4", "paid_amount", Decimal("12345.00")), ("O-5", "paid_amount", Decimal("1234567.80")))),
    Case("negative_and_absurd_amounts", "orders", (LandedFile("o.csv", orders([order("O-1"), order("O-2", paid="-5.00"), order("O-3", paid="1e12"), order("O-4", paid="2000000000.00"), order("O-5", paid="1.005")])),),
         "quarantined", "rows: negative, exponent, above 1e9 and 3-decimal amounts quarantined", 5, 1, 4,
         reasons=((3, "paid_amount -5.00 is below the minimum 0"), (4, "paid_amount '1e12' is not an amount"), (5, "paid_amount 2000000000.00 is above the maximum"), (6, "paid_amount '1.005' is not an amount with at most 2 decimals"))),
    Case("negative_balance_is_arrears", "balances", (LandedFile("b.csv", csv_file("balances", [["2026-06-01", "C1", "-120.50", "0", "95%"]])),),
         "repaired", "a negative balance is legitimate (arrears); the rate '95%' becomes 0.95", 1, 1, 0,
         raw=(("2026-06-01", "available_balance", Decimal("-120.50")), ("2026-06-01", "discount_rate", Decimal("0.950000")))),
    Case("thousands_separators_and_currency_signs", "orders", (LandedFile("o.csv", orders([order("O-1", paid="1,234.50", list_amount="¥1,500.00"), order("O-2", paid="1234.50元", list_amount="CNY 1500"), order("O-3", paid="$12")])),),
         "repaired", "separators, ¥, 元, CNY and $ stripped", 3, 3, 0,
         raw=(("O-1", "paid_amount", Decimal("1234.50")), ("O-2", "list_amount", Decimal("1500.00")), ("O-3", "paid_amount", Decimal("12.00")))),
    Case("percent_in_amount_column", "orders", (LandedFile("o.csv", orders([order("O-1", paid="50%")])),),
         "quarantined", "rows: a percentage is never an amount", 1, 0, 1,
         reasons=((2, "paid_amount '50%' is not an amount"),)),
    Case("full_width_digits", "orders", (LandedFile("o.csv", orders([order("Ｏ-１", paid="１，２３４．５０", order_time="２０２６－０６－０１　１０：００")])),),
         "repaired", "full-width digits and punctuation normalized (NFKC)", 1, 1, 0,
         raw=(("O-1", "paid_amount", Decimal("1234.50")), ("O-1", "order_time", datetime(2026, 6, 1, 10, 0)))),
    Case("leading_trailing_spaces", "orders", (LandedFile("o.csv", orders([order(" O-1 ", paid=" 90.00 ", customer_id="\tC1 ", order_status=" PAID ")])),),
         "repaired", "spaces and tabs trimmed from keys, ids, amounts and enums", 1, 1, 0,
         raw=(("O-1", "customer_id", "C1"), ("O-1", "order_status", "paid"), ("O-1", "paid_amount", Decimal("90.00")))),
    Case("unknown_enum_value", "orders", (LandedFile("o.csv", orders([order("O-1", order_status="shipped")])),),
         "quarantined", "rows: status outside paid/refunded/cancelled", 1, 0, 1,
         reasons=((2, "order_status 'shipped' is not one of: cancelled, paid, refunded"),)),
    Case("refund_larger_than_paid", "orders", (LandedFile("o.csv", orders([order("O-1", order_status="refunded", refund_time="2026-06-03 10:00:00", refund_amount="100.00"), order("O-2", order_status="refunded")])),),
         "quarantined", "rows: refund above paid, refunded without refund", 2, 0, 2,
         reasons=((2, "refund_amount is larger than paid_amount"), (3, "a refunded order needs refund_time and refund_amount"))),
    Case("bad_billing_period", "statement_events", (LandedFile("s.csv", csv_file("statement_events", [["D1", "202606", "generated", "2026-07-01 09:00:00"], ["D1", "2026-06", "generated", "2026-07-01 09:00:00"], ["D1", "202613", "paid", "2026-07-01 09:00:00"]])),),
         "quarantined", "rows: 2026-06 and month 13 are not billing periods", 3, 1, 2,
         reasons=((3, "billing_period '2026-06' is not a billing period (YYYYMM)"), (4, "billing_period '202613' is not a billing period"))),
    Case("yes_no_spellings", "customers", (LandedFile("c.csv", csv_file("customers", [["C1", "甲", "a", "2025-01-01 08:00:00", "", "", "是"], ["C2", "乙", "b", "2025-01-01", "", "", "No"], ["C3", "丙", "c", "2025-01-01", "", "", "maybe"]])),),
         "quarantined", "rows: 是 and No repaired to true/false, 'maybe' quarantined", 3, 2, 1,
         reasons=((4, "is_new_customer 'maybe' is not yes/no"),), raw=(("C1", "is_new_customer", True), ("C2", "is_new_customer", False))),
    Case("rate_as_percentage_and_bad_range", "incentive_policies", (LandedFile("p.csv", csv_file("incentive_policies", [["POL-1", "a", "distributor", "referral", "ECS", "5%", "2026-01-01", ""], ["POL-2", "b", "distributor", "referral", "ECS", "1.5", "2026-01-01", ""], ["POL-3", "c", "distributor", "referral", "ECS", "0.05", "2026-06-01", "2026-01-01"]])),),
         "quarantined", "rows: '5%' repaired to 0.05; a rate of 1.5 and valid_to before valid_from quarantined", 3, 1, 2,
         reasons=((3, "rate 1.500000 is above the maximum 1"), (4, "valid_to is before valid_from")), raw=(("POL-1", "rate", Decimal("0.050000")),)),
    Case("incomplete_rows_per_source_rule", "partners", (LandedFile("p.csv", csv_file("partners", [["D1", "甲", "distributor", "", "certified"], ["R1", "乙", "reseller", "", "registered"], ["X1", "", "总经销商", "", "注册"]])),),
         "quarantined", "rows: a reseller without parent, a partner without name", 3, 1, 2,
         reasons=((3, "a reseller must name its distributor in parent_partner_id"), (4, "partner_name is empty but required"))),
    # ---- Excel
    Case("excel_several_sheets", "orders", (LandedFile("o.xlsx", xlsx_file([("说明", [["本文件由伙伴中心导出"]]), ("订单", [ORDER_COLUMNS, *GOOD])])),),
         "repaired", "the notes sheet skipped, the data sheet read", 2, 2, 0, note="read sheet '订单'"),
    Case("excel_merged_title_and_group_rows", "orders",
         (LandedFile("o.xlsx", xlsx_file([("订单", [["订单明细 2026-06"], ["订单信息", None, None, None, None, "金额"], list(SOURCES["orders"].chinese_headers().values()), *GOOD])], merges=("A1:M1", "A2:E2", "F2:I2"))),),
         "repaired", "a merged title row and a merged group-header row above the header skipped; rows numbered as in the sheet", 2, 2, 0,
         note="skipped 2 row(s) above the header", raw=(("O-1", "_row_number", 4),)),
    Case("excel_blank_rows", "orders", (LandedFile("o.xlsx", xlsx_file([("订单", [ORDER_COLUMNS, GOOD[0], [], GOOD[1], [None, "   "], [" "]])])),),
         "quarantined", "rows: the blank sheet row 3 quarantined as empty, the rows below keep their sheet row numbers, blank rows at the end dropped", 3, 2, 1,
         reasons=((3, "the row is empty"),), raw=(("O-2", "_row_number", 4),)),
    Case("excel_without_data_sheet", "orders", (LandedFile("o.xlsx", xlsx_file([("Sheet1", [["hello"], ["world"]])])),),
         "quarantined", "whole file: no sheet has the orders header", 0, 0, 0,
         reasons=((None, "file not loaded: sheet 'Sheet1': the header lacks required column(s) order_no"),)),
    Case("excel_two_data_sheets", "orders",
         (LandedFile("o.xlsx", xlsx_file([("一月", [ORDER_COLUMNS, GOOD[0]]), ("说明", [["导出说明"]]), ("二月", [ORDER_COLUMNS, order("O-3"), order("O-4", paid="x")])])),),
         "quarantined", "rows: both data sheets read (the notes sheet is not data); row 3 of sheet 二月 quarantined, its raw_record names the sheet", 3, 2, 1,
         reasons=((3, "paid_amount 'x' is not an amount"),), note="read sheets '一月' (1 rows), '二月' (2 rows)",
         raw=(("O-3", "_row_number", 2),)),
    Case("excel_hidden_first_sheet", "orders",
         (LandedFile("o.xlsx", xlsx_file([("旧", [ORDER_COLUMNS, order("O-9")]), ("订单", [ORDER_COLUMNS, *GOOD])], hidden=("旧",))),),
         "repaired", "the hidden first sheet never read, the visible one loaded", 2, 2, 0, note="1 hidden sheet(s) not read"),
    Case("excel_data_sheet_beside_another_table", "orders",
         (LandedFile("o.xlsx", xlsx_file([("订单", [ORDER_COLUMNS, *GOOD]), ("退款", [["单号", "金额", "日期"], ["O-1", "5", "2026-06-02"]])])),),
         "quarantined", "whole file: one sheet has the orders header, another holds a table with another header", 0, 0, 0,
         reasons=((None, "file not loaded: sheet(s) '订单' hold the orders data but sheet '退款' holds a table without its header"),)),
    Case("excel_data_sheets_with_different_columns", "orders",
         (LandedFile("o.xlsx", xlsx_file([("A", [ORDER_COLUMNS, GOOD[0]]), ("B", [ORDER_COLUMNS[:-1], order("O-2")[:-1]])])),),
         "quarantined", "whole file: two data sheets, one without project_id", 0, 0, 0,
         reasons=((None, "file not loaded: the data sheets have different columns: project_id in only one of sheets 'A' and 'B'"),)),
    Case("parquet_typed_and_text_columns", "consumption",
         (LandedFile("u.parquet", parquet_file(pl.DataFrame({"usage_date": [date(2026, 6, 1)], "customer_id": ["C1"], "resource_id": ["RS-1"], "product_type": ["OBS"], "consumption_amount": ["1,000.00"], "voucher_amount": [Decimal("0.00")], "paid_amount": [Decimal("1000.00")]}))),),
         "repaired", "typed dates and decimals kept, text amounts repaired", 1, 1, 0,
         raw=(("2026-06-01", "consumption_amount", Decimal("1000.00")),)),
    # ---- events and references (ingestion does not judge them: dbt does)
    Case("events_out_of_order", "associations",
         (LandedFile("a.csv", csv_file("associations", [["E2", "C1", "D1", "disassociate", "", "", "", "2026-06-15 12:00:00"], ["E1", "C1", "D1", "associate", "referral", "online", "CM1", "2026-05-01 10:00:00"]])),),
         "loaded", "loaded as landed; dbt replays each customer's events by event_time", 2, 2, 0),
    Case("references_to_unknown_customers_and_partners", "associations",
         (LandedFile("a.csv", csv_file("associations", [["E9", "C-UNKNOWN", "P-UNKNOWN", "associate", "referral", "online", "CM-UNKNOWN", "2026-06-01 10:00:00"]])),),
         "loaded", "loaded; dbt lets an unknown partner settle for itself, an order of an unknown customer counts for nobody", 1, 1, 0),
    Case("associate_event_incomplete", "associations",
         (LandedFile("a.csv", csv_file("associations", [["E1", "C1", "D1", "associate", "", "online", "CM1", "2026-05-01 10:00:00"]])),),
         "quarantined", "rows: an associate event without association type", 1, 0, 1,
         reasons=((2, "an associate event needs association_type"),)),
    # ---- the landing folder: every file loaded, quarantined or listed as not loaded
    Case("folders_that_are_not_drop_dates", "orders",
         (LandedFile("o.csv", orders(GOOD)), LandedFile("o.csv", orders(GOOD), at="orders/latest/o.csv"),
          LandedFile("o.csv", orders(GOOD), at="orders/2026-4-21/o.csv"), LandedFile("o.csv", orders(GOOD), at="orders/20260421/o.csv")),
         "not loaded", "only the drop-date folder is loaded; the others are listed", 2, 2, 0,
         not_loaded=(("orders/2026-4-21/o.csv", "folder '2026-4-21' is not a drop date"), ("orders/20260421/o.csv", "folder '20260421' is not a drop date"),
                     ("orders/latest/o.csv", "folder 'latest' is not a drop date"))),
    Case("files_outside_the_layout", "orders",
         (LandedFile("o.csv", orders(GOOD), at="orders/o.csv"), LandedFile("o.csv", orders(GOOD), at="o.csv"),
          LandedFile("o.csv", orders(GOOD), at="order/2026-06-02/o.csv"), LandedFile("o.csv", orders(GOOD), at="orders/2026-06-02/sub/o.csv")),
         "not loaded", "a file beside the drop dates, one at the root, a misspelt source folder, a nested sub-folder", 0, 0, 0,
         not_loaded=(("o.csv", "wrong folder layout: files are read only at <source>/<YYYY-MM-DD>/<file>"), ("order/2026-06-02/o.csv", "unknown source folder 'order' (known: associations, balances"),
                     ("orders/2026-06-02/sub/o.csv", "nested sub-folder: files are read only directly in orders/2026-06-02/"), ("orders/o.csv", "wrong folder layout: files are read only at <source>/<YYYY-MM-DD>/<file>"))),
    Case("hidden_and_temporary_files", "orders",
         (LandedFile(".o.csv", orders(GOOD)), LandedFile("~$o.xlsx", raw_bytes(b"lock")), LandedFile("o.csv", orders(GOOD), at="orders/.tmp/2026-06-02/o.csv")),
         "not loaded", "hidden files and folders and Excel's lock files are listed, never read", 0, 0, 0,
         not_loaded=(("orders/.tmp/2026-06-02/o.csv", "hidden or temporary folder '.tmp'"), ("orders/2026-06-02/.o.csv", "hidden or temporary file"),
                     ("orders/2026-06-02/~$o.xlsx", "hidden or temporary file"))),
    Case("unsupported_file_type", "orders", (LandedFile("orders.json", raw_bytes(b'[{"order_no": "O-1"}]')), LandedFile("README", raw_bytes(b"notes"))),
         "not loaded", "a .json and a file without suffix are listed as not loaded", 0, 0, 0,
         not_loaded=(("orders/2026-06-02/README", "unsupported file type 'without suffix'"), ("orders/2026-06-02/orders.json", "unsupported file type '.json'"))),
    Case("link_to_a_secret_outside", "orders", (LandedFile("o.csv", raw_bytes(b"root:SECRET-PASSWORD\n"), kind="link_outside"),),
         "not loaded", "a link whose target is outside the landing folder is never read (its first line cannot leak)", 0, 0, 0,
         not_loaded=(("orders/2026-06-02/o.csv", "a link pointing outside the landing folder (not followed)"),)),
    Case("link_inside_the_landing_folder", "orders", (LandedFile("o.csv", orders(GOOD), kind="link_inside"),),
         "loaded", "a link to a file inside the landing folder is loaded under the link's path; the target's own place is listed", 2, 2, 0,
         not_loaded=(("archive/o.csv", "wrong folder layout: files are read only at <source>/<YYYY-MM-DD>/<file>"),)),
    Case("named_pipe", "orders", (LandedFile("o.csv", raw_bytes(b""), kind="fifo"),),
         "not loaded", "a named pipe is listed, never opened (reading it would block the run)", 0, 0, 0,
         not_loaded=(("orders/2026-06-02/o.csv", "not a regular file (a named pipe)"),)),
]
# fmt: on


def corpus_markdown() -> str:
    """The corpus as a Markdown table, for docs/RELIABILITY.md."""
    lines = [
        "| # | case | source | files | outcome | how | landed | loaded | quarantined |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for number, case in enumerate(CASES, start=1):
        files = ", ".join(f"`{f.at}`" if f.at else f"`{f.drop}/{f.name}`" for f in case.files)
        reasons = "; ".join(
            f"row {row}: {reason}" if row else f"{reason}" for row, reason in case.reasons
        )
        skipped = "; ".join(f"`{file}`: {reason}" for file, reason in case.not_loaded)
        reasons = "; ".join(r for r in (reasons, skipped) if r)
        how = f"{case.how} ({reasons})" if reasons else case.how
        lines.append(
            f"| {number} | `{case.name}` | {case.source} | {files} | {case.outcome} | "
            f"{how.replace('|', '/')} | {case.landed} | {case.loaded} | {case.quarantined} |"
        )
    return "\n".join(lines) + "\n"
