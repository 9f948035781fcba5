"""Why a row or a file is quarantined: one stable code per kind of reason, with the values
it names (the column, the value as landed, a bound, a row, a sheet...).

`audit.quarantine` (and `audit.files_not_loaded`, for the files a run does not read) keeps
three views of the same reasons: `reason` (the English sentence a
terminal, a log and a SQL user read), `reason_code` (the codes, in the same order) and
`reason_details` (a JSON array, one object per reason: `{"code": ..., <its values>}`), from
which the dashboards word the reason in the reader's language (`dashboards/labels.py`).

Conventions for the values, so a reader can word them without knowing each code: `column`
and `columns` name source columns (English), `required` lists [column, Chinese header]
pairs, `sheets` lists workbook sheets, `problems` holds nested reasons; a reason with a `sheet`
value whose wording does not name it is about that sheet ("sheet 'B': the sheet is empty").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from contract.sources import SOURCES


class ReasonCode(StrEnum):
    # a row
    EMPTY_ROW = "empty_row"
    NOT_AN_AMOUNT = "not_an_amount"
    AMOUNT_COMMA = "amount_comma"
    NOT_A_DATETIME = "not_a_datetime"
    NOT_A_DATE = "not_a_date"
    NOT_YES_NO = "not_yes_no"
    UNREADABLE_VALUE = "unreadable_value"
    REQUIRED_EMPTY = "required_empty"
    NOT_ALLOWED = "not_allowed"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"
    NOT_A_BILLING_PERIOD = "not_a_billing_period"
    NOT_UNIQUE = "not_unique"
    CHECK_FAILED = "check_failed"
    DUPLICATE_KEY = "duplicate_key"
    DUPLICATE_KEY_IN_SHEET = "duplicate_key_in_sheet"
    # a row, the sources' checks across columns: the code is the check's name in
    # contract/sources.py and the English its `error`
    RESELLER_HAS_PARENT = "reseller_has_parent"
    MANAGER_HAS_SUPERVISOR = "manager_has_supervisor"
    ASSOCIATE_IS_COMPLETE = "associate_is_complete"
    REFUND_IS_COMPLETE = "refund_is_complete"
    REFUND_WITHIN_PAID = "refund_within_paid"
    REFUND_AFTER_ORDER = "refund_after_order"
    EXPIRES_AFTER_START = "expires_after_start"
    VALID_RANGE = "valid_range"
    LINE_HAS_REFERENCE = "line_has_reference"
    # a whole file
    FILE_EMPTY = "file_empty"
    BAD_UTF16 = "bad_utf16"
    BINARY_FILE = "binary_file"
    MIXED_ENCODINGS = "mixed_encodings"
    UNKNOWN_ENCODING = "unknown_encoding"
    MISSING_COLUMNS = "missing_columns"
    REPEATED_COLUMN_DIFFERS = "repeated_column_differs"
    SEPARATOR_TIE = "separator_tie"
    MALFORMED_CSV = "malformed_csv"
    MALFORMED_PARQUET = "malformed_parquet"
    MALFORMED_XLSX = "malformed_xlsx"
    NO_VISIBLE_SHEET = "no_visible_sheet"
    SHEET_EMPTY = "sheet_empty"
    NO_HEADER_ROW = "no_header_row"
    TABLE_WITHOUT_HEADER = "table_without_header"
    DATA_SHEETS_WITH_PROBLEMS = "data_sheets_with_problems"
    SHEETS_DIFFER = "sheets_differ"
    UNSUPPORTED_TYPE = "unsupported_type"
    # a file under the landing folder that is not read (audit.files_not_loaded)
    LINK_OUTSIDE = "link_outside"
    LINK_DANGLING = "link_dangling"
    LINK_NOT_A_FILE = "link_not_a_file"
    NAMED_PIPE = "named_pipe"
    SOCKET = "socket"
    SPECIAL_FILE = "special_file"
    HIDDEN_FILE = "hidden_file"
    HIDDEN_FOLDER = "hidden_folder"
    WRONG_LAYOUT = "wrong_layout"
    UNKNOWN_SOURCE = "unknown_source"
    NOT_A_DROP_DATE = "not_a_drop_date"
    NESTED_FOLDER = "nested_folder"
    NO_SUFFIX = "no_suffix"


def check_errors() -> dict[str, str]:
    """The sources' checks across columns: name -> their English `error`."""
    return {
        check.name: check.error
        for source in SOURCES.values()
        for check in source.schema.checks
        if check.error
    }


# The English sentence of each code; `{name}` is a value of the reason.
ENGLISH: dict[str, str] = {
    ReasonCode.EMPTY_ROW: "the row is empty (no value in any column)",
    ReasonCode.NOT_AN_AMOUNT: "{column} '{value}' is not an amount with at most {scale} decimals",
    ReasonCode.AMOUNT_COMMA: "{column} '{value}' is not an amount with at most {scale} decimals"
    " (a comma may only separate thousands, as in 1,234.50)",
    ReasonCode.NOT_A_DATETIME: "{column} '{value}' is not a valid date and time"
    " (ISO-8601, e.g. 2026-06-01 10:00:00+08:00)",
    ReasonCode.NOT_A_DATE: "{column} '{value}' is not a valid date (YYYY-MM-DD)",
    ReasonCode.NOT_YES_NO: "{column} '{value}' is not yes/no (true/false, 是/否)",
    ReasonCode.UNREADABLE_VALUE: "{column} '{value}' cannot be read",
    ReasonCode.REQUIRED_EMPTY: "{column} is empty but required",
    ReasonCode.NOT_ALLOWED: "{column} '{value}' is not one of: {accepted}",
    ReasonCode.BELOW_MINIMUM: "{column} {value} is below the minimum {bound}",
    ReasonCode.ABOVE_MAXIMUM: "{column} {value} is above the maximum {bound}",
    ReasonCode.NOT_A_BILLING_PERIOD: "{column} '{value}' is not a billing period (YYYYMM)",
    ReasonCode.NOT_UNIQUE: "{column} '{value}' appears more than once",
    ReasonCode.CHECK_FAILED: "{column} '{value}' fails {check}",
    ReasonCode.DUPLICATE_KEY: "duplicate key ({key}): already on row {row} of this file",
    ReasonCode.DUPLICATE_KEY_IN_SHEET: "duplicate key ({key}): already on row {row} of sheet"
    " '{first_sheet}' of this file",
    **check_errors(),
    ReasonCode.FILE_EMPTY: "the file is empty",
    ReasonCode.BAD_UTF16: "the file starts as UTF-16 but is not UTF-16 text",
    ReasonCode.BINARY_FILE: "the file is binary, not CSV text",
    ReasonCode.MIXED_ENCODINGS: "the file mixes encodings: line {line} is not UTF-8 while"
    " other lines are",
    ReasonCode.UNKNOWN_ENCODING: "the file is neither UTF-8 nor GB18030 text",
    ReasonCode.MISSING_COLUMNS: "the header lacks required column(s) {required}; found: {found}",
    ReasonCode.REPEATED_COLUMN_DIFFERS: "the header names column {column} {count} times"
    " ({spelled}) and their values differ (first on row {row})",
    ReasonCode.SEPARATOR_TIE: "cannot tell the field separator: the header holds {count} of"
    " {first} and of {second}",
    ReasonCode.MALFORMED_CSV: "not a well-formed CSV file ({detail})",
    ReasonCode.MALFORMED_PARQUET: "not a readable Parquet file ({detail})",
    ReasonCode.MALFORMED_XLSX: "not a readable Excel file ({detail})",
    ReasonCode.NO_VISIBLE_SHEET: "the workbook has no visible sheet ({hidden} hidden, not read)",
    ReasonCode.SHEET_EMPTY: "the sheet is empty",
    ReasonCode.NO_HEADER_ROW: "no header row",
    ReasonCode.TABLE_WITHOUT_HEADER: "sheet '{sheet}' holds a table without its header",
    ReasonCode.DATA_SHEETS_WITH_PROBLEMS: "sheet(s) {sheets} hold the {source} data but {problems}",
    ReasonCode.SHEETS_DIFFER: "the data sheets have different columns: {columns} in only one"
    " of sheets '{first_sheet}' and '{second_sheet}'",
    ReasonCode.UNSUPPORTED_TYPE: "unsupported file type '{suffix}' (expected one of {expected})",
    ReasonCode.LINK_OUTSIDE: "a link pointing outside the landing folder (not followed)",
    ReasonCode.LINK_DANGLING: "a link to nothing (its target does not exist)",
    ReasonCode.LINK_NOT_A_FILE: "a link to a folder or a special file (not followed)",
    ReasonCode.NAMED_PIPE: "not a regular file (a named pipe)",
    ReasonCode.SOCKET: "not a regular file (a socket)",
    ReasonCode.SPECIAL_FILE: "not a regular file (a device or special file)",
    ReasonCode.HIDDEN_FILE: "hidden or temporary file (names starting with '.' or '~$' are not"
    " read)",
    ReasonCode.HIDDEN_FOLDER: "hidden or temporary folder '{folder}' (names starting with '.'"
    " or '~$' are not read)",
    ReasonCode.WRONG_LAYOUT: "wrong folder layout: files are read only at {layout}",
    ReasonCode.UNKNOWN_SOURCE: "unknown source folder '{folder}' (known: {known})",
    ReasonCode.NOT_A_DROP_DATE: "folder '{folder}' is not a drop date (YYYY-MM-DD, e.g."
    " 2026-04-21)",
    ReasonCode.NESTED_FOLDER: "nested sub-folder: files are read only directly in {folder}",
    ReasonCode.NO_SUFFIX: "unsupported file type 'without suffix' (expected one of {expected})",
}
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Reason:
    """One reason, with the values its wording names."""

    code: str
    values: dict[str, object] = field(default_factory=dict)

    def details(self) -> dict[str, object]:
        """The reason as stored in `reason_details` (nested reasons as their details)."""
        values = {
            name: [p.details() for p in value] if name == "problems" else value
            for name, value in self.values.items()
        }
        return {"code": self.code, **values}

    def english(self) -> str:
        return english_text(self.details())


def reason(code: ReasonCode, **values: object) -> Reason:
    return Reason(str(code), values)


def english_value(name: str, value: object) -> str:
    """A value as the English sentence quotes it: lists with commas."""
    if name == "problems":
        return "; ".join(english_text(p) for p in value)  # type: ignore[attr-defined]
    if name == "sheets":
        return ", ".join(f"'{s}'" for s in value)  # type: ignore[attr-defined]
    if name == "required":
        return ", ".join(f"{column} ({zh})" for column, zh in value)  # type: ignore[attr-defined]
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def english_text(details: dict[str, object]) -> str:
    """The English sentence of one stored reason (`Reason.details()`)."""
    template = ENGLISH[str(details["code"])]
    text = PLACEHOLDER.sub(lambda m: english_value(m[1], details.get(m[1])), template)
    if details.get("sheet") is not None and "{sheet}" not in template:
        return f"sheet '{details['sheet']}': {text}"
    return text


def joined_details(reasons: list[Reason]) -> str:
    """`reason_details` of a quarantined row or file: a JSON array."""
    return json.dumps([r.details() for r in reasons], ensure_ascii=False, separators=(",", ":"))


def joined_codes(reasons: list[Reason]) -> str:
    """`reason_code` of a quarantined row or file: its codes in order, each once."""
    return "; ".join(dict.fromkeys(r.code for r in reasons))


def reason_exprs(code: ReasonCode, **values: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The English sentence and the details (one JSON object) of a reason whose values are
    columns of a frame: for reasons found row by row in polars."""
    template = ENGLISH[code]
    pieces: list[pl.Expr] = []
    for i, part in enumerate(PLACEHOLDER.split(template)):
        # split alternates literal text and placeholder names
        pieces.append(pl.lit(part) if i % 2 == 0 else values[part].cast(pl.String).fill_null(""))
    text = pl.concat_str(pieces)
    details = pl.struct(
        pl.lit(str(code)).alias("code"), *[value.alias(name) for name, value in values.items()]
    ).struct.json_encode()
    return text, details
