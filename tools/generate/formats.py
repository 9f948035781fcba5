"""How each source lands: file type, header language, encoding, time style; and the writers.

| source | file | headers and enum values | encoding | times |
|---|---|---|---|---|
| partners, staff, customers, resources, projects | `.xlsx` | Chinese | - | `2026-06-03 10:15:00` |
| associations | `.csv` | Chinese | GB18030 | `2026-06-03 10:15:00` |
| statement_events | `.csv` | Chinese | GB18030 | `2026-06-03T10:15:00+08:00` |
| orders | `.csv` | Chinese | UTF-8 with BOM | `2026-06-03T10:15:00+08:00` |
| consumption | `.parquet` (money as DECIMAL(18,2), usage_date as DATE); every 7th day (day index % 7 == 3) `.csv` | English | UTF-8 | - |
| balances, incentive_policies | `.csv` | English | UTF-8 | - |
| huawei_incentive_details | `.csv` | Chinese | GB18030 | - |
| huawei_statements | `.xlsx` | Chinese | - | - |

In CSV and xlsx every value is text: money with 2 decimals, `discount_rate` with 4,
dates `YYYY-MM-DD`, `is_new_customer` as 是/否 (true/false in English files), empty
cells for nulls. Files are byte-identical for the same input: no wall clock (an xlsx's
creation date is the drop date), rows in a fixed order.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

import polars as pl
import xlsxwriter

from contract.sources import SOURCES


@dataclass(frozen=True)
class FileFormat:
    suffix: str  # csv, parquet or xlsx
    chinese: bool  # Chinese headers and enum spellings
    encoding: str = "utf-8"  # csv only: utf-8, utf-8-sig (with BOM) or gb18030
    offset_times: bool = False  # times with +08:00, else naive (both are Asia/Shanghai)


FORMATS: dict[str, FileFormat] = {
    "partners": FileFormat("xlsx", chinese=True),
    "staff": FileFormat("xlsx", chinese=True),
    "customers": FileFormat("xlsx", chinese=True),
    "resources": FileFormat("xlsx", chinese=True),
    "projects": FileFormat("xlsx", chinese=True),
    "associations": FileFormat("csv", chinese=True, encoding="gb18030"),
    "statement_events": FileFormat("csv", chinese=True, encoding="gb18030", offset_times=True),
    "orders": FileFormat("csv", chinese=True, encoding="utf-8-sig", offset_times=True),
    "consumption": FileFormat("parquet", chinese=False),
    "balances": FileFormat("csv", chinese=False),
    "incentive_policies": FileFormat("csv", chinese=False),
    "huawei_incentive_details": FileFormat("csv", chinese=True, encoding="gb18030"),
    "huawei_statements": FileFormat("xlsx", chinese=True),
}
CONSUMPTION_CSV = FileFormat("csv", chinese=False)
# `plain`: every text source as UTF-8 CSV with English headers and naive times, so that
# tools without Excel or GB18030 readers (the benchmark's floor and peer) read the same files.
PLAIN_CSV = FileFormat("csv", chinese=False)


def file_format(source: str, day: int, *, plain: bool = False) -> FileFormat:
    """The format of a source's file on a day: some consumption days come as plain CSV,
    as when an analyst re-exports a day by hand."""
    if source == "consumption" and day % 7 == 3:
        return CONSUMPTION_CSV
    if plain and source != "consumption":
        return PLAIN_CSV
    return FORMATS[source]


def file_path(out: Path, source: str, drop_date: date, fmt: FileFormat) -> Path:
    return out / source / drop_date.isoformat() / f"{source}.{fmt.suffix}"


def fixed_point_text(column: str, scale: int, decimals: int) -> pl.Expr:
    """Text with `decimals` decimals of an integer column in units of 10^-scale."""
    units = pl.col(column) // 10 ** (scale - decimals)
    magnitude = units.abs()
    whole = (magnitude // 10**decimals).cast(pl.String)
    fraction = (magnitude % 10**decimals).cast(pl.String).str.zfill(decimals)
    sign = pl.when(units < 0).then(pl.lit("-")).otherwise(pl.lit(""))
    return pl.concat_str([sign, whole, pl.lit("."), fraction])  # null stays null


def english_to_chinese(source: str, column: str) -> dict[str, str]:
    spellings = SOURCES[source].enum_values()[column]
    return {english: spelling for spelling, english in spellings.items() if spelling != english}


def landed_text(frame: pl.DataFrame, source: str, fmt: FileFormat) -> pl.DataFrame:
    """The source's columns as the text that lands, named in English."""
    enums = SOURCES[source].enum_values()
    time_format = "%Y-%m-%dT%H:%M:%S+08:00" if fmt.offset_times else "%Y-%m-%d %H:%M:%S"
    columns = []
    for column, dtype in SOURCES[source].dtypes().items():
        value = pl.col(column)
        if isinstance(dtype, pl.Decimal):
            value = fixed_point_text(column, dtype.scale, 2 if dtype.scale == 2 else 4)
        elif isinstance(dtype, pl.Datetime):
            value = value.dt.strftime(time_format)
        elif dtype == pl.Date:
            value = value.dt.strftime("%Y-%m-%d")
        elif dtype == pl.Boolean:
            yes, no = ("是", "否") if fmt.chinese else ("true", "false")
            value = pl.when(value).then(pl.lit(yes)).otherwise(pl.lit(no))
        elif column in enums and fmt.chinese:
            value = value.replace_strict(english_to_chinese(source, column), return_dtype=pl.String)
        columns.append(value.cast(pl.String).alias(column))
    return frame.select(columns)


def parquet_frame(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """The source's columns typed for Parquet: money as DECIMAL(18,2), dates as DATE."""
    columns = []
    for column, dtype in SOURCES[source].dtypes().items():
        if isinstance(dtype, pl.Decimal):
            columns.append(
                fixed_point_text(column, dtype.scale, dtype.scale).cast(dtype).alias(column)
            )
        else:
            columns.append(pl.col(column))
    return frame.select(columns)


def headers(source: str, fmt: FileFormat) -> list[str]:
    names = SOURCES[source].chinese_headers()
    return [names[c] if fmt.chinese else c for c in SOURCES[source].columns]


def csv_bytes(text: pl.DataFrame, source: str, fmt: FileFormat) -> bytes:
    named = text.rename(dict(zip(text.columns, headers(source, fmt), strict=True)))
    # Python's utf-8-sig codec writes the BOM; gb18030 encodes every Chinese character.
    return named.write_csv(None, null_value="").encode(fmt.encoding)


def xlsx_bytes(text: pl.DataFrame, source: str, fmt: FileFormat, drop_date: date) -> bytes:
    """A one-sheet workbook of text cells. The document's creation time is the drop date
    (xlsxwriter would stamp the wall clock) and zip members carry a fixed 1980 date."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_properties({"created": datetime.combine(drop_date, time(23, 30))})
    sheet = workbook.add_worksheet("Sheet1")
    sheet.write_row(0, 0, headers(source, fmt))
    for r, row in enumerate(text.iter_rows(), start=1):
        for col, value in enumerate(row):
            if value is not None:
                sheet.write_string(r, col, value)
    workbook.close()
    return buffer.getvalue()


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer, compression="zstd", statistics=True)
    return buffer.getvalue()


def landing_bytes(
    frame: pl.DataFrame,
    bad: list[dict[str, str | None]],
    source: str,
    fmt: FileFormat,
    drop_date: date,
) -> bytes:
    """The file's bytes: the rows (typed, money in integer units) then the bad rows (text)."""
    if fmt.suffix == "parquet":
        if bad:
            raise ValueError(f"bad rows need a text format, not Parquet ({source})")
        return parquet_bytes(parquet_frame(frame, source))
    if frame.width:
        text = landed_text(frame, source, fmt)
    else:  # a file holding only bad rows
        text = pl.DataFrame(schema=dict.fromkeys(SOURCES[source].columns, pl.String))
    if bad:
        text = pl.concat([text, pl.DataFrame(bad, schema=dict.fromkeys(text.columns, pl.String))])
    if fmt.suffix == "xlsx":
        return xlsx_bytes(text, source, fmt, drop_date)
    return csv_bytes(text, source, fmt)
