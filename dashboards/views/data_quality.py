"""数据质量 / Data quality: files loaded, quarantined and withdrawn per source and drop date,
quarantined rows with their reasons and raw values, rejected association events; export.
Partner admins only (the menu of staff does not list it; the queries return no rows to
them either)."""

import polars as pl
import streamlit as st

from dashboards import fmt, ui
from dashboards import queries as q
from dashboards.labels import value_label
from dashboards.reasons import (
    columns_text,
    not_loaded_reason,
    quarantine_reason,
    rejection_reason,
)

# A broken export can quarantine every row of a big file: the page shows the newest rows,
# the export holds them all.
SHOWN_ROWS = 1000

lang, viewer, wh = ui.lang(), ui.viewer(), ui.warehouse()
st.title(ui.label("page_data_quality"))
if not viewer.is_admin:
    st.info(ui.label("admin_only"))
    st.stop()
st.caption(ui.label("data_quality_intro"))
con = wh.cursor()

by_day = q.file_loads_by_day(con, viewer)
rejected = q.rejected_associations(con, viewer)
sources = sorted(set(by_day["source"].to_list()))
chosen = st.multiselect(
    ui.label("source"),
    sources,
    format_func=lambda s: value_label("source", s, lang),
    placeholder=ui.label("all"),
    key="dq_sources",
)
shown_days = by_day.filter(pl.col("source").is_in(chosen)) if chosen else by_day

m1, m2, m3, m4 = st.columns(4)
m1.metric(ui.label("files_loaded"), fmt.number(shown_days["files_loaded"].sum()))
m2.metric(ui.label("files_quarantined"), fmt.number(shown_days["files_quarantined"].sum()))
m3.metric(ui.label("rows_quarantined"), fmt.number(shown_days["rows_quarantined"].sum()))
m4.metric(ui.label("rejected_events"), fmt.number(rejected.height))

DAY_COLUMNS = {
    "partition_date": ("drop_date", "date"),
    "source": ("source", "enum:source"),
    "files_loaded": ("files_loaded", "int"),
    "files_quarantined": ("files_quarantined", "int"),
    "files_withdrawn": ("files_withdrawn", "int"),
    "rows_landed": ("rows_landed", "int"),
    "rows_loaded": ("rows_loaded", "int"),
    "rows_quarantined": ("rows_quarantined", "int"),
}
QUARANTINE_COLUMNS = {
    "partition_date": ("drop_date", "date"),
    "source": ("source", "enum:source"),
    # the reason before the (long) file path: a wide table would scroll it out of sight
    "reason_text": ("reason", "long_text"),
    "row_number": ("row_number", "int"),
    "column_text": ("column_name", "text"),
    "file": ("file", "text"),
    "raw_record": ("raw_record", "long_text"),
}
REJECTED_COLUMNS = {
    "event_time": ("event_time", "datetime"),
    "event_id": ("event_id", "text"),
    "customer_id": ("customer_id", "text"),
    "customer_name": ("customer_name", "text"),
    # the reason before the event's attributes: a wide table would scroll it out of sight
    "rejection_text": ("rejection_reason", "long_text"),
    "event_type": ("event_type", "enum:event_type"),
    "association_type": ("association_type", "enum:association_type"),
    "invitation_channel": ("invitation_channel", "enum:invitation_channel"),
    "customer_manager_name": ("customer_manager", "text"),
}


def with_reasons_worded(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Quarantined rows with `reason_text` and `column_text`: their reasons and columns in
    the reader's language."""
    rows = list(frame.iter_rows(named=True))
    worded = [quarantine_reason(row, lang) for row in rows]
    columns = [columns_text(row["source"], row["column_name"], lang) for row in rows]
    return frame.with_columns(
        pl.Series("reason_text", worded, dtype=pl.String),
        pl.Series("column_text", columns, dtype=pl.String),
    )


def with_rejections_worded(frame: pl.DataFrame, lang: str) -> pl.DataFrame:
    """Rejected events with `rejection_text`: the rejection in the reader's language."""
    worded = [rejection_reason(row, lang) for row in frame.iter_rows(named=True)]
    return frame.with_columns(pl.Series("rejection_text", worded, dtype=pl.String))


rejected = with_rejections_worded(rejected, lang)


def make_days_export(frame=shown_days, lang=lang):
    return ui.export_frame(frame, DAY_COLUMNS, lang)


def make_quarantine_export(wh=wh, viewer=viewer, chosen=tuple(chosen), lang=lang):
    with wh.cursor() as cur:
        rows = with_reasons_worded(q.quarantined_rows(cur, viewer, chosen), lang)
        return ui.export_frame(rows, QUARANTINE_COLUMNS, lang)


def make_rejected_export(frame=rejected, lang=lang):
    return ui.export_frame(frame, REJECTED_COLUMNS, lang)


st.subheader(ui.label("dq_files_by_day"))
ui.table(shown_days, DAY_COLUMNS, key="dq_days_table")
ui.download_buttons(make_days_export, "files_by_day", key="dq_days_export")

st.subheader(ui.label("dq_quarantined_rows"))
quarantined = q.quarantined_rows(con, viewer, tuple(chosen))
if quarantined.height > SHOWN_ROWS:
    st.caption(
        ui.label(
            "dq_rows_shown", shown=fmt.number(SHOWN_ROWS), total=fmt.number(quarantined.height)
        )
    )
ui.table(
    with_reasons_worded(quarantined.head(SHOWN_ROWS), lang),
    QUARANTINE_COLUMNS,
    key="dq_quarantine_table",
)
ui.download_buttons(make_quarantine_export, "quarantined_rows", key="dq_quarantine_export")

st.subheader(ui.label("dq_rejected_associations"))
ui.table(rejected, REJECTED_COLUMNS, key="dq_rejected_table")
ui.download_buttons(make_rejected_export, "rejected_associations", key="dq_rejected_export")

st.subheader(ui.label("dq_files_not_loaded"))
not_loaded = q.files_not_loaded(con, viewer)
if not_loaded.is_empty():
    st.caption(ui.label("dq_nothing"))
else:
    worded = [not_loaded_reason(row, lang) for row in not_loaded.iter_rows(named=True)]
    ui.table(
        not_loaded.with_columns(pl.Series("reason_text", worded, dtype=pl.String)),
        {"file": ("file", "text"), "reason_text": ("reason", "long_text")},
        key="dq_not_loaded_table",
    )

st.subheader(ui.label("dq_withdrawn_files"))
withdrawn = q.withdrawn_files(con, viewer)
if withdrawn.is_empty():
    st.caption(ui.label("dq_nothing"))
else:
    ui.table(
        withdrawn,
        {
            "withdrawn_at": ("withdrawn_at", "datetime"),
            "partition_date": ("drop_date", "date"),
            "source": ("source", "enum:source"),
            "file": ("file", "text"),
            "reason": ("withdrawal_reason", "enum:withdrawal_reason"),
            "rows_withdrawn": ("rows_withdrawn", "int"),
        },
        key="dq_withdrawn_table",
    )
