"""Forecast of the open billing period's incentive and of the next, per settlement partner.

A small hand-written model (docs/RULES.md, "Forecast"), chosen over a time-series library:
each partner has one short daily series (months, not years) with a weekly pattern, lumpy
orders and rare refunds, and the backtest (scripts/forecast_backtest.py, docs/FORECAST.md)
is what it is judged by. From the base incentive of the WINDOW_DAYS days up to the as-of date:

* on-demand (consumption) incentive of a future day = the mean of the same weekday over
  the window (a day with no row counts as 0);
* yearly/monthly orders per future day = the window's mean order incentive per day; orders
  already made are in the actual figures, not forecast again;
* refunds = the orders' forecast times the refund rate of the REFUND_DAYS days up to the
  as-of date (refund incentive / order incentive);
* interval: the forecast +- Z_80 x s x sqrt(days forecast), s the standard deviation of the
  window's daily incentive around the model's daily value (an 80% interval if days were
  independent and normal).

Acceleration incentive is counted when booked (it is in the actual figures); it is not
forecast. Forecast values are never written into the warehouse.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import polars as pl

WINDOW_DAYS = 28  # four whole weeks: each weekday four times
REFUND_DAYS = 90
Z_80 = 1.2816  # two-sided 80% normal quantile
DAILY_SCHEMA = {
    "partner_id": pl.String,
    "transaction_date": pl.Date,
    "transaction_type": pl.String,
    "incentive": pl.Float64,
}


def billing_period(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def period_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def next_period_start(day: date) -> date:
    return period_end(day) + timedelta(days=1)


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@dataclass(frozen=True)
class PartnerModel:
    weekday_mean: dict[int, float]  # consumption incentive of a day, by weekday (Monday 0)
    orders_net: float  # orders less their refunds, per day
    sd: float  # of a day's incentive around the model's

    def day(self, day: date) -> float:
        return self.weekday_mean[day.weekday()] + self.orders_net


def partner_model(daily: pl.DataFrame, as_of: date) -> PartnerModel:
    """One partner's model from its daily base incentive (`transaction_date`,
    `transaction_type`, `incentive`): weekday means of consumption, order mean per day,
    refund rate and the daily standard deviation."""
    window = days_between(as_of - timedelta(days=WINDOW_DAYS - 1), as_of)
    in_window = daily.filter(pl.col("transaction_date") >= window[0])
    by_day = {
        (row["transaction_date"], row["transaction_type"]): row["incentive"]
        for row in in_window.iter_rows(named=True)
    }
    consumption = [by_day.get((d, "consumption"), 0.0) for d in window]
    weekday_mean = {
        wd: sum(v for d, v in zip(window, consumption, strict=True) if d.weekday() == wd)
        / (WINDOW_DAYS // 7)
        for wd in range(7)
    }
    orders_per_day = sum(by_day.get((d, "order"), 0.0) for d in window) / WINDOW_DAYS
    refund_window = daily.filter(pl.col("transaction_date") > as_of - timedelta(days=REFUND_DAYS))
    ordered = refund_window.filter(pl.col("transaction_type") == "order")["incentive"].sum()
    refunded = refund_window.filter(pl.col("transaction_type") == "refund")["incentive"].sum()
    refund_rate = -refunded / ordered if ordered > 0 else 0.0
    orders_net = orders_per_day * (1 - refund_rate)
    residuals = [
        sum(by_day.get((d, kind), 0.0) for kind in ("consumption", "order", "refund"))
        - (weekday_mean[d.weekday()] + orders_net)
        for d in window
    ]
    sd = math.sqrt(sum(e * e for e in residuals) / (len(residuals) - 1))
    return PartnerModel(weekday_mean, orders_net, sd)


def forecast_of_days(model: PartnerModel, days: list[date]) -> tuple[float, float]:
    """(forecast, half-width of the interval) of the incentive of `days`."""
    return sum(model.day(d) for d in days), Z_80 * model.sd * math.sqrt(len(days))


def forecast(daily: pl.DataFrame, actual_to_date: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """`partner_id, billing_period, actual_to_date, forecast, low, high` for the open period
    (the as-of date's) and the next, per partner of `daily` (base incentive per partner, day
    and transaction type, up to as_of) or of `actual_to_date` (`partner_id`,
    `actual_to_date`: the open period's incentive so far, acceleration included)."""
    open_period, next_start = billing_period(as_of), next_period_start(as_of)
    rest_of_open = days_between(as_of + timedelta(days=1), period_end(as_of))
    next_days = days_between(next_start, period_end(next_start))
    so_far = dict(actual_to_date.select("partner_id", "actual_to_date").iter_rows())
    rows = []
    partners = sorted(set(daily["partner_id"].unique().to_list()) | set(so_far))
    for partner in partners:
        model = partner_model(daily.filter(pl.col("partner_id") == partner), as_of)
        actual = float(so_far.get(partner, 0.0))
        rest, rest_width = forecast_of_days(model, rest_of_open)
        following, following_width = forecast_of_days(model, next_days)
        rows.append((partner, open_period, actual, actual + rest, rest_width))
        rows.append((partner, billing_period(next_start), 0.0, following, following_width))
    frame = pl.DataFrame(
        rows,
        schema=["partner_id", "billing_period", "actual_to_date", "forecast", "width"],
        orient="row",
    )
    return frame.select(
        "partner_id",
        "billing_period",
        pl.col("actual_to_date").round(2),
        pl.col("forecast").round(2),
        (pl.col("forecast") - pl.col("width")).round(2).alias("low"),
        (pl.col("forecast") + pl.col("width")).round(2).alias("high"),
    )


def daily_incentive(
    con: duckdb.DuckDBPyConnection, as_of: date, days: int = REFUND_DAYS
) -> pl.DataFrame:
    """Base incentive per settlement partner, day and transaction type over the `days` days
    up to `as_of` (by default the longest look-back of the model), from the published day
    groups (marts.incentive_daily): their sums equal the rows' (test
    `aggregates_equal_transactions`) and a day holds thousands of groups, not every
    transaction (read from the rated transactions, the forecast took 563 ms at 100M rows
    and 74 ms at 10M)."""
    return (
        con.execute(
            """
        select partner_id, transaction_date, transaction_type,
            sum(incentive_amount)::double as incentive
        from marts.incentive_daily
        where incentive_type = 'base' and transaction_date between ?::date - ? + 1 and ?::date
        group by all
        """,
            [as_of, days, as_of],
        )
        .pl()
        .cast(DAILY_SCHEMA)
    )


def open_period_to_date(con: duckdb.DuckDBPyConnection, as_of: date) -> pl.DataFrame:
    """`partner_id, actual_to_date`: the open period's incentive up to `as_of` (base and
    acceleration), as the details count it (their day groups)."""
    return con.execute(
        """
        select partner_id, sum(incentive_amount)::double as actual_to_date
        from marts.incentive_daily
        where billing_period = ? and transaction_date <= ?
        group by partner_id
        """,
        [billing_period(as_of), as_of],
    ).pl()


def published_as_of(con: duckdb.DuckDBPyConnection) -> date:
    return con.execute("select max(as_of_date) from marts.publication").fetchall()[0][0]


def published_forecast(con: duckdb.DuckDBPyConnection, as_of: date | None = None) -> pl.DataFrame:
    """The forecast from the published copy, as of its publication date (or `as_of`, up
    to which the rows are cut: the backtest)."""
    as_of = as_of or published_as_of(con)
    return forecast(daily_incentive(con, as_of), open_period_to_date(con, as_of), as_of)


# Backtest horizons: days left in the open period after the forecast's as-of date.
HORIZONS = (
    (0, 7, "0-7 days left"),
    (8, 14, "8-14 days left"),
    (15, 21, "15-21 days left"),
    (22, 31, "22-31 days left"),
)
NEXT_PERIOD = "next period"


def horizon(cutoff: date, period: str) -> str:
    if period != billing_period(cutoff):
        return NEXT_PERIOD
    left = (period_end(cutoff) - cutoff).days
    return next(name for low, high, name in HORIZONS if low <= left <= high)


def backtest(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The forecast as of every day of history with a whole window behind it, from the rows
    dated up to that day only (data that landed late is taken as landed in time), beside
    the final incentive of the periods it forecast that the publication's as-of date has
    closed: `cutoff, partner_id, billing_period, horizon, forecast, low, high, actual`."""
    as_of = published_as_of(con)
    history = (as_of - date(2000, 1, 1)).days
    daily = daily_incentive(con, as_of, history)
    facts = con.execute(
        """select partner_id, billing_period, transaction_date,
            sum(incentive_amount)::double as incentive
        from marts.incentive_daily group by all"""
    ).pl()
    finals = facts.group_by("partner_id", "billing_period").agg(
        pl.col("incentive").sum().alias("actual")
    )
    frames = []
    if not daily.is_empty():
        cutoff = daily["transaction_date"].min() + timedelta(days=WINDOW_DAYS - 1)  # type: ignore[operator]
        while cutoff < as_of:
            so_far = (
                facts.filter(
                    (pl.col("billing_period") == billing_period(cutoff))
                    & (pl.col("transaction_date") <= cutoff)
                )
                .group_by("partner_id")
                .agg(pl.col("incentive").sum().alias("actual_to_date"))
            )
            past = daily.filter(pl.col("transaction_date") <= cutoff)
            frames.append(
                forecast(past, so_far, cutoff).with_columns(pl.lit(cutoff).alias("cutoff"))
            )
            cutoff += timedelta(days=1)
    if not frames:
        return pl.DataFrame()
    return (
        pl.concat(frames)
        .filter(pl.col("billing_period") < billing_period(as_of))
        .join(finals, on=["partner_id", "billing_period"])
        .with_columns(
            pl.struct("cutoff", "billing_period")
            .map_elements(
                lambda r: horizon(r["cutoff"], r["billing_period"]), return_dtype=pl.String
            )
            .alias("horizon")
        )
    )


def backtest_summary(results: pl.DataFrame) -> pl.DataFrame:
    """`partner_id, horizon, forecasts, mape_pct, in_interval_pct`: mean absolute percentage
    error (periods whose actual is 0 left out) and the share of actuals inside the interval."""
    order = [name for *_, name in HORIZONS] + [NEXT_PERIOD]
    if results.is_empty():
        return pl.DataFrame(
            schema={
                "partner_id": pl.String,
                "horizon": pl.String,
                "forecasts": pl.UInt32,
                "mape_pct": pl.Float64,
                "in_interval_pct": pl.Float64,
            }
        )
    error = (pl.col("forecast") - pl.col("actual")).abs() / pl.col("actual").abs()
    inside = (pl.col("low") <= pl.col("actual")) & (pl.col("actual") <= pl.col("high"))
    return (
        results.filter(pl.col("actual") != 0)
        .group_by("partner_id", "horizon")
        .agg(
            pl.len().alias("forecasts"),
            (error.mean() * 100).round(1).alias("mape_pct"),
            (inside.mean() * 100).round(0).alias("in_interval_pct"),
        )
        .with_columns(pl.col("horizon").replace_strict(order, range(len(order))).alias("_order"))
        .sort("partner_id", "_order")
        .drop("_order")
    )
