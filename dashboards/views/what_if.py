"""政策模拟 / Policy what-if: the actual incentive beside the incentive under an edited policy
library, per billing period, product type and customer manager (issue 17).

The scenario is rated by the dbt macro that rates the warehouse (pipelines/what_if.py); it
is computed for this page and never written into the warehouse. A partner figure: partner
admins of a settlement partner only. Scenarios are kept by name for the session, exported
as a policy file (the incentive_policies landing format) and loaded back from one.
"""

import io

import duckdb
import polars as pl
import streamlit as st

from contract.sources import ASSOCIATION_TYPES, PARTNER_TYPES
from dashboards import fmt, ui
from dashboards import queries as q
from dashboards.labels import t, value_label
from dashboards.reasons import scenario_problem
from pipelines.what_if import (
    POLICIES,
    ScenarioError,
    actual_policies,
    scenario_from_file_bytes,
    scenario_from_frame,
    what_if,
)

SAVED = "what_if_saved_scenarios"
EDITOR_COLUMNS = {
    "policy_id": "what_if_policy_id",
    "policy_name": "what_if_policy_name",
    "partner_type": "what_if_partner_type",
    "association_type": "what_if_association_type",
    "product_type": "product_type",
    "rate": "what_if_rate",
    "valid_from": "what_if_valid_from",
    "valid_to": "what_if_valid_to",
}

# The dates of the editor as the tables write them (moment.js formats).
DATE_FORMATS = {"zh": "YYYY年M月D日", "en": "D MMM YYYY"}


def editor_columns(lang: str) -> dict[str, object]:
    """The typed columns of the policy editor, worded and formatted like the tables: enum
    values picked by their label (stored as their code), rates as percentages."""
    enums = {
        "partner_type": (list(PARTNER_TYPES.values()), "partner_type"),
        "association_type": (list(ASSOCIATION_TYPES.values()), "association_type"),
    }
    config: dict[str, object] = {
        name: st.column_config.SelectboxColumn(
            t(EDITOR_COLUMNS[name], lang),
            options=options,
            format_func=lambda v, kind=kind: value_label(kind, v, lang),
        )
        for name, (options, kind) in enums.items()
    }
    config["rate"] = st.column_config.NumberColumn(
        t("what_if_rate", lang), format="percent", min_value=0, max_value=1
    )
    for name in ("valid_from", "valid_to"):
        config[name] = st.column_config.DateColumn(
            t(EDITOR_COLUMNS[name], lang), format=DATE_FORMATS[lang]
        )
    return config


lang, viewer = ui.lang(), ui.viewer()
st.title(ui.label("page_what_if"))
if not viewer.is_admin:
    st.info(ui.label("admin_only"))
    st.stop()
con = ui.warehouse().cursor()
distributor = q.settlement_partner(con, viewer)
if distributor is not None:  # a reseller: its customers' incentive settles to the distributor
    st.info(ui.label("statements_at_distributor", name=distributor.partner_name))
    st.stop()
st.caption(ui.label("what_if_intro"))

saved: dict[str, pl.DataFrame] = st.session_state.setdefault(SAVED, {})
actual_name = t("what_if_actual_library", lang)
col_load, col_upload = st.columns(2)
chosen = col_load.selectbox(
    ui.label("what_if_load"), [actual_name, *sorted(saved)], key="what_if_chosen"
)
uploaded = col_upload.file_uploader(ui.label("what_if_upload"), type=["csv"], key="what_if_file")
try:
    if uploaded is not None:
        start = scenario_from_file_bytes(uploaded.getvalue(), uploaded.name)
    elif chosen in saved:
        start = saved[chosen]
    else:
        start = actual_policies(con)
except duckdb.CatalogException:
    st.info(ui.label("no_data"))  # a copy published without the policy library
    st.stop()
except ScenarioError as exc:
    st.error(ui.label("what_if_invalid", reason=scenario_problem(exc, lang)))
    st.stop()

st.subheader(ui.label("what_if_policies"))
edited = st.data_editor(
    start.with_columns(pl.col("rate").cast(pl.Float64)).to_pandas(),
    num_rows="dynamic",
    hide_index=True,
    column_config={
        name: st.column_config.Column(t(key, lang)) for name, key in EDITOR_COLUMNS.items()
    }
    | editor_columns(lang),
    key=f"what_if_editor_{chosen}_{uploaded.name if uploaded else ''}",
)
try:
    scenario = scenario_from_frame(
        pl.from_pandas(edited).with_columns(
            pl.col("rate").map_elements(lambda v: f"{v:.6f}", return_dtype=pl.String),
            pl.col("valid_from", "valid_to").cast(pl.String),
        )
    )
except ScenarioError as exc:
    st.error(ui.label("what_if_invalid", reason=scenario_problem(exc, lang)))
    st.stop()

col_name, col_save, col_export = st.columns([2, 1, 1])
name = col_name.text_input(ui.label("what_if_name"), key="what_if_name").strip()
if col_save.button(ui.label("what_if_save"), disabled=not name, key="what_if_save"):
    saved[name] = scenario
    st.success(ui.label("what_if_saved", name=name))
buffer = io.BytesIO()
scenario.select(POLICIES.columns).write_csv(buffer)
col_export.download_button(
    ui.label("what_if_export"),
    buffer.getvalue(),
    file_name=f"incentive_policies_{name or 'scenario'}.csv",
    mime="text/csv",
    key="what_if_export",
)

# One evaluation at the finest grain the page shows; the three views are sums of it.
try:
    detail = what_if(
        con, scenario, ("product_type", "customer_manager_id"), partner_id=viewer.partner_id
    ).with_columns((pl.col("scenario_incentive") - pl.col("actual_incentive")).alias("difference"))
except duckdb.CatalogException:
    detail = pl.DataFrame()  # a copy published without the rated transactions
if detail.is_empty():
    st.info(ui.label("no_data"))
    st.stop()
money = ("actual_incentive", "scenario_incentive", "difference")
m1, m2, m3 = st.columns(3)
for column, key, field in zip(
    (m1, m2, m3), ("what_if_actual", "what_if_scenario", "what_if_difference"), money, strict=True
):
    column.metric(ui.label(key), fmt.money(detail[field].sum()))
amounts = {
    "actual_incentive": ("what_if_actual", "money"),
    "scenario_incentive": ("what_if_scenario", "money"),
    "difference": ("what_if_difference", "money"),
}


def summed(by: str) -> pl.DataFrame:
    return detail.group_by(by).agg(pl.col(money).sum()).sort(by, descending=by == "billing_period")


st.subheader(ui.label("what_if_by_period"))
ui.table(
    summed("billing_period"),
    {"billing_period": ("billing_period", "period"), **amounts},
    key="what_if_periods",
)
st.subheader(ui.label("what_if_by_product"))
# Acceleration rows have no product type: they are named by their incentive type.
products = summed("product_type").with_columns(
    pl.col("product_type").fill_null(value_label("incentive_type", "acceleration", lang))
)
ui.table(products, {"product_type": ("product_type", "text"), **amounts}, key="wi_prod")
st.subheader(ui.label("what_if_by_manager"))
names = dict(con.execute("select staff_id, staff_name from marts.staff_directory").fetchall())
managers = summed("customer_manager_id").with_columns(
    pl.col("customer_manager_id")
    .replace_strict(names, default=pl.col("customer_manager_id"), return_dtype=pl.String)
    .alias("customer_manager")
)
ui.table(managers, {"customer_manager": ("customer_manager", "text"), **amounts}, key="wi_managers")
