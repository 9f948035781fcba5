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
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipelines.forecast import backtest, backtest_summary, published_as_of


def markdown(table: pl.DataFrame, source: str, as_of: date) -> str:
    lines = [
        "# Forecast backtest",
        "",
        f"Written by `python -m bench.forecast_backtest` on {source}, published as of {as_of}.",
        "The method and the backtest: docs/RULES.md, 'Forecast'. MAPE leaves out periods whose",
        "actual is 0; a period's forecasts are one per day of history before its end.",
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
        table = backtest_summary(backtest(con))
        text = markdown(table, opts.label, published_as_of(con))
    print(text)
    if opts.out:
        Path(opts.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
