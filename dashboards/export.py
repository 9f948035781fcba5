"""CSV and Excel exports that a spreadsheet cannot turn into formulas or hyperlinks, of any
size: rows come in chunks (`queries.incentive_details_chunks`) and are written chunk by
chunk to a file, so the app holds one chunk of rows at a time, never the whole selection."""

from __future__ import annotations

import io
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import polars as pl
import xlsxwriter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# xlsxwriter by default writes `http://`, `mailto:`, `external:`... text as a live hyperlink
# (and fails on some), `=...` as a formula and "12" as a number: an export keeps every text
# cell text, so a customer name can never become a link or a formula.
WORKBOOK_OPTIONS = {
    "strings_to_urls": False,
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "nan_inf_to_errors": True,
    "default_date_format": "yyyy-mm-dd",
}
BOM = b"\xef\xbb\xbf"
# Rows read and written at once: the app's memory holds about one such chunk.
CHUNK_ROWS = 20_000
# An Excel sheet holds 1,048,576 rows, the header included; longer exports go on to the
# next sheet of the same workbook.
EXCEL_SHEET_ROWS = 1_048_576


def neutralize(value: str | None) -> str | None:
    """Prefix a text cell a spreadsheet would read as a formula with a quote."""
    if value is not None and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sanitize(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column neutralized; numbers, dates and booleans stay as they are."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(r"^[=+\-@\t\r]"))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text
    )


def write_csv(frames: Iterable[pl.DataFrame], out: BinaryIO) -> int:
    """UTF-8 with BOM (so spreadsheet programs read the Chinese right), one header; returns
    the rows written."""
    out.write(BOM)
    written = 0
    for index, frame in enumerate(frames):
        sanitize(frame).write_csv(out, include_header=index == 0)
        written += frame.height
    return written


def sheet_name(base: str, index: int) -> str:
    """`base`, then `base (2)`, `base (3)`...: Excel allows 31 characters a sheet name."""
    suffix = "" if index == 0 else f" ({index + 1})"
    return base[: 31 - len(suffix)] + suffix


@dataclass(frozen=True)
class ExcelWritten:
    rows: int
    sheets: int


def write_excel(
    frames: Iterable[pl.DataFrame], target: str | BinaryIO, sheet: str = "export"
) -> ExcelWritten:
    """An .xlsx workbook, rows streamed to disk as they come (xlsxwriter's constant memory
    mode: `target` a path); past EXCEL_SHEET_ROWS rows the export goes on in a new sheet,
    each with the header."""
    options = {**WORKBOOK_OPTIONS, "in_memory": not isinstance(target, str)}
    options["constant_memory"] = isinstance(target, str)
    book = xlsxwriter.Workbook(target, options)
    rows = sheets = 0
    worksheet = None
    row_in_sheet = EXCEL_SHEET_ROWS
    try:
        for frame in frames:
            clean = sanitize(frame).with_columns(pl.col(pl.Decimal).cast(pl.Float64))
            if worksheet is None and clean.height == 0:
                worksheet = _new_sheet(book, sheet, sheets, clean.columns)
                sheets, row_in_sheet = sheets + 1, 1
            for values in clean.iter_rows():
                if row_in_sheet == EXCEL_SHEET_ROWS:
                    worksheet = _new_sheet(book, sheet, sheets, clean.columns)
                    sheets, row_in_sheet = sheets + 1, 1
                worksheet.write_row(row_in_sheet, 0, values)  # type: ignore[union-attr]
                row_in_sheet += 1
                rows += 1
    finally:
        book.close()
    return ExcelWritten(rows, sheets)


def _new_sheet(
    book: xlsxwriter.Workbook, base: str, index: int, columns: list[str]
) -> xlsxwriter.workbook.Worksheet:
    worksheet = book.add_worksheet(sheet_name(base, index))
    worksheet.write_row(0, 0, columns)
    worksheet.set_column(0, max(0, len(columns) - 1), 16)
    worksheet.freeze_panes(1, 0)
    return worksheet


def excel_sheets(rows: int) -> int:
    """Sheets an export of `rows` rows takes."""
    return max(1, -(-rows // (EXCEL_SHEET_ROWS - 1)))


def to_csv(frame: pl.DataFrame) -> bytes:
    """A small frame as CSV bytes (the pages' short tables)."""
    out = io.BytesIO()
    write_csv([frame], out)
    return out.getvalue()


def to_excel(frame: pl.DataFrame, sheet: str = "export") -> bytes:
    """A small frame as .xlsx bytes (the pages' short tables)."""
    out = io.BytesIO()
    write_excel([frame], out, sheet)
    return out.getvalue()


def streamed_file(write: Callable[[Path], object], suffix: str) -> bytes:
    """What `write` wrote to a temporary file, as the bytes a download hands the browser.
    The rows were written chunk by chunk; only the finished file comes back into memory."""
    with tempfile.TemporaryDirectory(prefix="export-") as folder:
        path = Path(folder) / f"export{suffix}"
        write(path)
        return path.read_bytes()
