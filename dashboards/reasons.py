"""Quarantine reasons and association rejections in the reader's language, worded from their
codes and the values they name (pipelines/ingest/reasons.py; int_association_events_validated),
with the tables' number and date formats. A row stored before reasons had codes shows its
stored English text."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

import polars as pl

from contract.sources import SOURCES
from dashboards import fmt
from dashboards.labels import LABELS, t, value_label
from pipelines.what_if import ScenarioError

NUMBERS = ("row", "line", "count", "hidden", "scale")
MONEY_SCALE = 2  # decimals of a money column (contract/sources.py); rates have six


def column_label(source: str, column: str, lang: str) -> str:
    """A source column as the reader's export names it: its Chinese header on the Chinese
    page (the partner center's own), its English name otherwise."""
    if lang != "zh" or source not in SOURCES:
        return column
    return SOURCES[source].chinese_headers().get(column, column)


def columns_text(source: str, columns: str | None, lang: str) -> str | None:
    """A quarantine row's `column_name` (one column, or several separated by ", ") as the
    reader's export names them."""
    if columns is None:
        return None
    return listed([column_label(source, c, lang) for c in columns.split(", ")], lang)


def accepted_spellings(source: str, column: object, lang: str) -> str | None:
    """The values a column accepts, spelled in the reader's language (a file may use either:
    contract/sources.py); None for a column without a list."""
    if source not in SOURCES:
        return None
    spellings = SOURCES[source].enum_values().get(str(column), {})
    english = sorted(set(spellings.values()))
    chinese = sorted(s for s in spellings if s not in spellings.values())
    if not english:
        return None
    return listed(chinese if lang == "zh" and chinese else english, lang)


def listed(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def quoted(name: object, lang: str) -> str:
    return f"“{name}”" if lang == "zh" else f"'{name}'"


def bound_text(bound: object) -> str:
    """A schema bound (`0`, `1000000000`) as the tables write numbers."""
    try:
        return fmt.number(Decimal(str(bound)), 0 if Decimal(str(bound)) % 1 == 0 else 2)
    except InvalidOperation:
        return str(bound)


def typed_number(source: str, column: object, value: object) -> str:
    """A value or bound of a column as the tables write that column: money with ¥ and
    thousands separators, a rate (a fraction: six decimals) as a percentage."""
    dtype = SOURCES[source].dtypes().get(str(column)) if source in SOURCES else None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return "" if value is None else str(value)
    if isinstance(dtype, pl.Decimal) and dtype.scale == MONEY_SCALE:
        return fmt.money(number)
    if isinstance(dtype, pl.Decimal):
        return fmt.percent(number)
    return bound_text(number)


def worded_value(name: str, value: object, source: str, lang: str) -> str:
    """One value of a reason as the sentence shows it."""
    if value is None:
        return ""
    if name == "problems":
        return ("；" if lang == "zh" else "; ").join(
            reason_text(p, source, lang)
            for p in value  # type: ignore[attr-defined]
        )
    if name == "column":
        return column_label(source, str(value), lang)
    if name == "columns":
        return listed([column_label(source, c, lang) for c in value], lang)  # type: ignore[attr-defined]
    if name == "required":
        pairs = [
            f"{zh}（{column}）" if lang == "zh" else f"{column} ({zh})"
            for column, zh in value  # type: ignore[attr-defined]
        ]
        return listed(pairs, lang)
    if name == "sheets":
        return listed([quoted(s, lang) for s in value], lang)  # type: ignore[attr-defined]
    if name == "source":  # mid-sentence: "hold the orders data"
        worded = value_label("source", value, lang)
        return worded if lang == "zh" else worded.lower()
    if name == "known":  # source folders: the names on disk, which the reader must type
        return ", ".join(value)  # type: ignore[arg-type]
    if name in NUMBERS and isinstance(value, int):
        return fmt.number(value)
    if name == "bound":
        return bound_text(value)
    if isinstance(value, list):
        return listed([str(v) for v in value], lang)
    return str(value)


def reason_text(details: dict[str, object], source: str, lang: str) -> str:
    """One stored reason (`{"code": ..., <values>}`) in `lang`."""
    code = str(details.get("code"))
    key = f"reason_{code}"
    if key not in LABELS:
        return code  # a code newer than this page: at least name it
    template = LABELS[key][0 if lang == "zh" else 1]
    values = {
        name: worded_value(name, value, source, lang)
        for name, value in details.items()
        if name != "code"
    }
    accepted = accepted_spellings(source, details.get("column"), lang)
    if "accepted" in values and accepted:
        values["accepted"] = accepted
    if code in ("below_minimum", "above_maximum"):
        for name in ("value", "bound"):
            values[name] = typed_number(source, details.get("column"), details.get(name))
    text = template.format_map(_Blank(values))
    if details.get("sheet") is not None and "{sheet}" not in template:
        return t("reason_in_sheet", lang, sheet=details["sheet"], text=text)
    return text


class _Blank(dict):
    """Values for a template: a value the stored reason lacks is left blank, not an error."""

    def __missing__(self, key: str) -> str:
        return ""


def worded_reasons(row: dict[str, object], lang: str) -> str | None:
    """A row's stored reasons (`reason_details`) in `lang`; None without readable codes."""
    try:
        details = json.loads(str(row["reason_details"])) if row.get("reason_details") else None
    except ValueError:
        details = None
    if not isinstance(details, list) or not details:
        return None
    source = str(row.get("source") or "")
    return ("；" if lang == "zh" else "; ").join(reason_text(d, source, lang) for d in details)


def quarantine_reason(row: dict[str, object], lang: str) -> str:
    """A quarantined row's or file's reasons in `lang`; the stored text when it has no codes
    (quarantined before reasons had them) or its details cannot be read."""
    text = worded_reasons(row, lang)
    if text is None:
        return str(row.get("reason") or "")
    if row.get("row_number") is None and row.get("column_name") is None:
        return t("reason_file_not_loaded", lang, reasons=text)
    return text


def not_loaded_reason(row: dict[str, object], lang: str) -> str:
    """Why a file under the landing folder is not read, in `lang` (else the stored text)."""
    text = worded_reasons(row, lang)
    return str(row.get("reason") or "") if text is None else text


def rejection_reason(row: dict[str, object], lang: str) -> str:
    """An association event's rejection in `lang`; the stored text without a code."""
    code = row.get("rejection_code")
    key = f"rejection_{code}"
    if code is None or key not in LABELS:
        return str(row.get("rejection_reason") or "")
    limit = row.get("rejection_limit")
    return t(
        key,
        lang,
        partner=row.get("rejection_partner_id") or "",
        since=fmt.day(row.get("rejection_since"), lang),  # type: ignore[arg-type]
        limit=fmt.number(limit) if limit is not None else "",  # type: ignore[arg-type]
    )


def scenario_problem(exc: ScenarioError, lang: str) -> str:
    """Why a what-if scenario cannot be used, in `lang` (its English message without codes)."""
    text = worded_reasons({"source": "incentive_policies", "reason_details": exc.details}, lang)
    if text is None:
        return str(exc)
    if exc.rows:
        rows, row = fmt.number(exc.rows), fmt.number(exc.row)
        return t("what_if_bad_rows", lang, rows=rows, row=row, reason=text)
    if exc.file:
        return t("what_if_unreadable_file", lang, name=exc.file, reason=text)
    return text
