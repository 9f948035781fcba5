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
    "detail_text": ("detail", "long_text"),
}


def show(resellers_customers: bool, key: str) -> None:
    counts = q.customer_warning_counts(con, viewer, resellers_customers)
    if counts.is_empty():
        st.info(ui.label("no_data"))
        return
    total = int(counts["warnings"].sum())
    st.caption(ui.label("warning_date_on", day=fmt.day(counts["warning_date"][0], lang)))
    fig = go.Figure()
    for category in counts["category"].unique(maintain_order=True):
        part = counts.filter(counts["category"] == category)
        fig.add_bar(
            x=[value_label("warning_type", v, lang) for v in part["warning_type"]],
            y=part["warnings"].to_list(),
            name=value_label("category", category, lang),
        )
    # Whole counts: a tick per warning while there are few, plotly's own ticks beyond.
    dtick = 1 if int(counts["warnings"].max()) <= 10 else None  # type: ignore[arg-type]
    fig.update_layout(title=ui.label("warnings_by_type"), yaxis={"dtick": dtick})
    ui.chart(fig, f"{key}_chart")
    st.metric(ui.label("rows"), fmt.number(total))
    offset = ui.pager(total, key=f"{key}_page")
    page = q.customer_warnings(con, viewer, resellers_customers, ui.PAGE_SIZE, offset)
    details = [ui.warning_detail(row, lang) for row in page.iter_rows(named=True)]
    ui.table(
        page.with_columns(pl.Series("detail_text", details, dtype=pl.String)),
        COLUMNS,
        key=f"{key}_table",
    )
    if resellers_customers:  # rule 7 hides their details: say so
        st.caption(ui.label("reseller_warnings_note"))


has_resellers = viewer.is_admin and not q.customer_warning_counts(con, viewer, True).is_empty()
if has_resellers:
    tab_own, tab_resellers = st.tabs(
        [ui.label("tab_own_warnings"), ui.label("tab_reseller_warnings")]
    )
    with tab_own:
        show(False, "warn_own")
    with tab_resellers:
        show(True, "warn_resellers")
else:
    show(False, "warn_own")
