"""The forecast model (pipelines/forecast.py) pinned on a hand-made daily series.

Partner P, as of Wednesday 2026-11-25 (window 2026-10-29 .. 11-25, four whole weeks):
consumption incentive 10.00 on every weekday and 4.00 on Saturdays and Sundays from
2026-08-01; one order of 56.00 on 11-10 (orders per day 56 / 28 = 2.00); one refund of
-14.00 on 09-20, inside the 90-day refund look-back (rate 14 / 56 = 0.25), so orders net of
refunds 2.00 x 0.75 = 1.50 a day.
Residuals over the window: the order day 56.00 - 1.50 = 54.50, the 27 others -1.50;
s = sqrt((54.5^2 + 27 x 1.5^2) / 27) = sqrt(3031 / 27) = 10.595247.
Open period, 11-26 .. 11-30: Thu, Fri, Mon at 10.00, Sat, Sun at 4.00 = 38.00, + 5 x 1.50 =
45.50; with 300.00 to date: 345.50, +- 1.2816 x 10.595247 x sqrt(5) = 30.363273.
December: 23 weekdays x 10.00 + 8 weekend days x 4.00 = 262.00, + 31 x 1.50 = 308.50,
+- 1.2816 x 10.595247 x sqrt(31) = 75.603941.
Partner Q has only an acceleration booked this period (100.00) and no base rows: nothing
more is forecast, with no spread.
"""

from datetime import date, timedelta

import polars as pl

from pipelines.forecast import DAILY_SCHEMA, forecast

AS_OF = date(2026, 11, 25)


def hand_made_series() -> pl.DataFrame:
    rows = []
    day = date(2026, 8, 1)
    while day <= AS_OF:
        rows.append(("P", day, "consumption", 4.0 if day.weekday() >= 5 else 10.0))
        day += timedelta(days=1)
    rows.append(("P", date(2026, 11, 10), "order", 56.0))
    rows.append(("P", date(2026, 9, 20), "refund", -14.0))
    return pl.DataFrame(rows, schema=DAILY_SCHEMA, orient="row")


def test_forecast_pinned_to_hand_computed_values() -> None:
    to_date = pl.DataFrame({"partner_id": ["P", "Q"], "actual_to_date": [300.0, 100.0]})
    result = forecast(hand_made_series(), to_date, AS_OF)
    assert result.rows() == [
        ("P", "202611", 300.0, 345.5, 315.14, 375.86),
        ("P", "202612", 0.0, 308.5, 232.9, 384.1),
        ("Q", "202611", 100.0, 100.0, 100.0, 100.0),
        ("Q", "202612", 0.0, 0.0, 0.0, 0.0),
    ]


def test_last_day_of_a_period_forecasts_nothing_more_for_it() -> None:
    # As of 11-30 the open period has no day left: forecast = actual, no interval.
    to_date = pl.DataFrame({"partner_id": ["P"], "actual_to_date": [500.0]})
    result = forecast(hand_made_series(), to_date, date(2026, 11, 30))
    assert result.row(0) == ("P", "202611", 500.0, 500.0, 500.0, 500.0)
