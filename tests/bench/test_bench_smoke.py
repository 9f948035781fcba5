"""The benchmark end to end at a tiny scale: correctness only, no timing is asserted.

The shape figure (`--no-shape` here) is four more pipeline runs of the same functions
(generate, hold back a day, run, return it, run): about a minute of the suite's budget for
no path the other runs do not take."""

import json
from pathlib import Path

from bench.__main__ import main


def test_the_benchmark_runs_and_pipeline_floor_and_peer_agree(tmp_path: Path) -> None:
    code = main(
        [
            "--rows",
            "2000",
            "--days",
            "28",
            "--repeat",
            "2",
            "--work",
            str(tmp_path),
            "--no-save",
            "--no-shape",
        ]
    )
    result = json.loads((tmp_path / "2000" / "result.json").read_text())
    assert code == 0
    assert result["agreement"]["agree"], result["agreement"]["differing"]
    # 28 days from 2026-06-01 are June: the distributor P1001 (its resellers settle to it)
    # and the solution provider P3001 each have a June total.
    assert result["agreement"]["totals"] == 2
    assert float(result["agreement"]["grand_total"]) > 0
    assert result["consumption_rows"] > 0
    assert set(result["full"]["stages"]) == {"ingest", "dbt", "publish"}
    assert result["incremental"]["stages"]["ingest"] >= 0
    # nothing new after the incremental day: nothing is built, nothing published
    assert "publish" not in result["nothing_new"]["stages"]
    assert result["shape"] == []
    assert set(result["dashboard"]) == {
        "details: order number",
        "details: customer name fragment",
        "details: reseller name",
        "details: page 1, unfiltered",
        "details: page 200, unfiltered",
        "details: filter options",
        "details: filtered live total",
        "statement drill-down, largest (page 1)",
        "statement drill-down, largest (last page)",
        "incentive board",
        "customer board (day)",
        "customer board (month)",
        "what-if: scenario evaluation (one rate changed)",
        "forecast: open and next period",
    }
