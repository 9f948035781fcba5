"""From a detail row to every cent behind it: the landed record (file, row number, values as
landed) and the rule that produced the amount. Shared by the details and statements pages."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import duckdb
import polars as pl
import streamlit as st

from contract.sources import SOURCES
from dashboards import fmt, ui
from dashboards import queries as q
from dashboards.labels import value_label


def _value(value: object, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt.number(value, -value.as_tuple().exponent)  # type: ignore[operator]
    if isinstance(value, datetime):
        return fmt.timestamp(value, lang)
    if isinstance(value, date):
        return fmt.day(value, lang)
    return str(value)


def _partner(name: object, partner_id: object) -> str:
    return f"{name} ({partner_id})" if name and name != partner_id else str(partner_id or "")


def row_label(row: dict[str, object], lang: str) -> str:
    """A detail row as the row picker lists it."""
    parts = [
        str(row["transaction_id"]),
        str(row["customer_name"] or row["customer_id"]),
        fmt.day(row["transaction_date"], lang),  # type: ignore[arg-type]
        fmt.money(row["incentive_amount"]),  # type: ignore[arg-type]
    ]
    return " · ".join(p for p in parts if p)


def rule_lines(record: q.SourceRecord, lang: str) -> list[str]:
    """Who owned and who settles the row, and how its amount was computed."""
    rule, detail = record.rule, record.detail
    lines = [
        f"{ui.label('owner_partner')}: {_partner(rule['owner_partner_name'], rule['owner_partner_id'])}",
        f"{ui.label('settlement_partner')}: "
        + _partner(rule["settlement_partner_name"], rule["settlement_partner_id"]),
        f"{ui.label('association_type')}: "
        + value_label("association_type", rule["association_type"], lang),
    ]
    amount = fmt.money(detail["incentive_amount"])  # type: ignore[arg-type]
    eligible = fmt.money(detail["eligible_amount"]) or ui.label("hidden_basic")  # type: ignore[arg-type]
    if rule["incentive_type"] == "acceleration":
        kind = "new_customer_cap" if rule.get("is_new_customer") else "existing_customer_cap"
        lines.append(f"{ui.label('project')}: {rule['project_id']}")
        lines.append(
            ui.label(
                "rule_acceleration",
                eligible=eligible,
                cap=fmt.money(rule.get("cap")),  # type: ignore[arg-type]
                amount=amount,
                kind=ui.label(kind),
            )
        )
        return lines
    if rule.get("policy_id"):
        until = fmt.day(rule["policy_valid_to"], lang) or ui.label("open_ended")  # type: ignore[arg-type]
        lines.append(
            f"{ui.label('policy')}: {rule['policy_id']} {rule['policy_name'] or ''} · "
            f"{ui.label('policy_valid')} {fmt.day(rule['policy_valid_from'], lang)} – {until}"  # type: ignore[arg-type]
        )
    else:
        lines.append(ui.label("no_policy"))
    rate = fmt.percent(rule.get("rate")) or ui.label("hidden_basic")  # type: ignore[arg-type]
    lines.append(ui.label("rule_base", eligible=eligible, rate=rate, amount=amount))
    return lines


def field_label(source: str, name: str, lang: str) -> str:
    """A landed column by the header partner-center exports give it in Chinese, and by its
    English name (either may head the file)."""
    zh = SOURCES[source].chinese_headers().get(name) if source in SOURCES else None
    return f"{zh} ({name})" if lang == "zh" and zh else name


def source_values(record: q.SourceRecord, lang: str) -> pl.DataFrame:
    """Field and value of the landed row, hidden fields said so."""
    return pl.DataFrame(
        {
            ui.label("field"): [field_label(record.source, name, lang) for name in record.values],
            ui.label("value"): [
                ui.label("hidden_basic") if name in record.hidden else _value(value, lang)
                for name, value in record.values.items()
            ],
        }
    )


def source_record_panel(
    con: duckdb.DuckDBPyConnection, viewer: q.Viewer, rows: pl.DataFrame, key: str
) -> None:
    """Pick one row of the page shown and see its source record and rule."""
    if rows.is_empty():
        return
    lang = ui.lang()
    labels = {row["transaction_id"]: row_label(row, lang) for row in rows.iter_rows(named=True)}
    chosen = st.selectbox(
        ui.label("choose_row"),
        list(labels),
        index=None,
        format_func=labels.get,
        placeholder=ui.label("choose"),
        key=key,
    )
    if chosen is None:
        return
    record = q.source_record(con, viewer, chosen)
    with st.container(border=True):
        st.subheader(f"{ui.label('source_record')} · {chosen}")
        if record is None or record.file is None:
            st.info(ui.label("no_source_record"))
            return
        st.markdown(
            f"**{ui.label('source_file')}**: `{record.file}`  \n"
            f"**{ui.label('source_row')}**: {fmt.number(record.row_number)}  \n"
            f"**{ui.label('source_drop_date')}**: {fmt.day(record.partition_date, lang)}"
        )
        left, right = st.columns(2)
        with left:
            st.markdown(f"**{ui.label('source_values')}**")
            st.dataframe(source_values(record, lang), hide_index=True, key=f"{key}_values")
        with right:
            st.markdown(f"**{ui.label('rule_applied')}**")
            st.markdown("\n".join(f"- {line}" for line in rule_lines(record, lang)))
