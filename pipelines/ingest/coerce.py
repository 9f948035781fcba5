"""Typing a landed text frame column by column, with a reason for every value that fails.

Harmless noise is repaired, not rejected: full-width characters (NFKC), surrounding
spaces, thousands separators and currency signs in amounts, percent signs in rates,
Chinese or differently-cased enum spellings, invisible characters in identifiers, and
times and dates with an offset (converted to Asia/Shanghai wall time, the zone every
business date is cut in). A repair never changes a magnitude: a comma in an amount is
taken only as a thousands separator (`1,234.50`); `1,50` could mean 1.50 or 150 and is
rejected.
"""

from __future__ import annotations

import polars as pl

from contract.sources import Source
from pipelines.ingest.reasons import ReasonCode, reason_exprs

SHANGHAI_OFFSET_MINUTES = 8 * 60
TRUE_WORDS = ["true", "t", "yes", "y", "1", "是", "新", "新客户"]
FALSE_WORDS = ["false", "f", "no", "n", "0", "否", "老", "老客户", "存量客户"]

_DATE = r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
_TIME = r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?"
_OFFSET = r"\s*(Z|[+-]\d{2}:?\d{2})?"
# Zero-width space, non-joiner and joiner, word joiner, BOM: invisible in an id, yet they
# would make `C1` and `C\u200b1` two customers.
_INVISIBLE = "[\u200b-\u200d\u2060\ufeff]"
# Digits grouped by three with commas, as in 1,234,567.89 (a sign or percent aside).
_THOUSANDS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?$"


def cleaned_text(column: str, ascii_only: bool = False, identifier: bool = False) -> pl.Expr:
    """NFKC-normalized, trimmed text (an identifier also without invisible characters);
    empty text is null. NFKC changes no ASCII text, and it is the costliest step of typing:
    an ASCII-only column skips it."""
    text = pl.col(column)
    if not ascii_only:
        text = text.str.replace_all(_INVISIBLE, "") if identifier else text
        # NFKC also turns a no-break space into a space, which the strip below removes.
        text = text.str.normalize("NFKC")
    text = text.str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def ascii_only_columns(frame: pl.DataFrame, columns: list[str]) -> set[str]:
    """The text columns whose every value is ASCII (as many bytes as characters)."""
    if not columns or frame.is_empty():
        return set(columns)
    flags = frame.select(
        (pl.col(c).str.len_bytes() == pl.col(c).str.len_chars()).all().alias(c) for c in columns
    ).row(0)
    return {column for column, ascii_only in zip(columns, flags, strict=True) if ascii_only}


def padded(group: pl.Expr, width: int) -> pl.Expr:
    return group.str.zfill(width)


def date_parts(text: pl.Expr) -> pl.Expr:
    return text.str.extract_groups(f"^{_DATE}{_TIME}{_OFFSET}$")


def as_date(text: pl.Expr) -> pl.Expr:
    """A date from 2026-06-01, 2026/6/1 or a midnight time stamp; a time with an offset is
    first converted to Asia/Shanghai (2026-04-04T16:00:00Z is 2026-04-05 00:00 there, so
    2026-04-05). Null if not one."""
    parts = date_parts(text)
    with_offset = parts.struct[7].is_not_null()
    iso = pl.concat_str(
        [parts.struct[0], padded(parts.struct[1], 2), padded(parts.struct[2], 2)], separator="-"
    )
    at_midnight = parts.struct[3].is_null() | (
        (parts.struct[3].cast(pl.Int32, strict=False) == 0) & (parts.struct[4] == "00")
    )
    return (
        pl.when(with_offset)
        .then(as_shanghai_datetime(text).dt.date())
        .when(at_midnight)
        .then(iso.str.to_date("%Y-%m-%d", strict=False))
    )


def as_shanghai_datetime(text: pl.Expr) -> pl.Expr:
    """Asia/Shanghai wall time from ISO-8601 text; a time without offset is already Shanghai's."""
    parts = date_parts(text)
    wall = pl.concat_str(
        [
            parts.struct[0],
            pl.lit("-"),
            padded(parts.struct[1], 2),
            pl.lit("-"),
            padded(parts.struct[2], 2),
            pl.lit(" "),
            padded(parts.struct[3].fill_null("0"), 2),
            pl.lit(":"),
            parts.struct[4].fill_null("00"),
            pl.lit(":"),
            parts.struct[5].fill_null("00"),
        ]
    ).str.to_datetime("%Y-%m-%d %H:%M:%S", time_unit="us", strict=False)
    micros = parts.struct[6].str.pad_end(6, "0").cast(pl.Int64, strict=False).fill_null(0)
    offset = parts.struct[7].str.replace(":", "")
    offset_minutes = (
        pl.when(offset.is_null())
        .then(pl.lit(SHANGHAI_OFFSET_MINUTES))
        .when(offset == "Z")
        .then(pl.lit(0))
        .otherwise(
            offset.str.slice(0, 1).replace_strict(
                {"+": 1, "-": -1}, default=1, return_dtype=pl.Int64
            )
            * (
                offset.str.slice(1, 2).cast(pl.Int64, strict=False) * 60
                + offset.str.slice(3, 2).cast(pl.Int64, strict=False)
            )
        )
    )
    valid_clock = (
        (parts.struct[3].fill_null("0").cast(pl.Int32, strict=False) < 24)
        & (parts.struct[4].fill_null("0").cast(pl.Int32, strict=False) < 60)
        & (parts.struct[5].fill_null("0").cast(pl.Int32, strict=False) < 60)
    )
    shift = pl.duration(minutes=SHANGHAI_OFFSET_MINUTES - offset_minutes, microseconds=micros)
    return pl.when(valid_clock).then(wall + shift)


def as_decimal(text: pl.Expr, dtype: pl.Decimal) -> pl.Expr:
    """A decimal of the column's scale; `1,234.50`, `¥12`, `12 元` and `5%` (rates) are repaired."""
    scale = dtype.scale
    number = text.str.replace_all(r"[¥$]|CNY|RMB|元", "").str.strip_chars()
    # Only thousands separators go; any other comma or inner space leaves the text invalid.
    number = (
        pl.when(number.str.contains(_THOUSANDS))
        .then(number.str.replace_all(",", ""))
        .otherwise(number)
    )
    is_percent = number.str.ends_with("%")
    number = number.str.strip_suffix("%")
    plain_ok = number.str.contains(plain_pattern(dtype))
    # Only fractions (rates) may be written as percentages; an amount never is.
    percent_ok = (
        number.str.contains(rf"^\d+(\.\d{{1,{scale - 2}}})?$") if scale > 2 else pl.lit(False)
    )
    wide = pl.Decimal(38, scale)
    value = number.cast(wide, strict=False)
    return (
        pl.when(is_percent & percent_ok)
        .then(value / 100)
        .when(~is_percent & plain_ok)
        .then(value)
        .cast(wide)
        .cast(dtype, strict=False)
    )


def as_boolean(text: pl.Expr) -> pl.Expr:
    lowered = text.str.to_lowercase()
    return (
        pl.when(lowered.is_in(TRUE_WORDS)).then(True).when(lowered.is_in(FALSE_WORDS)).then(False)
    )


def as_enum(text: pl.Expr, spellings: dict[str, str]) -> pl.Expr:
    """The English value of an enum from any accepted spelling; unknown values pass through
    unchanged so the schema's `isin` check names them."""
    lowered = {k.lower(): v for k, v in spellings.items()}
    return text.str.to_lowercase().replace_strict(lowered, default=text)


def identifier_columns(source: Source) -> set[str]:
    """The text columns that identify something (key columns, ids and numbers): their values
    are matched, so invisible characters are dropped from them."""
    return {
        c
        for c, dtype in source.dtypes().items()
        if dtype == pl.String and (c in source.key or c.endswith(("_id", "_no")))
    }


def typed_value(
    column: str, dtype: pl.DataType, source: Source, ascii_only: bool = False, plain: bool = False
) -> pl.Expr:
    """The column's values typed; `plain`: every value is written plainly (`plain_pattern`),
    so a cast types it, with nothing to repair (the same values, at a fraction of the cost)."""
    text = cleaned_text(column, ascii_only, identifier=column in identifier_columns(source))
    enums = source.enum_values()
    if column in enums:
        return as_enum(text, enums[column])
    if isinstance(dtype, pl.Decimal):
        if plain:
            return text.cast(pl.Decimal(38, dtype.scale), strict=False).cast(dtype, strict=False)
        return as_decimal(text, dtype)
    if isinstance(dtype, pl.Datetime):
        return as_shanghai_datetime(text)
    if dtype == pl.Date:
        return text.str.to_date("%Y-%m-%d", strict=False) if plain else as_date(text)
    if dtype == pl.Boolean:
        return as_boolean(text)
    return text


def plain_pattern(dtype: pl.DataType) -> str | None:
    """How a date or decimal of `dtype` is written when it needs no repair: 2026-06-01, -12.50
    (as many decimals as the scale at most), which `as_date` and `as_decimal` type by a cast."""
    if dtype == pl.Date:
        return r"^\d{4}-\d{2}-\d{2}$"
    if isinstance(dtype, pl.Decimal):
        return rf"^[+-]?\d+(\.\d{{1,{dtype.scale}}})?$"
    return None


def plain_columns(
    frame: pl.DataFrame, dtypes: dict[str, pl.DataType], ascii_only: set[str]
) -> set[str]:
    """The date and decimal columns of `dtypes` whose every value is written plainly."""
    patterns = {c: pattern for c, dtype in dtypes.items() if (pattern := plain_pattern(dtype))}
    if not patterns or frame.is_empty():
        return set(patterns)
    flags = frame.select(
        cleaned_text(c, c in ascii_only).str.contains(pattern).fill_null(True).all().alias(c)
        for c, pattern in patterns.items()
    ).row(0)
    return {column for column, plain in zip(patterns, flags, strict=True) if plain}


def type_error(column: str, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """Why a value of the column failed to type, naming the value: its English sentence,
    its code and its details (pipelines/ingest/reasons.py)."""
    values = {"column": pl.lit(column), "value": pl.col(column)}
    if isinstance(dtype, pl.Decimal):
        values["scale"] = pl.lit(dtype.scale)
        plain = reason_exprs(ReasonCode.NOT_AN_AMOUNT, **values)
        comma = reason_exprs(ReasonCode.AMOUNT_COMMA, **values)
        has_comma = pl.col(column).str.contains(",")
        return (
            pl.when(has_comma).then(comma[0]).otherwise(plain[0]),
            pl.when(has_comma)
            .then(pl.lit(str(ReasonCode.AMOUNT_COMMA)))
            .otherwise(pl.lit(str(ReasonCode.NOT_AN_AMOUNT))),
            pl.when(has_comma).then(comma[1]).otherwise(plain[1]),
        )
    code = type_error_code(dtype)
    text, details = reason_exprs(code, **values)
    return text, pl.lit(str(code)), details


def type_error_code(dtype: pl.DataType) -> ReasonCode:
    if isinstance(dtype, pl.Datetime):
        return ReasonCode.NOT_A_DATETIME
    if dtype == pl.Date:
        return ReasonCode.NOT_A_DATE
    if dtype == pl.Boolean:
        return ReasonCode.NOT_YES_NO
    return ReasonCode.UNREADABLE_VALUE


def typed_frame(frame: pl.DataFrame, source: Source, typed_columns: set[str]) -> pl.DataFrame:
    """The frame with every source column typed, plus `_type_errors` (the reasons of a row in
    English, or null), `_type_error_columns` (the columns they concern), `_type_error_codes`
    and `_type_error_details` (their codes, and their details as JSON objects separated by
    commas)."""
    dtypes = {c: dtype for c, dtype in source.dtypes().items() if c not in typed_columns}
    ascii_only = ascii_only_columns(frame, list(dtypes))
    plain = plain_columns(frame, dtypes, ascii_only)
    # In steps, each value typed once: one expression that reused a typed value in its failure
    # test and in four reasons typed it five times (a CSV of 146k consumption rows: 2.5 s).
    typed = {column: f"__typed_{column}" for column in dtypes}
    failed = {
        column: f"__failed_{column}" for column, dtype in dtypes.items() if dtype != pl.String
    }
    staged = frame.with_columns(
        typed_value(column, dtype, source, column in ascii_only, column in plain).alias(
            typed[column]
        )
        for column, dtype in dtypes.items()
    ).with_columns(
        (
            cleaned_text(column, column in ascii_only).is_not_null()
            & pl.col(typed[column]).is_null()
        ).alias(flag)
        for column, flag in failed.items()
    )
    problems: list[pl.Expr] = []
    failed_columns: list[pl.Expr] = []
    codes: list[pl.Expr] = []
    details: list[pl.Expr] = []
    for column, flag in failed.items():
        text, code, detail = type_error(column, dtypes[column])
        problems.append(pl.when(flag).then(text))
        failed_columns.append(pl.when(flag).then(pl.lit(column)))
        codes.append(pl.when(flag).then(code))
        details.append(pl.when(flag).then(detail))
    return (
        staged.with_columns(
            joined_or_null(problems, "; ").alias("_type_errors"),
            joined_or_null(failed_columns, ", ").alias("_type_error_columns"),
            joined_or_null(codes, "; ").alias("_type_error_codes"),
            joined_or_null(details, ",").alias("_type_error_details"),
        )
        .with_columns(pl.col(name).alias(column) for column, name in typed.items())
        .drop([*typed.values(), *failed.values()])
    )


def joined_or_null(parts: list[pl.Expr], separator: str) -> pl.Expr:
    if not parts:
        return pl.lit(None, dtype=pl.String)
    joined = pl.concat_str(parts, separator=separator, ignore_nulls=True)
    return pl.when(joined == "").then(None).otherwise(joined)
