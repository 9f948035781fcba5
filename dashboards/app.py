"""The Streamlit app: `streamlit run dashboards/app.py`.

Reads the published warehouse only (`PARTNER_WAREHOUSE_PUBLISHED`/CURRENT); users from
`PARTNER_WAREHOUSE_USERS`. Each page is a thin script in `dashboards/views/`.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

if __package__ in (None, ""):  # `streamlit run dashboards/app.py` puts dashboards/ first
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb
import streamlit as st

from dashboards import fmt, ui, users, warehouse
from dashboards import queries as q
from dashboards.auth import login_form
from dashboards.labels import DEFAULT_LANG, LANGS, t

VIEWS = Path(__file__).resolve().parent / "views"
log = logging.getLogger("dashboards.app")

# (file, label key, section, partner admins only)
PAGES = [
    ("incentive_board.py", "page_incentive_board", "nav_incentives", False),
    ("incentive_details.py", "page_incentive_details", "nav_incentives", False),
    ("statements.py", "page_statements", "nav_incentives", True),
    ("indicators.py", "page_indicators", "nav_incentives", True),
    ("what_if.py", "page_what_if", "nav_incentives", True),
    ("customer_board.py", "page_customer_board", "nav_customers", False),
    ("customer_warnings.py", "page_customer_warnings", "nav_customers", False),
    ("sub_customers.py", "page_sub_customers", "nav_customers", False),
    ("data_quality.py", "page_data_quality", "nav_admin", True),
    ("reconciliation.py", "page_reconciliation", "nav_reconciliation", True),
]


def menu(viewer: q.Viewer, lang: str) -> dict[str, list[st.Page]]:
    """The pages of the viewer's role by section: staff never see an admin-only page listed
    (the page and its queries refuse them too, should they open its address)."""
    sections: dict[str, list[st.Page]] = {}
    for file, key, section, admin_only in PAGES:
        if admin_only and not viewer.is_admin:
            continue
        page = st.Page(str(VIEWS / file), title=t(key, lang), url_path=file.removesuffix(".py"))
        sections.setdefault(t(section, lang), []).append(page)
    return sections


def log_to_server() -> None:
    """Send the dashboards' warnings (paths, DuckDB's errors, bad users) to the server's
    stderr with a time and a source: the page never shows them. Once per process, as the
    script reruns on every interaction."""
    logger = logging.getLogger("dashboards")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def skipped_entries_notice(lang: str) -> None:
    """Tell an admin that some users could not log in; the reasons are in the server log."""
    skipped = users.login_users(users.users_path()).skipped
    if skipped:
        lines = ", ".join(dict.fromkeys(str(entry.line or "?") for entry in skipped))
        st.warning(t("users_skipped", lang, lines=lines))


def main() -> None:
    log_to_server()
    st.set_page_config(page_title="Partner warehouse", page_icon="📊", layout="wide")
    if "lang" not in st.session_state:
        st.session_state["lang"] = DEFAULT_LANG
    with st.sidebar:
        st.selectbox(
            t("language", st.session_state["lang"]),
            LANGS,
            format_func=lambda code: {"zh": "中文", "en": "English"}[code],
            key="lang",
            on_change=ui.relabel_widgets,
        )
    lang = st.session_state["lang"]

    viewer = st.session_state.get("viewer")
    if viewer is None:
        login_form(lang)
        return

    try:
        wh = warehouse.current()
    except warehouse.NoGoodPublication:
        st.error(t("no_good_warehouse", lang))
        return
    except warehouse.WarehouseUnavailable:
        st.warning(t("no_warehouse", lang))
        return
    try:
        with wh.cursor() as cur:
            pub = q.publication(cur)
    except (duckdb.CatalogException, LookupError):
        # A file published before runs recorded their as-of date: no page can know "today".
        st.warning(t("no_publication", lang, name=wh.name))
        return
    st.session_state["_warehouse"], st.session_state["_publication"] = wh, pub
    if wh.unusable_newest is not None:
        st.warning(t("older_warehouse", lang, newest=wh.unusable_newest, name=wh.name))

    with st.sidebar:
        st.caption(
            t("logged_in_as", lang, user=viewer.username, role=t(f"role_{viewer.role}", lang))
        )
        st.caption(t("warehouse_file", lang, name=wh.name))
        st.caption(t("data_as_of", lang, day=fmt.day(pub.as_of_date, lang), run=pub.run_id or "-"))
        if viewer.is_admin:
            skipped_entries_notice(lang)
        if st.button(t("logout", lang), key="logout"):
            for key in ("viewer", "_warehouse", "_publication"):
                st.session_state.pop(key, None)
            st.rerun()

    try:
        st.navigation(menu(viewer, lang)).run()
    except duckdb.Error:
        # Damage the opening check cannot see (a bad block read by a query): DuckDB's words
        # and the path go to the log, the reader gets a sentence.
        log.exception("reading the published copy %s failed", wh.path)
        st.error(t("warehouse_read_failed", lang))


main()
