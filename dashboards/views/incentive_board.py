"""激励看板 / Incentive board: this year's trend, amounts by status, summary (S5)."""

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from dashboards import fmt, ui
from dashboards import queries as q
from dashboards.forecast_panel import show_forecast
from dashboards.labels import t, value_label

lang, viewer = ui.lang(), ui.viewer()
st.title(ui.label("page_incentive_board"))
con = ui.warehouse().cursor()

distributor = q.settlement_partner(con, viewer)
if distributor is not None:
    st.caption(ui.label("settled_to_distributor", name=distributor.partner_name))

years = q.board_years(con, viewer)
if not years:
    st.info(ui.label("no_data"))
    st.stop()
this_year = ui.as_of().year
people = q.board_people(con, viewer)
col_year, col_sup, col_cm = st.columns(3)
year = col_year.selectbox(
    ui.label("year"),
    years,
    index=years.index(this_year) if this_year in years else 0,
    key="board_year",
)
supervisors = people.select("supervisor_id", "supervisor_name").unique().drop_nulls("supervisor_id")
sup_names = ui.person_labels(
    dict(zip(supervisors["supervisor_id"], supervisors["supervisor_name"], strict=True))
)
supervisor_id = col_sup.selectbox(
    ui.label("supervisor"),
    [ui.ALL, *sorted(sup_names, key=sup_names.__getitem__)],
    format_func=lambda s: t("all", lang) if s == ui.ALL else sup_names[s],
    key="board_supervisor",
)
managers = (
    people.filter(True if supervisor_id == ui.ALL else people["supervisor_id"] == supervisor_id)
    .select("customer_manager_id", "customer_manager_name")
    .unique()
    .drop_nulls("customer_manager_id")
)
cm_names = ui.person_labels(
    dict(zip(managers["customer_manager_id"], managers["customer_manager_name"], strict=True))
)
manager_id = col_cm.selectbox(
    ui.label("customer_manager"),
    [ui.ALL, *sorted(cm_names, key=cm_names.__getitem__)],
    format_func=lambda s: t("all", lang) if s == ui.ALL else cm_names[s],
    key="board_manager",
)

trend = q.incentive_board_trend(con, viewer, year, supervisor_id, manager_id)
by_status = q.incentive_board_by_status(con, viewer, year, supervisor_id, manager_id)
summary = q.incentive_board_summary(con, viewer, year, supervisor_id, manager_id)

total = sum(trend["incentive_amount"].to_list()) if trend.height else 0
st.metric(ui.label("total_incentive"), fmt.money(total))

left, right = st.columns([3, 2])
with left:
    months = [f"{year}{m:02d}" for m in range(1, 13)]
    amounts = dict(zip(trend["billing_period"], trend["incentive_amount"], strict=True))
    values = [float(amounts.get(m, 0)) for m in months]
    fig = go.Figure(
        go.Scatter(
            x=[fmt.period(m, lang) for m in months],
            y=values,
            mode="lines+markers",
            text=[fmt.money(v) for v in values],
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(title=ui.label("trend_title", year=year))
    ui.money_axis(fig)
    ui.chart(fig, "board_trend")
with right:
    labels = [value_label("status", s, lang) for s in by_status["status"]]
    values = [float(v) for v in by_status["incentive_amount"]]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=values,
            text=[fmt.money(v) for v in values],
            textposition="auto",
            hovertemplate="%{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(title=ui.label("by_status_title"))
    ui.money_axis(fig)
    ui.chart(fig, "board_status")

st.subheader(ui.label("summary_title"))
staff_labels = ui.person_labels(
    {
        **dict(zip(people["supervisor_id"], people["supervisor_name"], strict=True)),
        **dict(zip(people["customer_manager_id"], people["customer_manager_name"], strict=True)),
    }
)
summary = summary.with_columns(
    pl.col(f"{who}_id")
    .replace_strict(staff_labels, default=pl.col(f"{who}_name"), return_dtype=pl.String)
    .alias(f"{who}_label")
    for who in ("supervisor", "customer_manager")
)
ui.table(
    summary,
    {
        "supervisor_label": ("supervisor", "text"),
        "customer_manager_label": ("customer_manager", "text"),
        "estimated": ("value:status:estimated", "money"),
        "pending_confirmation": ("value:status:pending_confirmation", "money"),
        "issuing": ("value:status:issuing", "money"),
        "issued": ("value:status:issued", "money"),
        "incentive_amount": ("incentive_amount", "money"),
    },
    key="board_summary",
)

show_forecast(con, viewer)
