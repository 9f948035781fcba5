"""Splitting a landed file into rows to load and rows to quarantine, each with a reason."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from contract.sources import Source
from pipelines.ingest.coerce import typed_frame

# Identifies a row among every file validated together (`_row_number` repeats across files).
ROW_ID = "_row_id"


@dataclass
class Validated:
    good: pl.DataFrame  # typed source columns + the lineage columns of the input
    bad: pl.DataFrame  # `_row_id`, `column_name`, `reason`, `raw_record`


def check_reason(column: str, check: str, value: object, source: Source) -> str:
    """A pandera failure in words a person understands."""
    if check == "not_nullable":
        return f"{column} is empty but required"
    if check.startswith("isin"):
        spellings = source.enum_values().get(column, {})
        accepted = ", ".join(sorted(spellings)) if spellings else check
        return f"{column} '{value}' is not one of: {accepted}"
    if check.startswith("greater_than_or_equal_to"):
        bound = re.search(r"\((.*)\)", check)
        return f"{column} {value} is below the minimum {bound.group(1) if bound else ''}".strip()
    if check.startswith("less_than_or_equal_to"):
        bound = re.search(r"\((.*)\)", check)
        return f"{column} {value} is above the maximum {bound.group(1) if bound else ''}".strip()
    if check.startswith("str_matches"):
        return f"{column} '{value}' is not a billing period (YYYYMM)"
    if check == "field_uniqueness":
        return f"{column} '{value}' appears more than once"
    return f"{column} '{value}' fails {check}"


@functools.cache
def batch_schema(source: Source) -> pa.DataFrameSchema:
    """The source's schema without its key's uniqueness: several files are validated at once,
    and a key in two files is two versions (the later wins), not an error. Duplicates within
    one file are quarantined by `duplicate_key_rows` before this schema runs."""
    return source.schema.update_columns(
        {name: {"unique": False} for name, column in source.schema.columns.items() if column.unique}
    )


def schema_failures(typed: pl.DataFrame, source: Source) -> pl.DataFrame:
    """`_row_id`, `column_name`, `reason` for each pandera failure of the typed rows."""
    empty = pl.DataFrame(schema={ROW_ID: pl.Int64, "column_name": pl.String, "reason": pl.String})
    if typed.is_empty():
        return empty
    try:
        batch_schema(source).validate(typed.select(source.columns), lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    else:
        return empty
    rows = typed.select(ROW_ID).with_row_index("index")
    reasons = []
    for case in cases.iter_rows(named=True):
        if case["index"] is None:
            continue
        column = case["column"] if case["schema_context"] == "Column" else None
        if column is None:
            reason = case["check"]
            columns = None
        else:
            reason = check_reason(column, case["check"], case["failure_case"], source)
            columns = column
        reasons.append({"index": case["index"], "column_name": columns, "reason": reason})
    if not reasons:
        return empty
    found = pl.DataFrame(
        reasons, schema={"index": pl.UInt32, "column_name": pl.String, "reason": pl.String}
    )
    return found.join(rows, on="index").select(ROW_ID, "column_name", "reason")


def duplicate_key_rows(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Rows whose key already appeared on an earlier row of the same file: the first is kept,
    since within one file there is no later version to prefer. "Earlier" is in reading order
    (`_row_id`): the row numbers of a workbook's sheets repeat."""
    key = list(source.key)
    keyed = frame.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in key))
    first = pl.col(ROW_ID).min().over([*key, "_file"])
    where = pl.col("_row_number").cast(pl.String)
    if "_sheet" in frame.columns:
        sheet = pl.format("{} of sheet '{}'", where, pl.col("_sheet"))
        where = pl.when(pl.col("_sheet").is_null()).then(where).otherwise(sheet)
    with_first = keyed.with_columns(
        first.alias("_first_row_id"),
        where.sort_by(ROW_ID).first().over([*key, "_file"]).alias("_first_row"),
    )
    key_text = pl.concat_str(
        [pl.format(f"{k}={{}}", pl.col(k).cast(pl.String)) for k in key], separator=", "
    )
    return with_first.filter(pl.col(ROW_ID) != pl.col("_first_row_id")).select(
        ROW_ID,
        pl.lit(", ".join(key)).alias("column_name"),
        pl.format(
            "duplicate key ({}): already on row {} of this file", key_text, pl.col("_first_row")
        ).alias("reason"),
    )


def blank_rows(text: pl.DataFrame, source: Source) -> pl.DataFrame:
    """`_row_id`, `column_name` (null), `reason` of the rows without any value."""
    empty = pl.all_horizontal(
        pl.col(c).cast(pl.String).str.strip_chars().fill_null("") == "" for c in source.columns
    )
    return text.filter(empty).select(
        ROW_ID,
        pl.lit(None, dtype=pl.String).alias("column_name"),
        pl.lit("the row is empty (no value in any column)").alias("reason"),
    )


def raw_records(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """`_row_id` and the row as landed, as JSON text; a row of a workbook's several data
    sheets also names its sheet (`_sheet`), which its row number alone does not tell."""
    record = pl.struct(source.columns).struct.json_encode()
    if "_sheet" in frame.columns:
        with_sheet = pl.struct("_sheet", *source.columns).struct.json_encode()
        record = pl.when(pl.col("_sheet").is_null()).then(record).otherwise(with_sheet)
    return frame.select(ROW_ID, record.alias("raw_record"))


def validated(text: pl.DataFrame, typed_columns: set[str], source: Source) -> Validated:
    """The rows that pass every check, and one quarantine row per row that does not.

    `text` holds the rows of one or more files of the source: its columns as read, the
    lineage columns `_file` and `_row_number`, and `_row_id`, unique across them."""
    typed = typed_frame(text, source, typed_columns)
    # A blank line of a CSV or a blank sheet row: one clear reason, not one per column.
    blank = blank_rows(text, source)
    typed = typed.join(blank, on=ROW_ID, how="anti")
    type_failures = typed.filter(pl.col("_type_errors").is_not_null()).select(
        ROW_ID,
        pl.col("_type_error_columns").alias("column_name"),
        pl.col("_type_errors").alias("reason"),
    )
    candidates = typed.filter(pl.col("_type_errors").is_null()).drop(
        "_type_errors", "_type_error_columns"
    )
    dupes = duplicate_key_rows(candidates, source)
    candidates = candidates.join(dupes.select(ROW_ID), on=ROW_ID, how="anti")
    failures = pl.concat([blank, type_failures, dupes, schema_failures(candidates, source)])
    bad = (
        failures.group_by(ROW_ID, maintain_order=True)
        .agg(
            pl.col("column_name").drop_nulls().unique(maintain_order=True).str.join(", "),
            pl.col("reason").unique(maintain_order=True).str.join("; "),
        )
        .with_columns(
            pl.when(pl.col("column_name") == "").then(None).otherwise(pl.col("column_name"))
        )
        .sort(ROW_ID)
    )
    # Only bad rows keep their text: encoding every row as JSON costs more than typing it.
    landed_text = text.join(bad.select(ROW_ID), on=ROW_ID, how="semi")
    bad = bad.join(raw_records(landed_text, source), on=ROW_ID, how="left")
    good = candidates.join(bad.select(ROW_ID), on=ROW_ID, how="anti")
    return Validated(good=good, bad=bad)
