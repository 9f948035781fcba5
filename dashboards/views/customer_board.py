"""客户看板 / Customer board: counts, new and disassociated, revenue, breakdowns (S8)."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards import fmt, ui
from dashboards import queries as q
from dashboards.labels import t, value_label

lang, viewer = ui.lang(), ui.viewer()
st.title(ui.label("page_customer_board"))
con = ui.warehouse().cursor()
grain = st.radio(
    ui.label("grain"),
    ["month", "day"],
    horizontal=True,
    format_func=lambda g: t(f"grain_{g}", lang),
    key="board_grain",
)
board = q.customer_board(con, viewer, grain)
if board.is_empty():
    st.info(ui.label("no_data"))
    st.stop()

last = board.row(-1, named=True)
m1, m2, m3, m4 = st.columns(4)
m1.metric(ui.label("customers_at_end"), fmt.number(last["customers_at_end"]))
m2.metric(ui.label("new_associated"), fmt.number(last["new_associated"]))
m3.metric(ui.label("disassociated"), fmt.number(last["disassociated"]))
m4.metric(ui.label("contributed_revenue"), fmt.money(last["contributed_revenue"]))


def x_label(p):
    return fmt.period(p, lang) if grain == "month" else fmt.day(p, lang)


xs = [x_label(p) for p in board["period"]]
left, right = st.columns(2)
with left:
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=board["customers_at_end"].to_list(),
            mode="lines+markers",
            name=ui.label("customers_at_end"),
        )
    )
    fig.update_layout(
        title=ui.label("customers_over_time"), yaxis={"tickformat": ",d", "rangemode": "tozero"}
    )
    ui.chart(fig, "cb_count")
with right:
    fig = go.Figure(
        [
            go.Bar(x=xs, y=board["new_associated"].to_list(), name=ui.label("new_associated")),
            go.Bar(
                x=xs,
                y=[-v for v in board["disassociated"].to_list()],
                name=ui.label("disassociated"),
            ),
        ]
    )
    # A tick per customer keeps small counts whole; beyond ten it crowds the axis.
    largest = max([0, *board["new_associated"].to_list(), *board["disassociated"].to_list()])
    fig.update_layout(
        title=ui.label("new_and_disassociated"),
        barmode="relative",
        yaxis={"tickformat": ",d", "dtick": 1 if largest <= 10 else None},
    )
    ui.chart(fig, "cb_flow")
# Revenue starts with the first period that has any (months of associations before the
# first transaction would be a row of empty bars).
earning = board["contributed_revenue"] != 0
first = earning.arg_true()[0] if earning.any() else 0
revenue = [float(v) for v in board["contributed_revenue"][first:]]
fig = go.Figure(
    go.Bar(
        x=xs[first:],
        y=revenue,
        text=[fmt.money(v) for v in revenue],
        textposition="auto",
        hovertemplate="%{x}: %{text}<extra></extra>",
    )
)
fig.update_layout(title=ui.label("revenue_over_time"))
ui.money_axis(fig)
ui.chart(fig, "cb_revenue")

ui.table(
    board.sort("period", descending=True),
    {
        "period": ("period", "period" if grain == "month" else "date"),
        "customers_at_end": ("customers_at_end", "int"),
        "new_associated": ("new_associated", "int"),
        "disassociated": ("disassociated", "int"),
        "contributed_revenue": ("contributed_revenue", "money"),
    },
    key="cb_table",
)

st.subheader(ui.label("breakdown"))
dimensions = list(q.BOARD_DIMENSIONS) if viewer.is_admin else ["customer_manager"]
d1, d2 = st.columns(2)
dimension = d1.selectbox(
    ui.label("dimension"), dimensions, format_func=lambda d: t(f"dim_{d}", lang), key="cb_dimension"
)
periods = board["period"].to_list()[::-1]
period = d2.selectbox(ui.label("period"), periods, format_func=x_label, key="cb_period")
parts = q.customer_board_breakdown(con, viewer, grain, dimension, period)
if parts.is_empty():
    st.info(ui.label("no_data"))
else:
    kind = dimension if dimension != "customer_manager" else None
    if kind:
        names = [value_label(kind, v, lang) for v in parts["dimension_value"]]
    else:  # keyed by id: namesake managers get their id beside the name
        labels = ui.person_labels(
            dict(zip(parts["dimension_key"], parts["dimension_value"], strict=True))
        )
        names = [labels[k] for k in parts["dimension_key"]]
    parts = parts.with_columns(pl.Series("dimension_label", names))
    left, right = st.columns(2)
    with left:
        fig = go.Figure(go.Pie(labels=names, values=parts["customers_at_end"].to_list(), hole=0.4))
        fig.update_layout(title=ui.label("customers_at_end"))
        ui.chart(fig, "cb_pie")
    with right:
        values = [float(v) for v in parts["contributed_revenue"]]
        fig = go.Figure(
            go.Bar(x=names, y=values, text=[fmt.money(v) for v in values], textposition="auto")
        )
        fig.update_layout(title=ui.label("contributed_revenue"))
        ui.money_axis(fig)
        ui.chart(fig, "cb_dim_revenue")
    ui.table(
        parts,
        {
            "dimension_label": ("dimension_value", "text"),
            "customers_at_end": ("customers_at_end", "int"),
            "new_associated": ("new_associated", "int"),
            "disassociated": ("disassociated", "int"),
            "contributed_revenue": ("contributed_revenue", "money"),
        },
        key="cb_breakdown",
    )
