"""The generated window of days, and the date arithmetic the generator needs.

Day indexes are relative to the window's first day (day 0); negative days lie before
the window (history that lands with the first day's files). All times are naive
Asia/Shanghai wall times, as the warehouse stores them.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

# A day index later than any window: "never" for release, stop and drop days.
NEVER = 10**6


@dataclass(frozen=True)
class Window:
    start: date
    days: int

    @property
    def end(self) -> date:
        """The last day with data (inclusive)."""
        return self.start + timedelta(days=self.days - 1)

    @property
    def last(self) -> int:
        return self.days - 1

    def date_of(self, day: int) -> date:
        return self.start + timedelta(days=day)

    def day_of(self, when: date | datetime) -> int:
        on = when.date() if isinstance(when, datetime) else when
        return (on - self.start).days

    def at(self, fraction: float) -> int:
        """The day index at a fraction of the window, always inside it."""
        return min(self.last, max(0, int(fraction * self.days)))

    def moment(self, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
        return datetime.combine(self.date_of(day), time(hour, minute, second))

    def drop_day(self, day: int) -> int:
        """The landing day of something dated `day`: history lands with the first day."""
        return max(0, day)


def add_months(on: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (Jan 31 + 1 = Feb 28)."""
    month_index = on.year * 12 + on.month - 1 + months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(on.day, last_day))


def billing_period(on: date) -> str:
    return f"{on.year:04d}{on.month:02d}"


def month_start(on: date) -> date:
    return on.replace(day=1)
