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
distributor = q.settlement_partner(con, viewer)
if not periods and distributor is not None:  # a reseller: its customers count for the distributor
    st.info(ui.label("indicators_at_distributor", name=distributor.partner_name))
    st.stop()
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
COLUMNS = {
    f"indicator_name_{lang}": ("indicator_name", "text"),
    f"statistical_method_{lang}": ("statistical_method", "text"),
    f"statistical_period_{lang}": ("statistical_period", "text"),
    "reconciliation_period": ("reconciliation_period", "period"),
    "indicator_value": ("indicator_value", "measure:unit"),
}
ui.table(frame, COLUMNS, key="indicators_table")

export_columns = {**COLUMNS, "reconciliation_period": ("reconciliation_period", "text")}


def make_export(wh=wh, viewer=viewer, chosen=tuple(chosen), lang=lang):
    with wh.cursor() as cur:
        return ui.export_frame(q.indicators(cur, viewer, chosen), export_columns, lang)


ui.download_buttons(make_export, "indicators", key="indicators_export")

history = q.indicators(con, viewer)
name_col = f"indicator_name_{lang}"
codes = history.select("indicator_code", name_col, "unit").unique(maintain_order=True)
names = dict(zip(codes["indicator_code"], codes[name_col], strict=True))
units = dict(zip(codes["indicator_code"], codes["unit"], strict=True))
code = st.selectbox(
    ui.label("indicator"), list(names), format_func=names.get, key="indicator_chart_code"
)
series = history.filter(history["indicator_code"] == code).sort("reconciliation_period")
# The months before the indicator's first value are the partner's history before anything
# it counts had happened (an old association starts the spine): the chart starts at the first.
series = series.filter((series["indicator_value"] != 0).cum_max())
if series.is_empty():
    st.info(ui.label("no_data"))
    st.stop()
values = [float(v) for v in series["indicator_value"]]
fig = go.Figure(
    go.Bar(
        x=[fmt.period(p, lang) for p in series["reconciliation_period"]],
        y=values,
        text=[ui.cell_text(v, "measure", lang, units[code]) for v in series["indicator_value"]],
        textposition="auto",
    )
)
fig.update_layout(title=names[code])
if units[code] == "cny":
    ui.money_axis(fig)
else:
    fig.update_layout(yaxis={"tickformat": ",d", "rangemode": "tozero"})
ui.chart(fig, "indicator_chart")
