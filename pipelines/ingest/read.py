"""Reading a landing file into a frame of text columns named in English.

Every value stays text here: typing happens in `coerce`, so that a bad value becomes a
quarantined row with a reason instead of a failed read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.sources import Source

SUPPORTED_SUFFIXES = (".csv", ".parquet", ".xlsx")
# How many leading rows of a sheet may sit above the header (titles, merged banners).
MAX_HEADER_OFFSET = 5


class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, for a person."""


@dataclass
class LandedFrame:
    """The rows of one file: text columns in English, plus each row's spreadsheet row."""

    frame: pl.DataFrame  # text columns of the source, then `_row_number`
    typed_columns: set[str] = field(default_factory=set)  # already of the schema's type
    notes: list[str] = field(default_factory=list)  # repairs applied to the whole file


def utf8_text(data: bytes) -> tuple[bytes, str]:
    """The CSV bytes as UTF-8 without BOM, and the encoding they came in (UTF-8, UTF-16 or
    GB18030)."""
    if not data.strip():
        raise UnreadableFile("the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a byte-order mark (full of NUL bytes).
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFile("the file starts as UTF-16 but is not UTF-16 text") from None
    if b"\x00" in data[:65536]:
        raise UnreadableFile("the file is binary, not CSV text")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = first_non_utf8_line_among_utf8(data)
    if mixed:
        # GB18030 would decode these bytes too, turning the UTF-8 lines into mojibake.
        raise UnreadableFile(
            f"the file mixes encodings: line {mixed} is not UTF-8 while other lines are"
        )
    try:
        return data.decode("gb18030").encode("utf-8"), "gb18030"
    except UnicodeDecodeError:
        pass
    raise UnreadableFile("the file is neither UTF-8 nor GB18030 text")


def first_non_utf8_line_among_utf8(data: bytes) -> int | None:
    """The first line that is not UTF-8, in a file whose other lines hold UTF-8 Chinese text
    (characters from U+3000 up, which GB18030 bytes rarely happen to spell)."""
    first_bad = None
    has_utf8_text = False
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            first_bad = first_bad or number
            continue
        has_utf8_text = has_utf8_text or any(ord(c) >= 0x3000 for c in text)
    return first_bad if has_utf8_text else None


def normalized_header(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def header_lookup(source: Source) -> dict[str, str]:
    """Accepted header, trimmed and lower-cased -> English column: `Order_No` and `订单号 ` match."""
    return {alias.lower(): name for alias, name in source.header_aliases().items()}


def english_columns(headers: list[str], source: Source) -> dict[str, str]:
    """Landed header -> English column, for the headers that name a column of the source."""
    aliases = header_lookup(source)
    found = {h: aliases.get(normalized_header(h).lower()) for h in headers}
    return {h: name for h, name in found.items() if name}


def check_columns(mapping: dict[str, str], headers: list[str], source: Source) -> list[str]:
    """Raise for a file that lacks required columns or names one twice; notes for extras."""
    found = list(mapping.values())
    duplicated = sorted({c for c in found if found.count(c) > 1})
    if duplicated:
        raise UnreadableFile(f"the header names column(s) {', '.join(duplicated)} more than once")
    missing = [c for c in source.required_columns if c not in found]
    if missing:
        raise UnreadableFile(
            "the header lacks required column(s) "
            + ", ".join(f"{c} ({source.chinese_headers()[c]})" for c in missing)
            + f"; found: {', '.join(normalized_header(h) for h in headers)}"
        )
    extras = [normalized_header(h) for h in headers if h not in mapping]
    return [f"ignored unknown column(s): {', '.join(extras)}"] if extras else []


def to_landed(raw: pl.DataFrame, source: Source, first_row_number: int) -> LandedFrame:
    """Rename to English, add missing optional columns as empty, number the rows."""
    mapping = english_columns(raw.columns, source)
    notes = check_columns(mapping, raw.columns, source)
    frame = raw.select([pl.col(h).alias(name) for h, name in mapping.items()])
    missing = [c for c in source.columns if c not in frame.columns]
    frame = frame.with_columns([pl.lit(None, dtype=pl.String).alias(c) for c in missing])
    frame = frame.select(source.columns).with_columns(
        (pl.int_range(pl.len(), dtype=pl.Int32) + first_row_number).alias("_row_number")
    )
    # Parquet may carry dates and decimals already typed; text is always cleaned in `coerce`.
    typed = {
        c for c, dtype in source.dtypes().items() if dtype != pl.String and frame.schema[c] == dtype
    }
    for c in source.columns:
        if c not in typed and frame.schema[c] != pl.String:
            frame = frame.with_columns(pl.col(c).cast(pl.String))
    return LandedFrame(frame, typed, notes)


def read_csv(path: Path, source: Source) -> LandedFrame:
    data, encoding = utf8_text(path.read_bytes())
    try:
        raw = pl.read_csv(
            data,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise UnreadableFile(f"not a well-formed CSV file ({str(exc).splitlines()[0]})") from exc
    landed = to_landed(raw, source, first_row_number=2)
    if encoding != "utf-8":
        landed.notes.append(f"decoded from {encoding.upper()}")
    return landed


def read_parquet(path: Path, source: Source) -> LandedFrame:
    try:
        raw = pl.read_parquet(path)
    except Exception as exc:  # polars raises several types for a broken file
        raise UnreadableFile(f"not a readable Parquet file ({str(exc).splitlines()[0]})") from exc
    # A Parquet file has no header row: its first row is row 1.
    return to_landed(raw, source, first_row_number=1)


def header_row_offset(sheet: pl.DataFrame, source: Source) -> int:
    """Rows to skip above the header: the first row that names most of the source's columns."""
    aliases = header_lookup(source)
    needed = max(1, len(source.required_columns))
    for offset in range(min(MAX_HEADER_OFFSET, sheet.height) + 1):
        if offset == 0:
            names = sheet.columns
        else:
            names = [str(v) for v in sheet.row(offset - 1) if v is not None]
        if sum(normalized_header(n).lower() in aliases for n in names) >= needed:
            return offset
    return 0


def without_trailing_blank_rows(sheet: pl.DataFrame) -> pl.DataFrame:
    """The sheet up to its last row with a value (formatted empty rows below are not data)."""
    if sheet.width == 0:
        return sheet
    filled = sheet.select(
        pl.any_horizontal(pl.all().cast(pl.String).str.strip_chars().fill_null("") != "")
    ).to_series()
    last = filled.arg_true().max()
    return sheet.head(0 if last is None else int(last) + 1)


def read_xlsx(path: Path, source: Source) -> LandedFrame:
    try:
        # Blank rows are kept so that every row keeps its number in the sheet.
        sheets = pl.read_excel(
            path, sheet_id=0, infer_schema_length=0, raise_if_empty=False, drop_empty_rows=False
        )
    except Exception as exc:
        raise UnreadableFile(f"not a readable Excel file ({str(exc).splitlines()[0]})") from exc
    # The first sheet whose header names the source's columns holds the data; others
    # (notes, pivots) are ignored.
    errors = []
    for sheet_name, whole_sheet in sheets.items():
        sheet = without_trailing_blank_rows(whole_sheet)
        offset = header_row_offset(sheet, source)
        if offset:
            header = [
                str(v) if v is not None else f"_blank{i}"
                for i, v in enumerate(sheet.row(offset - 1))
            ]
            sheet = sheet.slice(offset).rename(dict(zip(sheet.columns, header, strict=True)))
        try:
            landed = to_landed(sheet, source, first_row_number=2 + offset)
        except UnreadableFile as exc:
            errors.append(f"sheet {sheet_name!r}: {exc}")
            continue
        if len(sheets) > 1:
            landed.notes.append(f"read sheet {sheet_name!r}")
        if offset:
            landed.notes.append(f"skipped {offset} row(s) above the header")
        return landed
    raise UnreadableFile("; ".join(errors) or "the workbook has no sheet")


def read_landed_file(path: Path, source: Source) -> LandedFrame:
    """The rows of one landing file, or `UnreadableFile` with the reason."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv(path, source)
    if suffix == ".parquet":
        return read_parquet(path, source)
    if suffix == ".xlsx":
        return read_xlsx(path, source)
    raise UnreadableFile(
        f"unsupported file type {suffix!r} (expected one of {', '.join(SUPPORTED_SUFFIXES)})"
    )
