"""对账 / Reconciliation: Huawei's incentive export against the rules, line by line, with
the statements' differences, a drill into each class and the dispute file (issue 16)."""

import duckdb
import streamlit as st

from dashboards import fmt, ui
from dashboards import queries as q
from dashboards import reconciliation as r
from dashboards.labels import value_label

lang, viewer = ui.lang(), ui.viewer()
st.title(ui.label("page_reconciliation"))
if not viewer.is_admin:
    st.info(ui.label("admin_only"))
    st.stop()
con = ui.warehouse().cursor()
distributor = q.settlement_partner(con, viewer)
if distributor is not None:  # a reseller: Huawei settles its customers with the distributor
    st.info(ui.label("statements_at_distributor", name=distributor.partner_name))
    st.stop()
try:
    statements = r.reconciliation_statements(con, viewer)
except duckdb.CatalogException:  # a copy published before the reconciliation existed
    st.info(ui.label("no_reconciliation"))
    st.stop()
if statements.is_empty():
    st.info(ui.label("no_reconciliation"))
    st.stop()
st.caption(ui.label("reconciliation_intro"))
ui.table(
    statements,
    {
        "billing_period": ("billing_period", "period"),
        "huawei_amount": ("huawei_amount", "money"),
        "warehouse_amount": ("warehouse_amount", "money"),
        "difference": ("difference", "money"),
        "disputable_amount": ("disputable_amount", "money"),
        "lines_matched": ("lines_matched", "int"),
        "lines_differing": ("lines_differing", "int"),
        "lines_disputable": ("lines_disputable", "int"),
        "huawei_status": ("huawei_status", "enum:status"),
    },
    key="reconciliation_statements",
)

periods = statements["billing_period"].to_list()
chosen = st.selectbox(
    ui.label("choose_period"),
    periods,
    format_func=lambda p: fmt.period(p, lang),
    key=f"reconciliation_period_{lang}",
)
row = statements.filter(statements["billing_period"] == chosen).row(0, named=True)
m1, m2, m3, m4 = st.columns(4)
m1.metric(ui.label("huawei_amount"), fmt.money(row["huawei_amount"]))
m2.metric(ui.label("warehouse_amount"), fmt.money(row["warehouse_amount"]))
m3.metric(ui.label("difference"), fmt.money(row["difference"]))
m4.metric(ui.label("disputable_amount"), fmt.money(row["disputable_amount"]))

LINE_COLUMNS = {
    "transaction_type": ("transaction_type", "enum:transaction_type"),
    "order_no": ("order_no", "text"),
    "resource_id": ("resource_id", "text"),
    "usage_date": ("usage_date", "date"),
    "project_id": ("project_id", "text"),
    "customer_name": ("customer_name", "text"),
    "product_type": ("product_type", "text"),
    "incentive_type": ("incentive_type", "enum:incentive_type"),
    "differing_component": ("differing_component", "enum:differing_component"),
    "huawei_amount": ("huawei_amount", "money"),
    "warehouse_amount": ("warehouse_amount", "money"),
    "difference": ("difference", "money"),
    "huawei_rate": ("huawei_rate", "percent"),
    "warehouse_rate": ("warehouse_rate", "percent"),
    "match_method": ("match_method", "enum:match_method"),
    "is_disputable": ("is_disputable", "bool"),
    "evidence": ("evidence", "text"),
}
counts = r.class_counts(con, viewer, chosen)
tabs = st.tabs(
    [
        ui.label(
            "lines_of_class",
            name=value_label("match_class", c, lang),
            count=fmt.number(counts.get(c, 0)),
        )
        for c in r.MATCH_CLASSES
    ]
)
for tab, match_class in zip(tabs, r.MATCH_CLASSES, strict=True):
    with tab:
        total = counts.get(match_class, 0)
        offset = ui.pager(total, key=f"reconciliation_page_{chosen}_{match_class}")
        page = r.lines_page(con, viewer, chosen, match_class, ui.PAGE_SIZE, offset)
        ui.table(
            page,
            LINE_COLUMNS,
            highlight="is_disputable",
            key=f"reconciliation_lines_{chosen}_{match_class}",
        )

st.subheader(ui.label("dispute_title"))
threshold = r.dispute_threshold(con)
st.caption(ui.label("dispute_note", threshold=fmt.money(threshold).lstrip("¥")))
disputable = r.disputable_lines(con, viewer, chosen)
if disputable.is_empty():
    st.info(ui.label("no_disputable"))
else:
    ui.table(disputable, LINE_COLUMNS, key=f"reconciliation_disputable_{chosen}")
    left, right = st.columns(2)
    basename = f"dispute_{viewer.partner_id}_{chosen}"
    left.download_button(
        ui.label("export_dispute_csv"),
        data=lambda: r.dispute_csv(disputable),
        file_name=f"{basename}.csv",
        mime="text/csv",
        key=f"dispute_csv_{chosen}",
        on_click="ignore",
    )
    right.download_button(
        ui.label("export_dispute_excel"),
        data=lambda: r.dispute_xlsx(disputable),
        file_name=f"{basename}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dispute_xlsx_{chosen}",
        on_click="ignore",
    )
