"""Numbers, money and dates as the user reads them (thousands separators, ¥, language)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def money(value: Decimal | float | int | None) -> str:
    """¥1,234.56 (negative: -¥1,234.56); empty for a missing or hidden amount."""
    if value is None:
        return ""
    amount = Decimal(str(value)).quantize(Decimal("0.01"))
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def number(value: Decimal | float | int | None, decimals: int = 0) -> str:
    if value is None:
        return ""
    return f"{Decimal(str(value)):,.{decimals}f}"


def percent(value: Decimal | float | None, decimals: int = 2) -> str:
    if value is None:
        return ""
    return f"{Decimal(str(value)) * 100:.{decimals}f}%"


def day(value: date | datetime | None, lang: str) -> str:
    if value is None:
        return ""
    if lang == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {MONTHS_EN[value.month - 1]} {value.year}"


def timestamp(value: datetime | None, lang: str) -> str:
    if value is None:
        return ""
    return f"{day(value, lang)} {value:%H:%M}"


def period(value: str | date | None, lang: str) -> str:
    """A billing period `YYYYMM` (or the first day of a month) as a month."""
    if value is None:
        return ""
    if isinstance(value, date):
        year, month = value.year, value.month
    else:
        year, month = int(value[:4]), int(value[4:6])
    if lang == "zh":
        return f"{year}年{month:02d}月"
    return f"{MONTHS_EN[month - 1]} {year}"
