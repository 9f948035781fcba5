"""`python -m bench --rows N`: the whole benchmark in one run, printed and saved.

1. generates the landing files (not timed as part of the pipeline), holding back the last
   day for the incremental run;
2. times the fixed cost: a full `partner-warehouse run` of one row per source;
3. times a full run, by stage, with peak memory of the whole process tree;
4. times one incremental day and a run that finds nothing new;
5. times the floor (one DuckDB query) and the peer (pandas) on the files of the full run,
   and checks that the three agree on the totals to the cent;
6. the shape of the cost: at the same daily volume, one more day after 30 and after 120
   days of history (each its own landing folder and warehouse); the ratio shows whether a
   day costs the day or the history;
7. times the dashboard's queries (p50, p95);
8. writes `bench/results/<label>.json` and rebuilds `bench/RESULTS.md` from every result.
"""

import argparse
import json
import os
import platform
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from bench.dashboard import dashboard_timings
from bench.measure import Measured, measured_command
from bench.report import results_markdown, summary_table

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
# Consumption rows the generator writes per unit of scale over 175 days (93k at scale 10
# and 100; the count is not quite linear, so results report the rows actually loaded).
CONSUMPTION_ROWS_PER_SCALE = 93_000
DAYS = 175
# Days of history before the one more day of the shape figure (step 6).
SHAPE_HISTORIES = (30, 120)
DEFAULT_ENGINE = "duckdb"
DEFAULT_PUBLISH = "copy"
# Settings a run reads from the environment (dbt_project/profiles.yml): a result names them.
TUNING = ("PARTNER_WAREHOUSE_DBT_MEMORY", "PARTNER_WAREHOUSE_DBT_THREADS")
START = date(2026, 6, 1)


def generated_landing(landing: Path, rows: int, days: int) -> dict[str, int]:
    from tools.generate import generate_landing

    scale = rows / CONSUMPTION_ROWS_PER_SCALE * DAYS / days
    # Plain UTF-8 CSV, no malformed rows, no rejected association events: the floor and the
    # peer validate nothing, so the input must not need it for the totals to agree. No
    # Huawei export: the generator computes it line by line, too slow at these sizes.
    return generate_landing(
        landing,
        scale=scale,
        start=START,
        days=days,
        bad_rows=False,
        rejected_events=False,
        plain=True,
        huawei=False,
    )


def held_back_day(landing: Path, holding: Path, day: str) -> None:
    """Move one drop date's folders out of the landing folder (the incremental day)."""
    for folder in sorted(landing.glob(f"*/{day}")):
        target = holding / folder.parent.name / day
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(target)


def returned_day(holding: Path, landing: Path, day: str) -> None:
    for folder in sorted(holding.glob(f"*/{day}")):
        folder.rename(landing / folder.parent.name / day)


# The sources whose files of a day are that day's changes, thinned with its consumption. The
# dimensions (customers, projects: a few rows a day) stay whole: a thinned one would leave
# the day's consumption rows of new customers without their customer.
THINNED_SOURCES = ("consumption", "orders", "balances", "resources", "associations")


def thinned_day(landing: Path, day: str, rows: int) -> None:
    """Keep `rows` of the day's consumption rows, spread evenly over its files' rows, and the
    same share of the day's orders, balances, resources and association events: the day of
    a larger set at the daily volume of a smaller one, so that the two days differ only in
    the history (and the customers) behind them."""
    consumption = sorted(landing.glob(f"consumption/{day}/*"))
    total = sum(pl.scan_parquet(file).select(pl.len()).collect().item() for file in consumption)
    every = max(1, total // rows)
    for source in THINNED_SOURCES:
        for file in sorted(landing.glob(f"{source}/{day}/*")):
            if file.suffix == ".parquet":
                pl.read_parquet(file).gather_every(every).write_parquet(file)
            else:
                pl.read_csv(file, infer_schema=False).gather_every(every).write_csv(file)


def one_row_landing(landing: Path, out: Path) -> None:
    """One row per source, from the first file of each source, as UTF-8 CSV."""
    for source_dir in sorted(p for p in landing.iterdir() if p.is_dir()):
        first = min(source_dir.glob("*/*"))
        frame = (
            pl.read_parquet(first)
            if first.suffix == ".parquet"
            else pl.read_csv(first, infer_schema=False)
        )
        target = out / source_dir.name / first.parent.name / f"{source_dir.name}.csv"
        target.parent.mkdir(parents=True, exist_ok=True)
        frame.head(1).cast(pl.String).write_csv(target)


def one_more_day(rows_per_day: int, history: int, work: Path, engine: str, publish: str) -> dict:
    """A full run over `history` days, then the timed run of the day after: the day's cost
    with that much history behind it."""
    landing, holding = work / "landing", work / "held-back"
    generated_landing(landing, rows_per_day * (history + 1), history + 1)
    day = (START + timedelta(days=history)).isoformat()
    held_back_day(landing, holding, day)
    as_of = START + timedelta(days=history + 1)
    warehouse = work / "warehouse.duckdb"
    full = pipeline_run(landing, warehouse, as_of, work, "full", engine, publish)
    returned_day(holding, landing, day)
    run = pipeline_run(landing, warehouse, as_of, work, "day", engine, publish)
    return {
        "history_days": history,
        "consumption_rows": consumption_rows(full["summary"]) + consumption_rows(run["summary"]),
        "full_seconds": full["seconds"],
        **{key: run[key] for key in ("seconds", "peak_rss_mib", "stages")},
    }


def pipeline_run(
    landing: Path,
    warehouse: Path,
    as_of: date,
    logs: Path,
    name: str,
    engine: str,
    publish: str = DEFAULT_PUBLISH,
) -> dict:
    summary_file = logs / f"{name}.json"
    measured = measured_command(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "run",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
            "--as-of",
            as_of.isoformat(),
            "--json",
            str(summary_file),
            *(["--engine", engine] if engine != DEFAULT_ENGINE else []),
            *(["--publish", publish] if publish != DEFAULT_PUBLISH else []),
        ],
        str(logs / f"{name}.log"),
    )
    if measured.returncode != 0:
        raise SystemExit(f"{name} run failed: see {logs / f'{name}.log'}")
    summary = json.loads(summary_file.read_text())
    return {**figures(measured), "stages": summary["stage_seconds"], "summary": summary}


def publication(warehouse: Path) -> Path:
    """What readers of `warehouse` open now (a run with nothing new publishes nothing, so
    the run's own summary may name no file)."""
    from contract.published import published_warehouse

    published = published_warehouse(warehouse.parent / "published")
    if published is None:
        raise SystemExit(f"nothing published beside {warehouse}")
    return published


def figures(measured: Measured) -> dict:
    return {"seconds": round(measured.seconds, 3), "peak_rss_mib": round(measured.peak_rss_mib, 1)}


def totals_run(way: str, landing: Path, logs: Path) -> tuple[dict, pl.DataFrame]:
    out = logs / f"{way}.parquet"
    measured = measured_command(
        [sys.executable, "-m", "bench.totals", way, str(landing), str(out)],
        str(logs / f"{way}.log"),
    )
    if measured.returncode != 0:
        raise SystemExit(f"{way} failed: see {logs / f'{way}.log'}")
    return figures(measured), pl.read_parquet(out)


def pipeline_totals(published: Path) -> pl.DataFrame:
    import duckdb

    with duckdb.connect(str(published), read_only=True) as con:
        return con.sql(
            """
            select partner_id, billing_period,
                cast(sum(incentive_amount) as decimal(38, 2)) as incentive_amount
            from marts.incentive_details
            where incentive_type = 'base'
            group by all
            order by all
            """
        ).pl()


def agreement(pipeline: pl.DataFrame, floor: pl.DataFrame, peer: pl.DataFrame | None) -> dict:
    """Whether the pipeline agrees with the floor and the peer (if it ran) on every
    (partner, period) total, to the cent."""
    key = ["partner_id", "billing_period"]
    others = {"floor": floor} | ({"peer": peer} if peer is not None else {})
    joined = pipeline.rename({"incentive_amount": "pipeline"})
    for name, totals in others.items():
        joined = joined.join(
            totals.rename({"incentive_amount": name}), on=key, how="full", coalesce=True
        )
    differing = joined.filter(
        pl.any_horizontal(pl.col("pipeline").ne_missing(pl.col(name)) for name in others)
    )
    return {
        "agree": differing.is_empty(),
        "totals": joined.height,
        "grand_total": str(pipeline["incentive_amount"].sum()),
        "differing": differing.cast(pl.String).to_dicts()[:20],
    }


def consumption_rows(summary: dict) -> int:
    return next((load["loaded"] for load in summary["loads"] if load["source"] == "consumption"), 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="consumption rows to generate")
    parser.add_argument("--label", default=None, help="result name (default: the row count)")
    parser.add_argument("--work", default=str(BENCH / "out"), help="scratch folder")
    parser.add_argument("--repeat", type=int, default=30, help="runs of each dashboard query")
    parser.add_argument("--days", type=int, default=DAYS, help="days of landing data")
    parser.add_argument(
        "--engines",
        type=lambda text: text.split(","),
        default=[DEFAULT_ENGINE],
        help="engines to run the pipeline on, the first one in full (e.g. duckdb,spark)",
    )
    parser.add_argument(
        "--no-save", action="store_true", help="print only; do not write bench/results"
    )
    parser.add_argument(
        "--no-shape",
        action="store_true",
        help="skip the shape figure (one more day after 30 and after 120 days of history)",
    )
    parser.add_argument(
        "--publish",
        choices=["copy", "link"],
        default=DEFAULT_PUBLISH,
        help="how runs publish (link: no second copy of the warehouse on disk, for 100M)",
    )
    parser.add_argument(
        "--no-peer",
        action="store_true",
        help="skip the pandas peer (it holds every row in memory: about 0.7 GiB per 1M rows)",
    )
    parser.add_argument(
        "--day-rows",
        type=int,
        default=0,
        help="consumption rows of the timed day, its orders, balances, resources and "
        "association events thinned alike (default: the day as generated); e.g. the 10M set's "
        "daily volume on the 100M set, so that the two days differ only in what lies behind them",
    )
    args = parser.parse_args(argv)
    label = args.label or f"{args.rows}"
    work = Path(args.work).resolve() / label
    shutil.rmtree(work, ignore_errors=True)
    landing, holding, logs = work / "landing", work / "held-back", work / "logs"
    logs.mkdir(parents=True)
    last_day = (START + timedelta(days=args.days - 1)).isoformat()
    as_of = START + timedelta(days=args.days)

    started = time.perf_counter()
    generated = generated_landing(landing, args.rows, args.days)
    generate_seconds = time.perf_counter() - started
    held_back_day(landing, holding, last_day)
    one_row_landing(landing, work / "one-row-landing")
    print(f"generated {generated['consumption']:,} consumption rows in {generate_seconds:.1f} s")

    runs: dict[str, dict[str, dict]] = {engine: {} for engine in args.engines}
    for engine in args.engines:
        runs[engine]["fixed"] = pipeline_run(
            work / "one-row-landing",
            work / engine / "fixed" / "warehouse.duckdb",
            as_of,
            logs,
            f"{engine}-fixed",
            engine,
            args.publish,
        )
        print(f"{engine} fixed cost: {runs[engine]['fixed']['seconds']:.1f} s")
        runs[engine]["full"] = pipeline_run(
            landing,
            work / engine / "warehouse.duckdb",
            as_of,
            logs,
            f"{engine}-full",
            engine,
            args.publish,
        )
        print(f"{engine} full run: {runs[engine]['full']['seconds']:.1f} s")
    # What the full runs published, before the day changes it: the floor and the peer read
    # the same files as the full runs.
    full_totals = {
        engine: pipeline_totals(publication(work / engine / "warehouse.duckdb"))
        for engine in args.engines
    }
    # The day and the run that finds nothing new come right after the full run, before the
    # floor and the peer: the peer holds every row in memory (7 GB at 10M rows) and leaves
    # the page cache cold, which is no part of a day's cost (it cost 3 s at 10M).
    returned_day(holding, landing, last_day)
    if args.day_rows:
        thinned_day(landing, last_day, args.day_rows)
    for engine in args.engines:
        runs[engine]["incremental"] = pipeline_run(
            landing,
            work / engine / "warehouse.duckdb",
            as_of,
            logs,
            f"{engine}-incremental",
            engine,
            args.publish,
        )
        print(f"{engine} incremental day: {runs[engine]['incremental']['seconds']:.1f} s")
        runs[engine]["nothing_new"] = pipeline_run(
            landing,
            work / engine / "warehouse.duckdb",
            as_of,
            logs,
            f"{engine}-nothing-new",
            engine,
            args.publish,
        )
        print(f"{engine} nothing new: {runs[engine]['nothing_new']['seconds']:.1f} s")
    held_back_day(landing, holding, last_day)
    floor, floor_totals = totals_run("floor", landing, logs)
    print(f"floor: {floor['seconds']:.1f} s")
    peer, peer_totals = None, None
    if not args.no_peer:
        peer, peer_totals = totals_run("peer", landing, logs)
        print(f"peer: {peer['seconds']:.1f} s")
    returned_day(holding, landing, last_day)
    checks = {
        engine: agreement(full_totals[engine], floor_totals, peer_totals) for engine in args.engines
    }
    main_engine = args.engines[0]
    shape = []
    if not args.no_shape:
        rows_per_day = args.rows // args.days
        for history in SHAPE_HISTORIES:
            shape.append(
                one_more_day(
                    rows_per_day, history, work / f"shape-{history}", main_engine, args.publish
                )
            )
            print(f"one more day after {history} days: {shape[-1]['seconds']:.1f} s")
    fixed, full, incremental = (
        runs[main_engine][name] for name in ("fixed", "full", "incremental")
    )
    checked = checks[main_engine]
    queries = dashboard_timings(publication(work / main_engine / "warehouse.duckdb"), args.repeat)

    rows = consumption_rows(full["summary"])
    result = {
        "label": label,
        "measured_on": date.today().isoformat(),
        "command": "".join(f"{name}={os.environ[name]} " for name in TUNING if name in os.environ)
        + f"scripts/bench --rows {args.rows}"
        + (f" --days {args.days}" if args.days != DAYS else "")
        + (f" --engines {','.join(args.engines)}" if args.engines != [DEFAULT_ENGINE] else "")
        + (f" --publish {args.publish}" if args.publish != DEFAULT_PUBLISH else "")
        + (" --no-peer" if args.no_peer else "")
        + (f" --day-rows {args.day_rows}" if args.day_rows else ""),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "consumption_rows": rows,
        "landing_rows": generated,
        "generate_seconds": round(generate_seconds, 1),
        "fixed": fixed,
        "full": full,
        "floor": floor,
        "peer": peer,
        "incremental": incremental,
        "nothing_new": runs[main_engine]["nothing_new"],
        "shape": shape,
        "agreement": checked,
        "dashboard": queries,
        "engine": main_engine,
        "other_engines": {
            engine: {**runs[engine], "agreement": checks[engine]} for engine in args.engines[1:]
        },
    }
    for engine_runs in runs.values():
        for run in engine_runs.values():
            run.pop("summary")
    print(summary_table(result))
    (work / "result.json").write_text(json.dumps(result, indent=2) + "\n")
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{label}.json").write_text(json.dumps(result, indent=2) + "\n")
        (BENCH / "RESULTS.md").write_text(results_markdown(RESULTS))
    disagreeing = {engine: c["differing"] for engine, c in checks.items() if not c["agree"]}
    if disagreeing:
        print("THE TOTALS DISAGREE:", json.dumps(disagreeing, indent=2), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
