"""Backtest of the forecast (pipelines/forecast.py) on a published warehouse's history.

`python -m bench.forecast_backtest --warehouse FILE [--out docs/FORECAST_BACKTEST.md]`

For every day `c` of history with a whole model window behind it, the forecast is made
from the rows dated up to `c` only (as a run as of `c` would have had them; data that landed
late is taken as landed in time), then compared with the final incentive of the periods it
forecast, for the periods closed by the publication's as-of date. Horizon: the days from
`c` to the period's end for the open period, bucketed by week; "next" for the following one.
Reported per partner and horizon: MAPE (mean |forecast - actual| / |actual|, periods with a
zero actual left out) and the share of actuals inside the 80% interval.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

from pipelines.forecast import (
    WINDOW_DAYS,
    period_end,
    published_as_of,
    published_forecast,
)

BUCKETS = (
    (0, 7, "0-7 days left"),
    (8, 14, "8-14 days left"),
    (15, 21, "15-21 days left"),
    (22, 31, "22-31 days left"),
)


def horizon(cutoff: date, period: str) -> str:
    if period != f"{cutoff.year:04d}{cutoff.month:02d}":
        return "next period"
    left = (period_end(cutoff) - cutoff).days
    return next(name for low, high, name in BUCKETS if low <= left <= high)


def final_incentive(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return con.execute(
        """select partner_id, billing_period, sum(incentive_amount)::double as actual
        from marts.incentive_facts group by all"""
    ).pl()


def backtest(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per cutoff, partner and forecast period closed by the as-of date."""
    as_of = published_as_of(con)
    first = con.execute(
        "select min(transaction_date) from intermediate.int_transactions_rated"
    ).fetchall()[0][0]
    frames = []
    cutoff = first + timedelta(days=WINDOW_DAYS - 1)
    while cutoff < as_of:
        frames.append(published_forecast(con, cutoff).with_columns(pl.lit(cutoff).alias("cutoff")))
        cutoff += timedelta(days=1)
    closed = f"{as_of.year:04d}{as_of.month:02d}"
    forecasts = pl.concat(frames).filter(pl.col("billing_period") < closed)
    return forecasts.join(final_incentive(con), on=["partner_id", "billing_period"]).with_columns(
        pl.struct("cutoff", "billing_period")
        .map_elements(lambda r: horizon(r["cutoff"], r["billing_period"]), return_dtype=pl.String)
        .alias("horizon")
    )


def summary(results: pl.DataFrame) -> pl.DataFrame:
    order = [name for *_, name in BUCKETS] + ["next period"]
    return (
        results.filter(pl.col("actual") != 0)
        .group_by("partner_id", "horizon")
        .agg(
            pl.len().alias("forecasts"),
            ((pl.col("forecast") - pl.col("actual")).abs() / pl.col("actual").abs())
            .mean()
            .mul(100)
            .round(1)
            .alias("mape_pct"),
            ((pl.col("low") <= pl.col("actual")) & (pl.col("actual") <= pl.col("high")))
            .mean()
            .mul(100)
            .round(0)
            .alias("in_interval_pct"),
        )
        .with_columns(pl.col("horizon").replace_strict(order, range(len(order))).alias("_o"))
        .sort("partner_id", "_o")
        .drop("_o")
    )


def markdown(table: pl.DataFrame, source: str, as_of: date) -> str:
    lines = [
        "# Forecast backtest",
        "",
        f"Written by `python -m bench.forecast_backtest` on {source} (as of {as_of}); the",
        "method and the backtest are described in docs/RULES.md, 'Forecast'.",
        "",
        "| partner | horizon | forecasts | MAPE % | actual inside the 80% interval % |",
        "|---|---|---:|---:|---:|",
    ]
    for row in table.iter_rows(named=True):
        lines.append(
            f"| {row['partner_id']} | {row['horizon']} | {row['forecasts']} | "
            f"{row['mape_pct']} | {row['in_interval_pct']:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--warehouse", required=True, help="a published warehouse file")
    args.add_argument("--out", default=None, help="also write the table (Markdown) here")
    args.add_argument("--label", default="the generator's sample data")
    opts = args.parse_args(argv)
    with duckdb.connect(opts.warehouse, read_only=True) as con:
        table = summary(backtest(con))
        text = markdown(table, opts.label, published_as_of(con))
    print(text)
    if opts.out:
        Path(opts.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
