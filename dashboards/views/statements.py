"""激励账单 / Incentive statements: status, invoice, due date, overdue, drill-down (S1, T9)."""

import streamlit as st

from dashboards import drill, fmt, ui
from dashboards import queries as q
from dashboards.forecast_panel import show_forecast
from dashboards.labels import value_label

lang, viewer = ui.lang(), ui.viewer()
st.title(ui.label("page_statements"))
if not viewer.is_admin:
    st.info(ui.label("admin_only"))
    st.stop()
con = ui.warehouse().cursor()
distributor = q.settlement_partner(con, viewer)
if distributor is not None:  # a reseller: Huawei settles its customers with the distributor
    st.info(ui.label("statements_at_distributor", name=distributor.partner_name))
    st.stop()
statements = q.incentive_statements(con, viewer)
if statements.is_empty():
    st.info(ui.label("no_data"))
    st.stop()

overdue = statements.filter(statements["is_overdue"])
m1, m2 = st.columns(2)
m1.metric(ui.label("total_incentive"), fmt.money(sum(statements["incentive_amount"].to_list())))
m2.metric(ui.label("overdue_count"), fmt.number(overdue.height))
show_forecast(con, viewer)
ui.table(
    statements,
    {
        "statement_id": ("statement_id", "text"),
        "billing_period": ("billing_period", "period"),
        "incentive_amount": ("incentive_amount", "money"),
        "status": ("status", "enum:status"),
        "generated_at": ("generated_at", "datetime"),
        "confirmed_at": ("confirmed_at", "datetime"),
        "invoice_received_at": ("invoice_received_at", "datetime"),
        "payment_due_date": ("payment_due_date", "date"),
        "paid_at": ("paid_at", "datetime"),
        "is_overdue": ("is_overdue", "bool"),
        "detail_rows": ("detail_rows", "int"),
    },
    highlight="is_overdue",
    key="statements_table",
)

st.subheader(ui.label("drill_down"))
ids = statements["statement_id"].to_list()
labels = {
    row["statement_id"]: f"{row['statement_id']} · {fmt.period(row['billing_period'], lang)} · "
    f"{value_label('status', row['status'], lang)} · {fmt.money(row['incentive_amount'])}"
    for row in statements.iter_rows(named=True)
}
chosen = st.selectbox(
    ui.label("choose_statement"), ids, format_func=labels.get, key="statement_choice"
)
flt = q.DetailFilter(statement_id=chosen)
totals = q.incentive_details_totals(con, viewer, flt)
m1, m2 = st.columns(2)
m1.metric(ui.label("incentive_amount"), fmt.money(totals.incentive_amount))
m2.metric(ui.label("detail_rows"), fmt.number(totals.rows))
if totals.hidden_rows:
    st.caption(ui.label("basic_access_note"))
offset = ui.pager(totals.rows, key=f"statement_page_{chosen}")
rows = q.incentive_details_page(con, viewer, flt, ui.PAGE_SIZE, offset, totals)
ui.table(
    rows,
    {
        "transaction_id": ("transaction_id", "text"),
        "transaction_type": ("transaction_type", "enum:transaction_type"),
        "order_no": ("order_no", "text"),
        "transaction_date": ("transaction_date", "date"),
        "customer_name": ("customer_name", "text"),
        "reseller_name": ("reseller_name", "text"),
        "customer_manager_name": ("customer_manager", "text"),
        "product_type": ("product_type", "text"),
        "incentive_type": ("incentive_type", "enum:incentive_type"),
        "eligible_amount": ("eligible_amount", "money"),
        "rate": ("rate", "percent"),
        "incentive_amount": ("incentive_amount", "money"),
    },
    key="statement_details",
)
drill.source_record_panel(con, viewer, rows, key=f"statement_source_{chosen}")
