"""指标信息 / Indicators: catalog values by reconciliation period, export (S10)."""

import plotly.graph_objects as go
import streamlit as st

from dashboards import fmt, ui
from dashboards import queries as q

lang, viewer, wh = ui.lang(), ui.viewer(), ui.warehouse()
st.title(ui.label("page_indicators"))
if not viewer.is_admin:
    st.info(ui.label("admin_only"))
    st.stop()
con = wh.cursor()
periods = q.indicator_periods(con, viewer)
if not periods:
    st.info(ui.label("no_data"))
    st.stop()
chosen = st.multiselect(
    ui.label("reconciliation_period"),
    periods,
    default=periods[:1],
    format_func=lambda p: fmt.period(p, lang),
    key="indicator_periods",
)
frame = q.indicators(con, viewer, tuple(chosen))
name_col = "indicator_name_zh" if lang == "zh" else "indicator_name_en"
COLUMNS = {
    name_col: ("indicator_name", "text"),
    "statistical_method": ("statistical_method", "enum:statistical_method"),
    "statistical_period": ("statistical_period", "enum:statistical_period"),
    "reconciliation_period": ("reconciliation_period", "period"),
    "indicator_value": ("indicator_value", "value"),
}
ui.table(frame, COLUMNS, key="indicators_table")

export_columns = {**COLUMNS, "reconciliation_period": ("reconciliation_period", "text")}


def make_export(wh=wh, viewer=viewer, chosen=tuple(chosen), lang=lang):
    with wh.cursor() as cur:
        return ui.export_frame(q.indicators(cur, viewer, chosen), export_columns, lang)


ui.download_buttons(make_export, "indicators", key="indicators_export")

history = q.indicators(con, viewer)
codes = (
    history.select("indicator_code", name_col).unique(maintain_order=True).sort("indicator_code")
)
names = dict(zip(codes["indicator_code"], codes[name_col], strict=True))
code = st.selectbox(
    ui.label("indicator"), list(names), format_func=names.get, key="indicator_chart_code"
)
series = history.filter(history["indicator_code"] == code).sort("reconciliation_period")
fig = go.Figure(
    go.Bar(
        x=[fmt.period(p, lang) for p in series["reconciliation_period"]],
        y=[float(v) for v in series["indicator_value"]],
        text=[fmt.number(v, 2) for v in series["indicator_value"]],
        textposition="auto",
    )
)
fig.update_layout(title=names[code], yaxis={"tickformat": ",.0f"})
ui.chart(fig, "indicator_chart")
