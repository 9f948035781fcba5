"""The benchmark's agreement check and table, on hand-made totals."""

from decimal import Decimal

import polars as pl

from bench.__main__ import agreement
from bench.report import shape_lines, summary_table


def totals(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [(p, b, Decimal(a)) for p, b, a in rows],
        schema={
            "partner_id": pl.String,
            "billing_period": pl.String,
            "incentive_amount": pl.Decimal(38, 2),
        },
        orient="row",
    )


PIPELINE = totals(("P1001", "202606", "10.00"), ("P3001", "202606", "2.50"))


def test_all_three_agree_to_the_cent() -> None:
    checked = agreement(PIPELINE, PIPELINE.clone(), PIPELINE.clone())
    assert checked["agree"]
    assert checked["totals"] == 2
    assert checked["grand_total"] == "12.50"


def test_a_cent_off_in_the_peer_or_a_missing_period_in_the_floor_disagrees() -> None:
    peer = totals(("P1001", "202606", "10.01"), ("P3001", "202606", "2.50"))
    floor = totals(("P1001", "202606", "10.00"))
    checked = agreement(PIPELINE, floor, peer)
    assert not checked["agree"]
    assert [(d["partner_id"], d["floor"], d["peer"]) for d in checked["differing"]] == [
        ("P1001", "10.00", "10.01"),
        ("P3001", None, "2.50"),
    ]


def test_without_the_peer_only_the_floor_is_compared() -> None:
    assert agreement(PIPELINE, PIPELINE.clone(), None)["agree"]
    floor = totals(("P1001", "202606", "10.00"), ("P3001", "202606", "2.49"))
    assert not agreement(PIPELINE, floor, None)["agree"]


def test_the_table_says_when_the_peer_did_not_run() -> None:
    run = {"seconds": 20.0, "peak_rss_mib": 100.0, "stages": {"ingest": 5.0, "dbt": 10.0}}
    result = {
        "label": "100",
        "measured_on": "2026-11-23",
        "command": "scripts/bench --rows 100 --no-peer",
        "machine": {"cpus": 2, "python": "3.11"},
        "consumption_rows": 100,
        "full": run,
        "fixed": {**run, "seconds": 8.0},
        "incremental": {**run, "seconds": 4.0},
        "floor": {"seconds": 2.0, "peak_rss_mib": 50.0},
        "peer": None,
        "agreement": {"totals": 2, "grand_total": "12.50", "agree": True},
        "dashboard": {},
    }
    table = summary_table(result)
    assert "| peer: pandas | not run (`--no-peer`) |" in table
    # 20 s against a 2 s floor; no ratio to a peer that did not run.
    assert "| pipeline: full run | 20.00 | 5 | 100 | 10.00x | - |" in table
    assert "variable cost (full - fixed) | 12.00 |" in table
    assert "Incremental day = 20% of the full run" in table
    assert "pipeline = floor, 2 partner-periods" in table


def test_the_shape_figure_compares_the_longest_history_with_the_shortest() -> None:
    def day(history: int, seconds: float) -> dict:
        stages = {"ingest": 1.0, "dbt": seconds - 2.0}
        return {
            "history_days": history,
            "consumption_rows": history * 1000,
            "full_seconds": 60.0,
            "seconds": seconds,
            "stages": stages,
        }

    lines = shape_lines([day(30, 10.0), day(120, 12.0)])
    assert "| 120 days | 120,000 | 60.0 | 12.0 | 1.0 | 10.0 |" in lines
    # 12 s against 10 s, with four times the history
    assert (
        lines[-1]
        == "Shape: the day after 120 days costs 1.20x the day after 30 days (4x the history)."
    )
    assert shape_lines([]) == []
