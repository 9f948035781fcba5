"""The forecast of the open billing period and the next (pipelines/forecast.py), shown apart
from the actual figures and labelled as a forecast: on the statements page and the board."""

from __future__ import annotations

import logging

import duckdb
import polars as pl
import streamlit as st

from dashboards import fmt, ui
from dashboards.labels import value_label
from dashboards.queries import Viewer
from pipelines.forecast import backtest, backtest_summary, published_forecast

log = logging.getLogger("dashboards.forecast")


@st.cache_data(show_spinner=False, max_entries=4)
def _forecast(warehouse_name: str, _con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return published_forecast(_con)


@st.cache_data(show_spinner=False, max_entries=4)
def _backtest(warehouse_name: str, _con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return backtest_summary(backtest(_con))


def backtest_text(summary: pl.DataFrame, partner_id: str, lang: str) -> str:
    """The partner's backtest MAPE by horizon in one line ("-" when history is too short)."""
    rows = summary.filter(pl.col("partner_id") == partner_id)
    if rows.is_empty():
        return "-"
    return "; ".join(
        f"{value_label('forecast_horizon', r['horizon'], lang)} {r['mape_pct']}%"
        for r in rows.iter_rows(named=True)
    )


def show_forecast(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> None:
    """The settlement partner's forecast (a partner admin's view: it is a partner figure)."""
    if not viewer.is_admin:
        return
    name = str(ui.warehouse().path)
    try:
        rows = _forecast(name, con).filter(pl.col("partner_id") == viewer.partner_id)
    except duckdb.CatalogException:
        # A copy without the rated transactions (one published before them): no forecast.
        log.warning("no forecast: the published copy %s lacks the rated transactions", name)
        return
    if rows.is_empty():
        return
    st.subheader(ui.label("forecast_title"))
    lang = ui.lang()
    columns = st.columns(rows.height)
    for column, row, key in zip(
        columns, rows.iter_rows(named=True), ("forecast_open", "forecast_next"), strict=False
    ):
        column.metric(
            f"{ui.label(key)} · {fmt.period(row['billing_period'], lang)}",
            fmt.money(row["forecast"]),
        )
        column.caption(
            f"{ui.label('forecast_low')} {fmt.money(row['low'])} · "
            f"{ui.label('forecast_high')} {fmt.money(row['high'])} · "
            f"{ui.label('forecast_actual_to_date')} {fmt.money(row['actual_to_date'])}"
        )
    summary = _backtest(name, con)
    st.caption(
        ui.label(
            "forecast_note",
            day=fmt.day(ui.as_of(), lang),
            backtest=backtest_text(summary, viewer.partner_id, lang),
        )
    )
