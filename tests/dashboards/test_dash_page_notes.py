"""What the browser pass over every page found and the pages now do: a blank cell says why,
a partner is named, a caption reads in the page's language."""

from __future__ import annotations

from test_dash_pages import frame_values, open_page

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
