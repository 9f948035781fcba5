"""子客户与资源 / Sub-customers (S12) and customer resources (S15), expiring soon first."""

import streamlit as st

from dashboards import fmt, ui
from dashboards import queries as q

lang, viewer = ui.lang(), ui.viewer()
st.title(ui.label("page_sub_customers"))
con = ui.warehouse().cursor()
tab_customers, tab_resources = st.tabs([ui.label("sub_customers"), ui.label("customer_resources")])
with tab_customers:
    customers = q.sub_customers_count(con, viewer)
    st.metric(ui.label("rows"), fmt.number(customers))
    offset = ui.pager(customers, key="subs_page")
    page = q.sub_customers(con, viewer, ui.PAGE_SIZE, offset)
    ui.table(
        page,
        {
            "customer_name": ("customer_name", "text"),
            "account_name": ("account_name", "text"),
            "association_type": ("association_type", "enum:association_type"),
            "owner_partner_name": ("owner_partner", "text"),
            "is_own_customer": ("own_customer", "bool"),
            "associated_at": ("associated_at", "datetime"),
            "industry": ("industry", "enum:industry"),
            "region": ("region", "enum:region"),
            "credit_limit": ("credit_limit", "money"),
            "discount_rate": ("discount_rate", "percent"),
            "available_balance": ("available_balance", "money"),
        },
        key="subs_table",
    )
    if not page.is_empty() and not page["is_full_access"].all():  # say why cells are empty
        st.caption(ui.label("sub_customers_basic_note"))
with tab_resources:
    count = q.customer_resources_count(con, viewer)
    st.metric(ui.label("rows"), fmt.number(count))
    offset = ui.pager(count, key="resources_page")
    ui.table(
        q.customer_resources(con, viewer, ui.PAGE_SIZE, offset),
        {
            "customer_name": ("customer_name", "text"),
            "resource_id": ("resource_id", "text"),
            "product_type": ("product_type", "text"),
            "billing_mode": ("billing_mode", "enum:billing_mode"),
            "start_date": ("start_date", "date"),
            "expire_date": ("expire_date", "date"),
            "days_to_expiry": ("days_to_expiry", "int"),
            "status": ("status", "enum:resource_status"),
        },
        highlight="expiring_soon",
        key="resources_table",
    )
