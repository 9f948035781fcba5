"""Typing values: the comma rule of amounts, invisible characters in ids, dates with an
offset. Expected values worked out by hand."""

from datetime import date
from decimal import Decimal

import polars as pl
import pytest

from contract.sources import SOURCES
from pipelines.ingest.coerce import typed_frame

CONSUMPTION = SOURCES["consumption"]
ORDERS = SOURCES["orders"]
RESOURCES = SOURCES["resources"]


def typed(source, **columns: list[str]) -> pl.DataFrame:
    frame = pl.DataFrame(
        {c: columns.get(c, [None] * len(next(iter(columns.values())))) for c in source.columns},
        schema={c: pl.String for c in source.columns},
    )
    return typed_frame(frame, source, set())


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("12,345", Decimal("12345.00")),
        ("1,234,567.8", Decimal("1234567.80")),
        ("¥ 1,500", Decimal("1500.00")),
        ("1234.50元", Decimal("1234.50")),
    ],
)
def test_a_comma_that_separates_thousands_is_dropped(text: str, amount: Decimal) -> None:
    assert typed(ORDERS, paid_amount=[text])["paid_amount"].to_list() == [amount]


@pytest.mark.parametrize("text", ["1,50", "1,2,3,4", "12,34.5", "1234,567", ",123", "1 234"])
def test_any_other_comma_or_inner_space_is_invalid_with_the_value_named(text: str) -> None:
    frame = typed(ORDERS, paid_amount=[text])
    assert frame["paid_amount"].to_list() == [None]
    reason = frame["_type_errors"].item()
    assert reason.startswith(f"paid_amount '{text}' is not an amount with at most 2 decimals")
    assert ("a comma may only separate thousands" in reason) == ("," in text)


def test_invisible_characters_are_removed_from_ids_only() -> None:
    frame = typed(
        ORDERS,
        order_no=["O\u200b-1", "\ufeffO-2\u2060"],
        customer_id=["C\u200c1", "\u00a0C2\u00a0"],
        product_name=["a\u200db", "x"],
    )
    assert frame["order_no"].to_list() == ["O-1", "O-2"]
    assert frame["customer_id"].to_list() == ["C1", "C2"]
    # Not an identifier: a joiner may be meant (emoji, some scripts).
    assert frame["product_name"].to_list() == ["a\u200db", "x"]


def test_a_date_with_an_offset_is_the_shanghai_date() -> None:
    frame = typed(
        RESOURCES,
        start_date=[
            "2026-04-04T16:00:00Z",  # 16:00 UTC + 8 h = 2026-04-05 00:00 in Shanghai
            "2026-04-05T01:00:00+14:00",  # 01:00 - 14 h = 04-04 11:00 UTC = 04-04 19:00 there
            "2026-04-04T15:59:59Z",  # 23:59:59 of the 4th in Shanghai
            "2026-04-05 00:00:00+08:00",
            "2026-04-05",
            "2026-04-05 10:00:00",  # a time of day without offset is no date
        ],
    )
    assert frame["start_date"].to_list() == [
        date(2026, 4, 5),
        date(2026, 4, 4),
        date(2026, 4, 4),
        date(2026, 4, 5),
        date(2026, 4, 5),
        None,
    ]


@pytest.mark.parametrize("repaired", [None, "2026/6/3"], ids=["all_plain", "one_to_repair"])
def test_plain_dates_and_amounts_type_alike_whether_or_not_a_value_needs_repair(
    repaired: str | None,
) -> None:
    # A column whose every value is plain is typed by a cast alone (coerce.plain_columns);
    # one value to repair sends the whole column through the repairs: the same values.
    dates = ["2026-06-01", "2026-02-30", "", "2026-06-02", *([repaired] if repaired else [])]
    amounts = ["-12.50", "7", "12.345", None, *(["¥8"] if repaired else [])]
    frame = typed(CONSUMPTION, usage_date=dates, consumption_amount=amounts)
    assert frame["usage_date"].to_list()[:4] == [date(2026, 6, 1), None, None, date(2026, 6, 2)]
    assert frame["consumption_amount"].to_list()[:4] == [
        Decimal("-12.50"),
        Decimal("7.00"),
        None,
        None,
    ]
    assert frame["_type_error_columns"].to_list()[:4] == [
        None,
        "usage_date",
        "consumption_amount",
        None,
    ]
    if repaired:
        assert frame.row(4, named=True)["usage_date"] == date(2026, 6, 3)
        assert frame.row(4, named=True)["consumption_amount"] == Decimal("8.00")
