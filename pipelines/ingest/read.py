"""Reading a landing file into a frame of text columns named in English.

Every value stays text here: typing happens in `coerce`, so that a bad value becomes a
quarantined row with a reason instead of a failed read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import fastexcel
import polars as pl

from contract.sources import Source
from pipelines.ingest.reasons import Reason, ReasonCode, reason

SUPPORTED_SUFFIXES = (".csv", ".parquet", ".xlsx")
SEPARATORS = (",", ";", "\t", "|")
# Characters that show as nothing: zero-width space, non-joiner and joiner, word joiner, BOM.
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
# The most of a file's own text a reason may quote (a reason is published).
EXCERPT_CHARS = 60
# Filled cells in one row that make a sheet a table rather than notes.
TABLE_CELLS = 3
# How many leading rows of a sheet may sit above the header (titles, merged banners).
MAX_HEADER_OFFSET = 5


class UnreadableFile(Exception):
    """The file as a whole cannot be read: `reasons` say why (coded, with their values), the
    message in English."""

    def __init__(self, *reasons: Reason) -> None:
        self.reasons = list(reasons)
        super().__init__("; ".join(r.english() for r in reasons))


@dataclass
class LandedFrame:
    """The rows of one file: text columns in English, plus each row's spreadsheet row."""

    frame: pl.DataFrame  # text columns of the source, then `_row_number`
    typed_columns: set[str] = field(default_factory=set)  # already of the schema's type
    notes: list[str] = field(default_factory=list)  # repairs applied to the whole file
    named: set[str] = field(default_factory=set)  # the source columns the header named


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """At most `limit` characters of text taken from a file, without control or invisible
    characters: safe to quote in a reason that is published and printed on terminals."""
    printable = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    single = " ".join(printable.split())
    return single if len(single) <= limit else single[: limit - 1] + "…"


def utf8_text(data: bytes) -> tuple[bytes, str]:
    """The CSV bytes as UTF-8 without BOM, and the encoding they came in (UTF-8, UTF-16 or
    GB18030). A file must be wholly in one encoding: see `first_line_breaking_utf8`."""
    if not data.strip():
        raise UnreadableFile(reason(ReasonCode.FILE_EMPTY))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" export: UTF-16 with a byte-order mark (full of NUL bytes).
        try:
            return data.decode("utf-16").encode("utf-8"), "utf-16"
        except UnicodeDecodeError:
            raise UnreadableFile(reason(ReasonCode.BAD_UTF16)) from None
    if b"\x00" in data[:65536]:
        raise UnreadableFile(reason(ReasonCode.BINARY_FILE))
    has_bom = data.startswith(b"\xef\xbb\xbf")
    if has_bom:
        data = data[3:]
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError:
        pass
    mixed = first_line_breaking_utf8(data, has_bom)
    if mixed:
        # GB18030 would decode these bytes too, turning the UTF-8 lines into mojibake.
        raise UnreadableFile(reason(ReasonCode.MIXED_ENCODINGS, line=mixed))
    try:
        return data.decode("gb18030").encode("utf-8"), "gb18030"
    except UnicodeDecodeError:
        pass
    raise UnreadableFile(reason(ReasonCode.UNKNOWN_ENCODING))


def utf8_evidence(line: bytes) -> tuple[bool, bool]:
    """(whether a line is UTF-8 text: valid UTF-8 with non-ASCII characters, all printable;
    whether it is strong evidence: three or more characters from U+0800 up, such as CJK)."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False, False
    wide = [c for c in text if ord(c) > 0x7F]
    printable = all(unicodedata.category(c) not in ("Cc", "Cn", "Co") for c in wide)
    is_text = bool(wide) and printable
    return is_text, is_text and sum(ord(c) >= 0x800 for c in wide) >= 3


def first_line_breaking_utf8(data: bytes, has_bom: bool) -> int | None:
    """The first line that is not UTF-8, in a file that otherwise shows itself as UTF-8;
    None if it does not (it may then be GB18030 throughout).

    GB18030 text happens to spell valid UTF-8 now and then (about 1 line in 7 with one
    Chinese character, 1 in 50 with two, under 1 in 30,000 with three UTF-8 CJK ones), so
    the evidence is weighed over the file: a byte-order mark; or at least as many lines of
    UTF-8 text (any script: Société as well as 对象存储) as lines that are not UTF-8; or
    lines of UTF-8 CJK text making 1% or more of the lines that are not UTF-8."""
    lines = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
    bad = []
    text_lines = strong_lines = 0
    for number, line in enumerate(lines, start=1):
        is_text, strong = utf8_evidence(line)
        text_lines += is_text
        strong_lines += strong
        if not is_text and not line.isascii():
            try:
                line.decode("utf-8")
            except UnicodeDecodeError:
                bad.append(number)
    if not bad:
        return None
    mixed = has_bom or text_lines >= len(bad) or strong_lines >= max(1, len(bad) / 100)
    return bad[0] if mixed else None


def normalized_header(name: str) -> str:
    """A header as a person reads it: invisible characters dropped, no-break spaces as
    spaces, trimmed."""
    return INVISIBLE.sub("", name).replace("\u00a0", " ").strip()


def header_lookup(source: Source) -> dict[str, str]:
    """Accepted header, trimmed and lower-cased -> English column: `Order_No` and `订单号 ` match."""
    return {alias.lower(): name for alias, name in source.header_aliases().items()}


def english_columns(headers: list[str], source: Source) -> dict[int, str]:
    """Position of a landed header -> its English column, for the headers that name one."""
    aliases = header_lookup(source)
    found = {i: aliases.get(normalized_header(h).lower()) for i, h in enumerate(headers)}
    return {i: name for i, name in found.items() if name}


def check_columns(mapping: dict[int, str], headers: list[str], source: Source) -> list[str]:
    """Raise for a file that lacks required columns; notes for extras."""
    found = set(mapping.values())
    missing = [c for c in source.required_columns if c not in found]
    if missing:
        seen = ", ".join(normalized_header(h) for h in headers)
        raise UnreadableFile(
            reason(
                ReasonCode.MISSING_COLUMNS,
                required=[[c, source.chinese_headers()[c]] for c in missing],
                found=excerpt(seen),
            )
        )
    extras = [normalized_header(h) for i, h in enumerate(headers) if i not in mapping]
    return [f"ignored unknown column(s): {excerpt(', '.join(extras))}"] if extras else []


def first_difference(frame: pl.DataFrame, columns: list[str]) -> int | None:
    """Index of the first row where the columns do not all hold the same value (nulls equal)."""
    first = pl.col(columns[0])
    differs = pl.any_horizontal(first.ne_missing(pl.col(c)) for c in columns[1:])
    index = frame.select(differs.arg_true().first()).item()
    return None if index is None else int(index)


def without_repeated_columns(
    raw: pl.DataFrame, headers: list[str], mapping: dict[int, str], first_row_number: int
) -> tuple[dict[int, str], list[str]]:
    """The mapping with one position per English column, and notes. A column named twice
    (in either language) is kept once if both hold the same values in every row; otherwise
    which one holds the data cannot be told, and the file is refused."""
    positions: dict[str, list[int]] = {}
    for index, name in mapping.items():
        positions.setdefault(name, []).append(index)
    notes = []
    for name, found in positions.items():
        if len(found) == 1:
            continue
        spelled = ", ".join(repr(excerpt(normalized_header(headers[i]))) for i in found)
        row = first_difference(raw, [raw.columns[i] for i in found])
        if row is not None:
            raise UnreadableFile(
                reason(
                    ReasonCode.REPEATED_COLUMN_DIFFERS,
                    column=name,
                    count=len(found),
                    spelled=spelled,
                    row=row + first_row_number,
                )
            )
        notes.append(
            f"column {name} named {len(found)} times ({spelled}) with equal values: one kept"
        )
        for index in found[1:]:
            del mapping[index]
    return mapping, notes


def to_landed(
    raw: pl.DataFrame, source: Source, first_row_number: int, headers: list[str] | None = None
) -> LandedFrame:
    """Rename to English, add missing optional columns as empty, number the rows. `headers`
    are the landed column names by position (they may repeat), default the frame's own."""
    headers = list(raw.columns) if headers is None else headers
    mapping = english_columns(headers, source)
    notes = check_columns(mapping, headers, source)
    mapping, repeated = without_repeated_columns(raw, headers, mapping, first_row_number)
    frame = raw.select([pl.col(raw.columns[i]).alias(name) for i, name in mapping.items()])
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
    return LandedFrame(frame, typed, [*notes, *repeated], set(mapping.values()))


def with_line_feeds(data: bytes) -> tuple[bytes, list[str]]:
    """The text with every line ending a line feed: Excel's "CSV (Macintosh)" ends lines
    with a lone carriage return, which the CSV parser does not take for a line break."""
    if b"\r" not in data.replace(b"\r\n", b""):
        return data, []
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n"), [
        "line endings: carriage returns read as line breaks"
    ]


def separator(data: bytes) -> tuple[str, list[str]]:
    """The field separator, told by the header line: the candidate it holds most of (a
    comma when it holds none). A tie between two candidates cannot be told: refused."""
    header = data.split(b"\n", 1)[0].decode("utf-8", errors="replace")
    counts = sorted(((header.count(c), c) for c in SEPARATORS), reverse=True)
    (most, best), (second, runner_up) = counts[0], counts[1]
    if most == 0:
        return ",", []
    if most == second:
        raise UnreadableFile(
            reason(ReasonCode.SEPARATOR_TIE, count=most, first=repr(best), second=repr(runner_up))
        )
    return best, [] if best == "," else [f"fields separated by {best!r}"]


def read_csv(path: Path, source: Source) -> LandedFrame:
    data, encoding = utf8_text(path.read_bytes())
    data, notes = with_line_feeds(data)
    sep, sep_notes = separator(data)
    try:
        # No header row for the parser: repeated names must stay visible, not renamed.
        raw = pl.read_csv(
            data,
            has_header=False,
            separator=sep,
            infer_schema=False,
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise UnreadableFile(reason(ReasonCode.MALFORMED_CSV, detail=error_excerpt(exc))) from exc
    headers = [v or "" for v in raw.row(0)]
    landed = to_landed(raw.slice(1), source, first_row_number=2, headers=headers)
    if encoding != "utf-8":
        landed.notes.append(f"decoded from {encoding.upper()}")
    landed.notes += [*notes, *sep_notes]
    return landed


def error_excerpt(exc: Exception) -> str:
    """The first line of a reader's error, short and printable (it may quote the file)."""
    lines = str(exc).splitlines()
    return excerpt(lines[0] if lines else type(exc).__name__)


def read_parquet(path: Path, source: Source) -> LandedFrame:
    try:
        raw = pl.read_parquet(path)
    except Exception as exc:  # polars raises several types for a broken file
        raise UnreadableFile(
            reason(ReasonCode.MALFORMED_PARQUET, detail=error_excerpt(exc))
        ) from exc
    # A Parquet file has no header row: its first row is row 1.
    return to_landed(raw, source, first_row_number=1)


def header_row_offset(sheet: pl.DataFrame, source: Source) -> int | None:
    """Rows above the header: the first row that names most of the source's columns; None if
    no row near the top does."""
    aliases = header_lookup(source)
    needed = max(1, len(source.required_columns))
    for offset in range(min(MAX_HEADER_OFFSET + 1, sheet.height)):
        names = [str(v) for v in sheet.row(offset) if v is not None]
        if sum(normalized_header(n).lower() in aliases for n in names) >= needed:
            return offset
    return None


def looks_like_a_table(sheet: pl.DataFrame) -> bool:
    """Whether a sheet holds a table (a row of three or more filled cells near the top),
    rather than notes or a title."""
    for offset in range(min(MAX_HEADER_OFFSET + 1, sheet.height)):
        filled = [v for v in sheet.row(offset) if v is not None and str(v).strip()]
        if len(filled) >= TABLE_CELLS:
            return True
    return False


def without_trailing_blank_rows(sheet: pl.DataFrame) -> pl.DataFrame:
    """The sheet up to its last row with a value (formatted empty rows below are not data)."""
    if sheet.width == 0:
        return sheet
    filled = sheet.select(
        pl.any_horizontal(pl.all().cast(pl.String).str.strip_chars().fill_null("") != "")
    ).to_series()
    last = filled.arg_true().max()
    return sheet.head(0 if last is None else int(last) + 1)


def visible_sheets(path: Path) -> tuple[list[str], int]:
    """The names of the visible sheets of a workbook, in order, and how many are hidden
    (hidden or "very hidden": a person opening the file does not see them, so they are not
    the data they meant to send)."""
    reader = fastexcel.read_excel(path)
    names = reader.sheet_names
    visible = [n for n in names if reader.load_sheet(n, n_rows=0).visible == "visible"]
    return visible, len(names) - len(visible)


def read_sheets(path: Path) -> tuple[dict[str, pl.DataFrame], int]:
    """The visible sheets as text, every row kept (a sheet row's number stays its number)
    and no row taken for a header (repeated header names must stay visible), and how many
    sheets are hidden."""
    try:
        visible, hidden = visible_sheets(path)
        sheets = (
            pl.read_excel(
                path,
                sheet_name=visible,
                has_header=False,
                infer_schema_length=0,
                raise_if_empty=False,
                drop_empty_rows=False,
            )
            if visible
            else {}
        )
    except Exception as exc:  # fastexcel raises several types for a broken file
        raise UnreadableFile(reason(ReasonCode.MALFORMED_XLSX, detail=error_excerpt(exc))) from exc
    return {name: without_trailing_blank_rows(sheet) for name, sheet in sheets.items()}, hidden


def header_problems(sheet: pl.DataFrame, source: Source, name: str) -> list[Reason]:
    """Why the first row of the sheet `name` is not the source's header."""
    if sheet.height == 0:
        return [reason(ReasonCode.SHEET_EMPTY, sheet=name)]
    headers = ["" if v is None else str(v) for v in sheet.row(0)]
    try:
        check_columns(english_columns(headers, source), headers, source)
    except UnreadableFile as exc:
        return in_sheet(exc.reasons, name)
    return [reason(ReasonCode.NO_HEADER_ROW, sheet=name)]


def in_sheet(reasons: list[Reason], name: str) -> list[Reason]:
    """The reasons, said of the sheet `name`."""
    return [Reason(r.code, {**r.values, "sheet": name}) for r in reasons]


def landed_sheet(sheet: pl.DataFrame, offset: int, source: Source) -> LandedFrame:
    """The rows of a sheet below its header row `offset` (0-based), numbered as in the sheet."""
    headers = ["" if v is None else str(v) for v in sheet.row(offset)]
    landed = to_landed(
        sheet.slice(offset + 1), source, first_row_number=offset + 2, headers=headers
    )
    if offset:
        landed.notes.append(f"skipped {offset} row(s) above the header")
    return landed


def read_xlsx(path: Path, source: Source) -> LandedFrame:
    """Every visible sheet with the source's header is read, in sheet order; a hidden sheet
    never is. Sheets that disagree (different columns, or a table beside the data whose
    header is not the source's) refuse the whole file: which rows were meant cannot be told.

    With several data sheets a row's `_row_number` stays its row in its sheet, and the
    sheet's name goes into the row's `_sheet` (kept in a quarantined row's `raw_record`)."""
    sheets, hidden = read_sheets(path)
    data: dict[str, LandedFrame] = {}
    errors: list[Reason] = []
    others: list[Reason] = []
    for name, sheet in sheets.items():
        offset = header_row_offset(sheet, source)
        if offset is None:
            others += header_problems(sheet, source, excerpt(name))
            if looks_like_a_table(sheet):
                errors.append(reason(ReasonCode.TABLE_WITHOUT_HEADER, sheet=excerpt(name)))
            continue
        try:
            data[name] = landed_sheet(sheet, offset, source)
        except UnreadableFile as exc:
            errors += in_sheet(exc.reasons, excerpt(name))
    if not data:
        if not sheets:
            raise UnreadableFile(reason(ReasonCode.NO_VISIBLE_SHEET, hidden=hidden))
        raise UnreadableFile(*(errors or others))
    if errors:
        raise UnreadableFile(
            reason(
                ReasonCode.DATA_SHEETS_WITH_PROBLEMS,
                sheets=[excerpt(n) for n in data],
                source=source.name,
                problems=errors,
            )
        )
    return one_landed_frame(data, hidden, len(sheets))


def one_landed_frame(data: dict[str, LandedFrame], hidden: int, sheets: int) -> LandedFrame:
    """The data sheets of a workbook as one frame, or the refusal if their columns differ."""
    (first_name, first), *others = data.items()
    for name, landed in others:
        differ = sorted(first.named ^ landed.named)
        if differ:
            raise UnreadableFile(
                reason(
                    ReasonCode.SHEETS_DIFFER,
                    columns=differ,
                    first_sheet=excerpt(first_name),
                    second_sheet=excerpt(name),
                )
            )
    notes = [note for landed in data.values() for note in landed.notes]
    if hidden:
        notes.append(f"{hidden} hidden sheet(s) not read")
    if len(data) == 1:
        ((name, landed),) = data.items()
        if sheets > 1:
            notes.append(f"read sheet {excerpt(name)!r}")
        landed.notes = list(dict.fromkeys(notes))
        return landed
    frames = [
        landed.frame.with_columns(pl.lit(name).alias("_sheet")) for name, landed in data.items()
    ]
    spans = ", ".join(f"{excerpt(n)!r} ({d.frame.height} rows)" for n, d in data.items())
    notes.append(f"read sheets {spans}")
    return LandedFrame(
        pl.concat(frames), first.typed_columns, list(dict.fromkeys(notes)), first.named
    )


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
        reason(ReasonCode.UNSUPPORTED_TYPE, suffix=suffix, expected=list(SUPPORTED_SUFFIXES))
    )
