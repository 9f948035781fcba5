"""The Streamlit app: `streamlit run dashboards/app.py`.

Reads the published warehouse only (`PARTNER_WAREHOUSE_PUBLISHED`/CURRENT); users from
`PARTNER_WAREHOUSE_USERS`. Each page is a thin script in `dashboards/views/`.
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # `streamlit run dashboards/app.py` puts dashboards/ first
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb
import streamlit as st

from dashboards import fmt, warehouse
from dashboards import queries as q
from dashboards.auth import login_form
from dashboards.labels import DEFAULT_LANG, LANGS, t

VIEWS = Path(__file__).resolve().parent / "views"

# (file, label key, section)
PAGES = [
    ("incentive_board.py", "page_incentive_board", "nav_incentives"),
    ("incentive_details.py", "page_incentive_details", "nav_incentives"),
    ("statements.py", "page_statements", "nav_incentives"),
    ("indicators.py", "page_indicators", "nav_incentives"),
    ("customer_board.py", "page_customer_board", "nav_customers"),
    ("customer_warnings.py", "page_customer_warnings", "nav_customers"),
    ("sub_customers.py", "page_sub_customers", "nav_customers"),
]


def main() -> None:
    st.set_page_config(page_title="Partner warehouse", page_icon="📊", layout="wide")
    if "lang" not in st.session_state:
        st.session_state["lang"] = DEFAULT_LANG
    with st.sidebar:
        st.selectbox(
            t("language", st.session_state["lang"]) + " / Language",
            LANGS,
            format_func=lambda code: {"zh": "中文", "en": "English"}[code],
            key="lang",
        )
    lang = st.session_state["lang"]

    viewer = st.session_state.get("viewer")
    if viewer is None:
        login_form(lang)
        return

    try:
        wh = warehouse.current()
    except warehouse.WarehouseUnavailable:
        st.warning(t("no_warehouse", lang, path=warehouse.published_dir() / "CURRENT"))
        return
    try:
        with wh.cursor() as cur:
            pub = q.publication(cur)
    except (duckdb.CatalogException, LookupError):
        # A file published before runs recorded their as-of date: no page can know "today".
        st.warning(t("no_publication", lang, name=wh.name))
        return
    st.session_state["_warehouse"], st.session_state["_publication"] = wh, pub

    with st.sidebar:
        st.caption(
            t("logged_in_as", lang, user=viewer.username, role=t(f"role_{viewer.role}", lang))
        )
        st.caption(t("warehouse_file", lang, name=wh.name))
        st.caption(t("data_as_of", lang, day=fmt.day(pub.as_of_date, lang), run=pub.run_id or "-"))
        if st.button(t("logout", lang), key="logout"):
            for key in ("viewer", "_warehouse", "_publication"):
                st.session_state.pop(key, None)
            st.rerun()

    sections: dict[str, list[st.Page]] = {}
    for file, key, section in PAGES:
        page = st.Page(str(VIEWS / file), title=t(key, lang), url_path=file.removesuffix(".py"))
        sections.setdefault(t(section, lang), []).append(page)
    st.navigation(sections).run()


main()
