"""What the browser pass over every page found and the pages now do: a blank cell says why,
a partner is named, a caption reads in the page's language."""

from __future__ import annotations

import duckdb
import pytest
from test_dash_pages import frame_values, open_page

from dashboards import warehouse
from dashboards.labels import t


def captions(at) -> list[str]:
    return [c.value for c in at.caption]


def test_sub_customers_name_their_owner_and_say_why_cells_are_blank(app_env) -> None:
    at = open_page("admin-d1", "sub_customers", "zh")
    subs = frame_values(at, 0)
    # C1-C4 are D1's own (full), Echo Media and 杭州数智 R1's (basic: credit hidden)
    assert set(subs["归属伙伴"]) == {"华东云总代有限公司", "杭州云联经销"}
    assert t("sub_customers_basic_note", "zh") in captions(at)


def test_a_customer_manager_sees_only_full_rows_and_no_note(app_env) -> None:
    at = open_page("cm1", "sub_customers", "en")
    assert t("sub_customers_basic_note", "en") not in captions(at)


def test_the_warning_date_reads_in_the_page_language(app_env) -> None:
    assert "预警日期：2026年11月23日" in captions(open_page("admin-d1", "customer_warnings", "zh"))
    assert "Warning date: 23 Nov 2026" in captions(open_page("admin-d1", "customer_warnings", "en"))


def test_a_resellers_indicators_page_says_they_are_its_distributors(app_env) -> None:
    at = open_page("admin-r1", "indicators", "en")
    assert [i.value for i in at.info] == [
        t("indicators_at_distributor", "en", name="华东云总代有限公司")
    ]


def test_a_copy_without_the_reconciliation_says_there_is_nothing_to_reconcile(app_env) -> None:
    # The fixture predates the reconciliation marts: the page once found its own function
    # `reconciliation_statements` by DuckDB's replacement scan and showed a read error.
    at = open_page("admin-d1", "reconciliation", "zh")
    assert not at.error
    assert [i.value for i in at.info] == [t("no_reconciliation", "zh")]


def test_a_missing_table_is_missing_not_a_python_variable(published) -> None:
    incentive_statements = [1, 2]  # noqa: F841 (what a replacement scan would find)
    with warehouse.current(published).cursor() as cur, pytest.raises(duckdb.CatalogException):
        cur.execute("SELECT * FROM incentive_statements")
