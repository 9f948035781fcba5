"""CSV and Excel exports that a spreadsheet cannot turn into formulas or hyperlinks."""

from __future__ import annotations

import io

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
    "in_memory": True,
}


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


def to_csv(frame: pl.DataFrame) -> bytes:
    """UTF-8 with BOM, so that spreadsheet programs read the Chinese right."""
    return b"\xef\xbb\xbf" + sanitize(frame).write_csv().encode("utf-8")


def to_excel(frame: pl.DataFrame, sheet: str = "export") -> bytes:
    clean = sanitize(frame).with_columns(pl.col(pl.Decimal).cast(pl.Float64))
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS) as book:
        clean.write_excel(book, worksheet=sheet[:31], autofit=True)
    return buffer.getvalue()
