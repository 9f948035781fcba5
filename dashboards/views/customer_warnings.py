"""客户预警 / Customer warnings: by category and type, owner, since when (S2)."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards import fmt, ui
from dashboards import queries as q
from dashboards.labels import value_label

lang, viewer = ui.lang(), ui.viewer()
st.title(ui.label("page_customer_warnings"))
con = ui.warehouse().cursor()
COLUMNS = {
    "category": ("category", "enum:category"),
    "warning_type": ("warning_type", "enum:warning_type"),
    "severity": ("severity", "enum:severity"),
    "customer_name": ("customer_name", "text"),
    "assignee_name": ("assignee", "text"),
    "first_seen": ("first_seen", "date"),
    "detail": ("detail", "text"),
}


def show(frame: pl.DataFrame, key: str) -> None:
    if frame.is_empty():
        st.info(ui.label("no_data"))
        return
    st.caption(f"{ui.label('warning_date')}: {fmt.day(frame['warning_date'][0], lang)}")
    counts = frame.group_by("category", "warning_type").len().sort("category", "warning_type")
    fig = go.Figure()
    for category in counts["category"].unique(maintain_order=True):
        part = counts.filter(counts["category"] == category)
        fig.add_bar(
            x=[value_label("warning_type", v, lang) for v in part["warning_type"]],
            y=part["len"].to_list(),
            name=value_label("category", category, lang),
        )
    fig.update_layout(title=ui.label("warnings_by_type"), yaxis={"dtick": 1})
    ui.chart(fig, f"{key}_chart")
    ui.table(frame, COLUMNS, key=f"{key}_table")


own = q.customer_warnings(con, viewer)
resellers = q.customer_warnings(con, viewer, resellers_customers=True)
if viewer.is_admin and not resellers.is_empty():
    tab_own, tab_resellers = st.tabs(
        [ui.label("tab_own_warnings"), ui.label("tab_reseller_warnings")]
    )
    with tab_own:
        show(own, "warn_own")
    with tab_resellers:
        show(resellers, "warn_resellers")
else:
    show(own, "warn_own")
