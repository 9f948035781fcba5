"""激励明细 / Incentive details: search, filters, live total, pages, export (S14)."""

import streamlit as st

from dashboards import drill, export, fmt, ui
from dashboards import queries as q
from dashboards.labels import t, value_label

COLUMNS = {
    "billing_period": ("reconciliation_period", "period"),
    "statement_id": ("statement_id", "text"),
    "transaction_type": ("transaction_type", "enum:transaction_type"),
    "order_no": ("order_no", "text"),
    "transaction_date": ("transaction_date", "date"),
    "customer_name": ("customer_name", "text"),
    "account_name": ("account_name", "text"),
    "reseller_name": ("reseller_name", "text"),
    "customer_manager_name": ("customer_manager", "text"),
    "product_type": ("product_type", "text"),
    "association_type": ("association_type", "enum:association_type"),
    "billing_mode": ("billing_mode", "enum:billing_mode"),
    "incentive_type": ("incentive_type", "enum:incentive_type"),
    "eligible_amount": ("eligible_amount", "money"),
    "rate": ("rate", "percent"),
    "incentive_amount": ("incentive_amount", "money"),
    "statement_status": ("status", "enum:status"),
}
EXPORT_COLUMNS = {
    **COLUMNS,
    "billing_period": ("reconciliation_period", "text"),
    "rate": ("rate", "text"),
}

lang, viewer, wh = ui.lang(), ui.viewer(), ui.warehouse()
st.title(ui.label("page_incentive_details"))
con = wh.cursor()
distributor = q.settlement_partner(con, viewer)
if distributor is not None:
    st.caption(ui.label("settled_to_distributor", name=distributor.partner_name))
options = q.incentive_detail_options(con, viewer)

search_col, in_col = st.columns([3, 1])
search_in = in_col.selectbox(
    ui.label("search_in"),
    list(q.SEARCH_FIELDS),
    format_func=lambda f: t(f"search_{f}", lang),
    key="details_search_in",
)
search = search_col.text_input(ui.label("search"), key="details_search", max_chars=200)
f1, f2, f3, f4 = st.columns(4)
years = f1.multiselect(
    ui.label("year"), options.years, placeholder=t("choose", lang), key="details_years"
)
periods = f2.multiselect(
    ui.label("reconciliation_period"),
    [p for p in options.periods if not years or int(p[:4]) in years],
    format_func=lambda p: fmt.period(p, lang),
    placeholder=t("choose", lang),
    key="details_periods",
)
products = f3.multiselect(
    ui.label("product_type"),
    options.product_types,
    placeholder=t("choose", lang),
    key="details_products",
)
statuses = f4.multiselect(
    ui.label("status"),
    options.statuses,
    format_func=lambda v: value_label("status", v, lang),
    placeholder=t("choose", lang),
    key="details_statuses",
)
f5, f6, _ = st.columns([1, 1, 2])
assoc = f5.multiselect(
    ui.label("association_type"),
    options.association_types,
    format_func=lambda v: value_label("association_type", v, lang),
    placeholder=t("choose", lang),
    key="details_assoc",
)
modes = f6.multiselect(
    ui.label("billing_mode"),
    options.billing_modes,
    format_func=lambda v: value_label("billing_mode", v, lang),
    placeholder=t("choose", lang),
    key="details_modes",
)

flt = q.DetailFilter(
    search=search,
    search_in=search_in,
    years=tuple(years),
    periods=tuple(periods),
    product_types=tuple(products),
    association_types=tuple(assoc),
    billing_modes=tuple(modes),
    statuses=tuple(statuses),
)
totals = q.incentive_details_totals(con, viewer, flt)
m1, m2 = st.columns(2)
m1.metric(ui.label("filtered_total"), fmt.money(totals.incentive_amount))
m2.metric(ui.label("filtered_rows"), fmt.number(totals.rows))
if totals.hidden_rows:
    st.caption(ui.label("basic_access_note"))

offset = ui.pager(totals.rows, key="details_page")
rows = q.incentive_details_page(con, viewer, flt, ui.PAGE_SIZE, offset, totals)
ui.table(rows, COLUMNS, key="details_table")
drill.source_record_panel(con, viewer, rows, key="details_source")

st.caption(ui.label("export_all_rows", n=fmt.number(totals.rows)))
if totals.rows >= export.EXCEL_SHEET_ROWS:
    sheets = export.excel_sheets(totals.rows)
    st.info(ui.label("export_excel_sheets", n=fmt.number(totals.rows), sheets=sheets))


def export_batches(wh=wh, viewer=viewer, flt=flt, lang=lang, totals=totals):
    """The selection's rows chunk by chunk, labelled; runs in the download's thread."""
    with wh.cursor() as cur:
        chunks = q.incentive_details_chunks(cur, viewer, flt, export.CHUNK_ROWS, totals)
        yield from ui.labelled_batches(chunks, EXPORT_COLUMNS, lang)


ui.streamed_download_buttons(export_batches, "incentive-details", key="details_export")
