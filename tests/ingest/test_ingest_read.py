"""Reading landing files: CSV dialects, one encoding per file, invisible characters and
repeated columns in headers, workbook sheets, and short printable reasons."""

import io
import random
from datetime import date
from pathlib import Path

import duckdb
import pytest
import xlsxwriter

from contract.sources import SOURCES
from pipelines.ingest.load import load_file
from pipelines.ingest.read import UnreadableFile, excerpt, read_csv, read_xlsx, utf8_text
from pipelines.ingest.tables import ensure_tables

ORDERS = SOURCES["orders"]
HEADER = ",".join(ORDERS.columns)
ROW = "O-1,C1,ECS,x,2026-06-01 10:00:00,100.00,10.00,0.00,90.00,paid,,,"


def csv(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "o.csv"
    path.write_bytes(data)
    return path


def order_nos(path: Path) -> list[str]:
    return read_csv(path, ORDERS).frame["order_no"].to_list()


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"])
def test_every_line_ending_reads_the_same_rows(tmp_path: Path, ending: str) -> None:
    text = ending.join([HEADER, ROW, ROW.replace("O-1", "O-2")]) + ending
    assert order_nos(csv(tmp_path, text.encode())) == ["O-1", "O-2"]


def test_mixed_line_endings(tmp_path: Path) -> None:
    text = HEADER + "\r\n" + ROW + "\r" + ROW.replace("O-1", "O-2") + "\n"
    landed = read_csv(csv(tmp_path, text.encode()), ORDERS)
    assert landed.frame["_row_number"].to_list() == [2, 3]
    assert "line endings: carriage returns read as line breaks" in landed.notes


@pytest.mark.parametrize("separator", [";", "\t", "|"])
def test_separator_is_told_by_the_header(tmp_path: Path, separator: str) -> None:
    text = (HEADER + "\n" + ROW + "\n").replace(",", separator)
    landed = read_csv(csv(tmp_path, text.encode()), ORDERS)
    assert landed.frame["paid_amount"].to_list() == ["90.00"]
    assert f"fields separated by {separator!r}" in landed.notes


def test_a_tied_separator_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile, match="cannot tell the field separator"):
        read_csv(csv(tmp_path, b"order_no|customer_id;product_type\n"), ORDERS)


def test_utf8_with_accents_and_a_gbk_line_is_mixed() -> None:
    data = "a,Société\nb,Zürich\n".encode() + "c,对象存储\n".encode("gbk")
    with pytest.raises(UnreadableFile, match="mixes encodings: line 3 is not UTF-8"):
        utf8_text(data)


def test_bom_and_ascii_with_a_gbk_line_is_mixed() -> None:
    data = b"\xef\xbb\xbfa,b\n" + "c,对象\n".encode("gbk")
    with pytest.raises(UnreadableFile, match="line 2 is not UTF-8"):
        utf8_text(data)


def test_pure_gb18030_and_utf16_still_decode() -> None:
    text = "订单号,产品名称\nO-1,云服务器\nO-2,对象存储\n"
    assert utf8_text(text.encode("gb18030")) == (text.encode(), "gb18030")
    assert utf8_text(text.encode("utf-16")) == (text.encode(), "utf-16")
    assert utf8_text(("\ufeff" + text).encode()) == (text.encode(), "utf-8")


def test_invisible_characters_in_headers_are_dropped(tmp_path: Path) -> None:
    names = ORDERS.columns.copy()
    names[0] = "order\u200b_no"
    names[1] = "\u2060customer_id\u00a0"
    text = ",".join(names) + "\n" + ROW + "\n"
    assert order_nos(csv(tmp_path, text.encode())) == ["O-1"]


def test_a_column_twice_with_equal_values_is_kept_once(tmp_path: Path) -> None:
    text = HEADER + ",订单号\n" + ROW + ",O-1\n"
    landed = read_csv(csv(tmp_path, text.encode()), ORDERS)
    assert landed.frame["order_no"].to_list() == ["O-1"]
    assert "column order_no named 2 times ('order_no', '订单号') with equal values: one kept" in (
        landed.notes
    )


def test_a_column_twice_with_different_values_refuses_the_file(tmp_path: Path) -> None:
    second = ROW.replace("O-1", "O-2")
    text = HEADER + ",paid_amount\n" + ROW + ",90.00\n" + second + ",80.00\n"
    with pytest.raises(UnreadableFile, match=r"paid_amount 2 times .* differ \(first on row 3\)"):
        read_csv(csv(tmp_path, text.encode()), ORDERS)


def test_a_reason_quotes_a_short_printable_excerpt(tmp_path: Path) -> None:
    secret = "password=" + "s3cr3t" * 30
    with pytest.raises(UnreadableFile) as caught:
        read_csv(csv(tmp_path, (secret + "\x1b[31m\x07,x\n1,2\n").encode()), ORDERS)
    found = str(caught.value).split("; found: ")[1]
    assert len(found) == 60 and found.endswith("…")
    assert excerpt("a\x1b[31m\nb\u200bc") == "a [31m b c"


def workbook(
    tmp_path: Path, sheets: list[tuple[str, list[list[str]]]], hidden: tuple[str, ...] = ()
) -> Path:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            sheet.write_row(r, 0, row)
    visible = [s for s in book.worksheets() if s.name not in hidden]
    visible[0].activate()  # Excel cannot hide the active sheet
    for sheet in book.worksheets():
        if sheet.name in hidden:
            sheet.hide()
    book.close()
    path = tmp_path / "o.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


def rows(*numbers: str) -> list[list[str]]:
    return [ORDERS.columns, *([n, *ROW.split(",")[1:]] for n in numbers)]


def test_hidden_sheets_are_never_read(tmp_path: Path) -> None:
    path = workbook(tmp_path, [("old", rows("O-9")), ("new", rows("O-1"))], hidden=("old",))
    landed = read_xlsx(path, ORDERS)
    assert landed.frame["order_no"].to_list() == ["O-1"]
    assert "1 hidden sheet(s) not read" in landed.notes


def test_every_visible_data_sheet_is_read_with_its_sheet(tmp_path: Path) -> None:
    path = workbook(tmp_path, [("A", rows("O-1", "O-2")), ("notes", [["x"]]), ("B", rows("O-3"))])
    frame = read_xlsx(path, ORDERS).frame
    assert frame.select("order_no", "_row_number", "_sheet").rows() == [
        ("O-1", 2, "A"),
        ("O-2", 3, "A"),
        ("O-3", 2, "B"),
    ]


def test_sheets_that_disagree_refuse_the_workbook(tmp_path: Path) -> None:
    other_table = [["单号", "金额", "日期"], ["O-1", "5", "2026-06-02"]]
    path = workbook(tmp_path, [("A", rows("O-1")), ("B", other_table)])
    with pytest.raises(UnreadableFile, match="sheet 'B' holds a table without its header"):
        read_xlsx(path, ORDERS)
    fewer = [ORDERS.columns[:-1], ROW.split(",")[:-1]]
    path = workbook(tmp_path, [("A", rows("O-1")), ("B", fewer)])
    with pytest.raises(UnreadableFile, match="different columns: project_id"):
        read_xlsx(path, ORDERS)


def test_a_workbook_of_hidden_sheets_only_is_refused(tmp_path: Path) -> None:
    path = workbook(tmp_path, [("A", rows("O-1")), ("B", [["x"]])], hidden=("A",))
    with pytest.raises(UnreadableFile, match="sheet 'B'"):
        read_xlsx(path, ORDERS)


def test_duplicate_keys_across_sheets_are_found(tmp_path: Path) -> None:
    path = workbook(tmp_path, [("A", rows("O-1")), ("B", rows("O-1"))])
    con = duckdb.connect()
    ensure_tables(con)
    load = load_file(con, ORDERS, path, tmp_path, date(2026, 6, 2))
    assert (load.rows_landed, load.rows_loaded, load.rows_quarantined) == (2, 1, 1)
    reason, record = con.execute("select reason, raw_record from audit.quarantine").fetchone()
    assert reason == "duplicate key (order_no=O-1): already on row 2 of sheet 'A' of this file"
    assert record.startswith('{"_sheet":"B","order_no":"O-1"')


def gbk_lines(count: int) -> list[str]:
    """Lines of 2 to 6 common Chinese characters (GB2312 level 1), the same on every run."""
    generator = random.Random(12)
    chars = [
        bytes([lead, trail]).decode("gb2312")
        for lead in range(0xB0, 0xD7)
        for trail in range(0xA1, 0xFF)
    ]
    return [
        f"O-{i},{''.join(generator.choices(chars, k=generator.randint(2, 6)))}"
        for i in range(count)
    ]


def test_a_long_gb18030_file_is_not_taken_for_mixed() -> None:
    # Some of these lines are valid UTF-8 by chance; far fewer than those that are not.
    text = "\n".join(["order_no,product_name", *gbk_lines(2000)]) + "\n"
    assert utf8_text(text.encode("gb18030")) == (text.encode(), "gb18030")


def test_a_gb18030_file_with_a_line_of_utf8_chinese_is_mixed() -> None:
    data = "\n".join(gbk_lines(20)).encode("gbk") + "\nO-99,对象存储服务\n".encode()
    with pytest.raises(UnreadableFile, match="line 1 is not UTF-8"):
        utf8_text(data)
