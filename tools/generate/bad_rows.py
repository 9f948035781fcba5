"""The fixed handful of invalid rows `bad_rows=True` adds, so that a quarantine shows up.

Each is appended, as landed text, after the valid rows of its file, with a key no valid
row uses (so it never replaces good data). See `tools.generate.BAD_ROWS` for the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.generate.calendar import Window
from tools.generate.formats import file_format


@dataclass(frozen=True)
class BadRow:
    source: str
    day: int  # landing day index
    column: str  # the column that is wrong
    problem: str  # what is wrong, in words
    values: dict[str, str | None]  # the landed text, by English column


def bad_rows(window: Window) -> list[BadRow]:
    """The invalid rows, placed on early days that every window of 28+ days has."""
    day = window.date_of
    consumption_day = next(d for d in range(7) if file_format("consumption", d).suffix == "csv")
    return [
        BadRow(
            "associations",
            9,
            "event_type",
            "unknown association event type 转移关联 (transfer)",
            {
                "event_id": "AE90000001",
                "customer_id": "C000006",
                "partner_id": "P3001",
                "event_type": "转移关联",
                "association_type": "顾问销售类",
                "invitation_channel": "线上",
                "customer_manager_id": "E00001",
                "event_time": f"{day(9)} 09:30:00",
            },
        ),
        BadRow(
            "orders",
            5,
            "list_amount",
            "non-numeric list price 1,2O0.00 (a letter O for a zero)",
            {
                "order_no": f"CS{day(5):%y%m%d}9999999",
                "customer_id": "C000006",
                "product_type": "ECS",
                "product_name": "弹性云服务器 ECS 通用计算型 s6.xlarge.2（包月 1个月）",
                "order_time": f"{day(5)}T14:05:00+08:00",
                "list_amount": "1,2O0.00",
                "discount_amount": "0.00",
                "voucher_amount": "0.00",
                "paid_amount": "1200.00",
                "order_status": "已支付",
                "refund_time": None,
                "refund_amount": None,
                "project_id": None,
            },
        ),
        BadRow(
            "consumption",
            consumption_day,
            "usage_date",
            f"impossible usage date {window.start.year}-02-30",
            {
                "usage_date": f"{window.start.year}-02-30",
                "customer_id": "C000006",
                "resource_id": "ecs-99999999",
                "product_type": "ECS",
                "consumption_amount": "12.50",
                "voucher_amount": "0.00",
                "paid_amount": "12.50",
            },
        ),
        BadRow(
            "balances",
            0,
            "discount_rate",
            "discount_rate 1.5000 is above 1 (a rate is a fraction)",
            {
                "snapshot_date": f"{day(0)}",
                "customer_id": "C999999",
                "available_balance": "100.00",
                "credit_limit": "0.00",
                "discount_rate": "1.5000",
            },
        ),
        BadRow(
            "resources",
            2,
            "billing_mode",
            "unknown billing mode 包季 (quarterly)",
            {
                "resource_id": "ecs-bad00001",
                "customer_id": "C000006",
                "product_type": "ECS",
                "billing_mode": "包季",
                "start_date": f"{day(2)}",
                "expire_date": None,
                "status": "运行中",
            },
        ),
        BadRow(
            "statement_events",
            window.last,
            "billing_period",
            f"billing period {window.end.year}13 has no month 13",
            {
                "partner_id": "P1001",
                "billing_period": f"{window.end.year}13",
                "event_type": "已生成",
                "event_time": f"{window.end}T18:00:00+08:00",
            },
        ),
    ]
