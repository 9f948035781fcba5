"""Splitting a landed file into rows to load and rows to quarantine, each with a reason."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass

import polars as pl

from contract.pandera_polars import pa
from contract.sources import Source
from pipelines.ingest.coerce import typed_frame
from pipelines.ingest.reasons import Reason, ReasonCode, check_errors, reason, reason_exprs

# Identifies a row among every file validated together (`_row_number` repeats across files).
ROW_ID = "_row_id"
# One failure of a row: the column(s), the English sentence, the code(s) and the details
# (JSON objects separated by commas; a row's are gathered into one JSON array).
FAILURE_SCHEMA = {
    ROW_ID: pl.Int64,
    "column_name": pl.String,
    "reason": pl.String,
    "reason_code": pl.String,
    "reason_details": pl.String,
}


@dataclass
class Validated:
    good: pl.DataFrame  # typed source columns + the lineage columns of the input
    # `_row_id`, `column_name`, `reason`, `reason_code`, `reason_details`, `raw_record`
    bad: pl.DataFrame


def check_reason(column: str, check: str, value: object, source: Source) -> Reason:
    """A pandera failure of one column, coded, with the value it names."""
    if check == "not_nullable":
        return reason(ReasonCode.REQUIRED_EMPTY, column=column)
    if check.startswith("isin"):
        spellings = source.enum_values().get(column, {})
        accepted = ", ".join(sorted(spellings)) if spellings else check
        return reason(ReasonCode.NOT_ALLOWED, column=column, value=str(value), accepted=accepted)
    bound = re.search(r"\((.*)\)", check)
    if check.startswith("greater_than_or_equal_to"):
        return reason(
            ReasonCode.BELOW_MINIMUM,
            column=column,
            value=str(value),
            bound=bound.group(1) if bound else "",
        )
    if check.startswith("less_than_or_equal_to"):
        return reason(
            ReasonCode.ABOVE_MAXIMUM,
            column=column,
            value=str(value),
            bound=bound.group(1) if bound else "",
        )
    if check.startswith("str_matches"):
        return reason(ReasonCode.NOT_A_BILLING_PERIOD, column=column, value=str(value))
    if check == "field_uniqueness":
        return reason(ReasonCode.NOT_UNIQUE, column=column, value=str(value))
    return reason(ReasonCode.CHECK_FAILED, column=column, value=str(value), check=check)


def frame_check_reason(error: str) -> Reason:
    """A failed check across columns (contract/sources.py), coded by the check's name."""
    names = {text: name for name, text in check_errors().items()}
    if error in names:
        return Reason(names[error])
    return reason(ReasonCode.CHECK_FAILED, column="", value="", check=error)


@functools.cache
def batch_schema(source: Source) -> pa.DataFrameSchema:
    """The source's schema without its key's uniqueness: several files are validated at once,
    and a key in two files is two versions (the later wins), not an error. Duplicates within
    one file are quarantined by `duplicate_key_rows` before this schema runs."""
    return source.schema.update_columns(
        {name: {"unique": False} for name, column in source.schema.columns.items() if column.unique}
    )


def schema_failures(typed: pl.DataFrame, source: Source) -> pl.DataFrame:
    """`_row_id`, `column_name`, `reason`, `reason_code`, `reason_details` for each pandera
    failure of the typed rows."""
    empty = pl.DataFrame(schema=FAILURE_SCHEMA)
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
            found = frame_check_reason(case["check"])
        else:
            found = check_reason(column, case["check"], case["failure_case"], source)
        reasons.append(
            {
                "index": case["index"],
                "column_name": column,
                "reason": found.english(),
                "reason_code": found.code,
                "reason_details": json.dumps(
                    found.details(), ensure_ascii=False, separators=(",", ":")
                ),
            }
        )
    if not reasons:
        return empty
    schema = {"index": pl.UInt32, **{k: v for k, v in FAILURE_SCHEMA.items() if k != ROW_ID}}
    return pl.DataFrame(reasons, schema=schema).join(rows, on="index").select(list(FAILURE_SCHEMA))


def duplicate_key_rows(frame: pl.DataFrame, source: Source) -> pl.DataFrame:
    """Rows whose key already appeared on an earlier row of the same file: the first is kept,
    since within one file there is no later version to prefer. "Earlier" is in reading order
    (`_row_id`): the row numbers of a workbook's sheets repeat."""
    key = list(source.key)
    # Only the rows of a repeated key need the windows below; they are few or none.
    keyed = frame.filter(
        pl.all_horizontal(pl.col(k).is_not_null() for k in key)
        & pl.struct([*key, "_file"]).is_duplicated()
    )
    first = pl.col(ROW_ID).min().over([*key, "_file"])
    if "_sheet" not in frame.columns:
        keyed = keyed.with_columns(pl.lit(None, dtype=pl.String).alias("_sheet"))
    with_first = keyed.with_columns(
        first.alias("_first_row_id"),
        pl.col("_row_number").sort_by(ROW_ID).first().over([*key, "_file"]).alias("_first_row"),
        pl.col("_sheet").sort_by(ROW_ID).first().over([*key, "_file"]).alias("_first_sheet"),
    )
    key_text = pl.concat_str(
        [pl.format(f"{k}={{}}", pl.col(k).cast(pl.String)) for k in key], separator=", "
    )
    values = {"key": key_text, "row": pl.col("_first_row")}
    plain = reason_exprs(ReasonCode.DUPLICATE_KEY, **values)
    in_sheet = reason_exprs(
        ReasonCode.DUPLICATE_KEY_IN_SHEET, **values, first_sheet=pl.col("_first_sheet")
    )
    sheetless = pl.col("_first_sheet").is_null()
    return with_first.filter(pl.col(ROW_ID) != pl.col("_first_row_id")).select(
        ROW_ID,
        pl.lit(", ".join(key)).alias("column_name"),
        pl.when(sheetless).then(plain[0]).otherwise(in_sheet[0]).alias("reason"),
        pl.when(sheetless)
        .then(pl.lit(str(ReasonCode.DUPLICATE_KEY)))
        .otherwise(pl.lit(str(ReasonCode.DUPLICATE_KEY_IN_SHEET)))
        .alias("reason_code"),
        pl.when(sheetless).then(plain[1]).otherwise(in_sheet[1]).alias("reason_details"),
    )


def blank_rows(text: pl.DataFrame, source: Source) -> pl.DataFrame:
    """The failures (`FAILURE_SCHEMA`) of the rows without any value."""
    empty = pl.all_horizontal(
        pl.col(c).cast(pl.String).str.strip_chars().fill_null("") == "" for c in source.columns
    )
    text_expr, details = reason_exprs(ReasonCode.EMPTY_ROW)
    return text.filter(empty).select(
        ROW_ID,
        pl.lit(None, dtype=pl.String).alias("column_name"),
        text_expr.alias("reason"),
        pl.lit(str(ReasonCode.EMPTY_ROW)).alias("reason_code"),
        details.alias("reason_details"),
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
        pl.col("_type_error_codes").alias("reason_code"),
        pl.col("_type_error_details").alias("reason_details"),
    )
    candidates = typed.filter(pl.col("_type_errors").is_null()).drop(
        "_type_errors", "_type_error_columns", "_type_error_codes", "_type_error_details"
    )
    dupes = duplicate_key_rows(candidates, source)
    candidates = candidates.join(dupes.select(ROW_ID), on=ROW_ID, how="anti")
    failures = pl.concat(
        [
            frame.select(list(FAILURE_SCHEMA)).cast(FAILURE_SCHEMA)  # type: ignore[arg-type]
            for frame in (blank, type_failures, dupes, schema_failures(candidates, source))
        ]
    )
    bad = (
        failures.group_by(ROW_ID, maintain_order=True)
        .agg(
            pl.col("column_name").drop_nulls().unique(maintain_order=True).str.join(", "),
            pl.col("reason").unique(maintain_order=True).str.join("; "),
            pl.col("reason_code")
            .str.split("; ")
            .explode()
            .unique(maintain_order=True)
            .str.join("; "),
            pl.format("[{}]", pl.col("reason_details").unique(maintain_order=True).str.join(",")),
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
