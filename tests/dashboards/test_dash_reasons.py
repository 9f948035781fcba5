"""Reasons worded from their codes (dashboards/reasons.py): every code has both languages,
numbers and dates are written as the tables write them, a row without a code keeps its text."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from dashboards.labels import LABELS
from dashboards.reasons import quarantine_reason, rejection_reason, scenario_problem
from pipelines.ingest.reasons import ReasonCode
from pipelines.what_if import ScenarioError, scenario_from_file_bytes, scenario_from_frame

REJECTION_CODES = (
    "still_associated",
    "account_too_old",
    "cash_spend_before",
    "arrears_before",
    "not_associated",
    "disassociation_cooldown",
)


def test_every_code_is_worded_in_both_languages() -> None:
    for code in ReasonCode:
        zh, en = LABELS[f"reason_{code}"]
        assert zh and en and zh != en, code
    for code in REJECTION_CODES:
        assert f"rejection_{code}" in LABELS


def row(details: str, **more: object) -> dict[str, object]:
    return {"source": "orders", "reason": "stored", "reason_details": details, **more}


def test_bounds_and_row_numbers_are_formatted_like_the_tables() -> None:
    above = row(
        '[{"code":"above_maximum","column":"paid_amount","value":"2000000000.00",'
        '"bound":"1000000000"}]',
        row_number=5,
        column_name="paid_amount",
    )
    assert quarantine_reason(above, "zh") == "实付金额 ¥2,000,000,000.00 高于上限 ¥1,000,000,000.00"
    assert (
        quarantine_reason(above, "en")
        == "paid_amount ¥2,000,000,000.00 is above the maximum ¥1,000,000,000.00"
    )
    rate = {
        "source": "balances",
        "row_number": 132,
        "column_name": "discount_rate",
        "reason_details": '[{"code":"above_maximum","column":"discount_rate",'
        '"value":"1.500000","bound":"1"}]',
    }
    assert quarantine_reason(rate, "zh") == "折扣率 150.00% 高于上限 100.00%"
    mixed = row('[{"code":"mixed_encodings","line":12345}]', row_number=None, column_name=None)
    assert (
        quarantine_reason(mixed, "zh")
        == "文件未加载：文件混用编码：第 12,345 行不是 UTF-8，其他行是"
    )


def test_workbook_reasons_name_their_sheets_in_each_language() -> None:
    nested = row(
        '[{"code":"data_sheets_with_problems","sheets":["A"],"source":"orders",'
        '"problems":[{"code":"table_without_header","sheet":"B"},'
        '{"code":"missing_columns","sheet":"C","required":[["order_no","订单号"]],"found":"x"}]}]',
        row_number=None,
        column_name=None,
    )
    assert quarantine_reason(nested, "zh") == (
        "文件未加载：工作表“A”含订单数据，但工作表“B”有数据表但没有表头；"
        "工作表“C”：表头缺少必需列：订单号（order_no）；实际表头：x"
    )
    assert quarantine_reason(nested, "en") == (
        "file not loaded: sheet(s) 'A' hold the orders data but sheet 'B' holds a table "
        "without its header; sheet 'C': the header lacks required column(s) order_no (订单号); "
        "found: x"
    )


def test_a_row_without_codes_or_with_unreadable_details_shows_its_stored_text() -> None:
    assert quarantine_reason(row(None), "zh") == "stored"
    assert quarantine_reason(row("not json"), "zh") == "stored"
    old = {"rejection_reason": "customer is not associated with partner P2"}
    assert rejection_reason(old, "zh") == "customer is not associated with partner P2"


def test_rejections_word_their_limit_and_date() -> None:
    cooldown = {
        "rejection_code": "disassociation_cooldown",
        "rejection_since": date(2026, 9, 1),
        "rejection_limit": 3,
    }
    assert (
        rejection_reason(cooldown, "zh")
        == "距上次解除关联（2026年9月1日）不足 3 个月，再次解除关联"
    )
    assert (
        rejection_reason(cooldown, "en")
        == "second disassociation within 3 months of the previous one (1 Sep 2026)"
    )
    other = {"rejection_code": "not_associated", "rejection_partner_id": "P2"}
    assert rejection_reason(other, "en") == "customer is not associated with partner P2"


def test_accepted_values_are_spelled_in_the_page_language() -> None:
    boss = {
        "source": "staff",
        "reason": "stored",
        "row_number": 4,
        "column_name": "role",
        "reason_details": '[{"code":"not_allowed","column":"role","value":"boss",'
        '"accepted":"customer_manager, supervisor, 主管, 客户经理"}]',
    }
    assert quarantine_reason(boss, "zh") == "角色“boss”不是允许的值：主管、客户经理"
    assert quarantine_reason(boss, "en") == (
        "role 'boss' is not one of: customer_manager, supervisor"
    )


def test_a_bad_scenario_is_worded_in_the_page_language() -> None:
    # rate 1.5 is above 1: one bad row, row 2 (the header is row 1)
    bad = pl.DataFrame(
        {
            "policy_id": ["X"],
            "partner_type": ["distributor"],
            "association_type": ["referral"],
            "product_type": ["ECS"],
            "rate": ["1.5"],
            "valid_from": ["2026-01-01"],
        }
    )
    with pytest.raises(ScenarioError) as caught:
        scenario_from_frame(bad)
    assert scenario_problem(caught.value, "zh") == (
        "1 行政策无法使用；第 2 行：激励比例 150.00% 高于上限 100.00%"
    )
    assert scenario_problem(caught.value, "en") == (
        "1 policy row(s) cannot be used; row 2: rate 150.00% is above the maximum 100.00%"
    )
    with pytest.raises(ScenarioError) as caught:
        scenario_from_frame(bad.drop("rate"))
    assert scenario_problem(caught.value, "zh") == (
        "表头缺少必需列：激励比例（rate）；实际表头：policy_id, partner_type, association_type, "
        "product_type, valid_from"
    )


def test_an_unreadable_scenario_file_is_worded_in_the_page_language() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_file_bytes(b"", "policies.csv")
    assert scenario_problem(caught.value, "zh") == "无法读取政策文件 policies.csv：文件为空"
