"""The benchmark's figures as Markdown: one run's table, and RESULTS.md from every run."""

import json
from pathlib import Path

TARGETS = """Targets (issue 13, 2 cores): one more day at 10M consumption rows <= 15 s, at 100M
<= 1.3x the day at 10M; a run with nothing new <= 10 s; the 100M full run at default
settings with the process tree under 4 GiB, the 10M full run no slower than 140 s. The
shape figure: one more day at the same daily volume after 30 and after 120 days of
history; a ratio near 1 means a day costs the day, not the history. Issue 15: every
dashboard query p95 <= 100 ms at 10M and 100M."""


def ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}x" if b else "-"


def summary_table(result: dict) -> str:
    full, floor, peer = result["full"], result["floor"], result["peer"]
    fixed, incremental = result["fixed"], result["incremental"]
    rows = result["consumption_rows"]
    variable = max(full["seconds"] - fixed["seconds"], 0.0)
    stages = full["stages"]
    lines = [
        f"### {rows:,} consumption rows ({result['label']})",
        "",
        f"Measured {result['measured_on']} with `{result['command']}` on "
        f"{result['machine']['cpus']} CPUs, Python {result['machine']['python']}.",
        "",
        "| what | seconds | rows/s | peak RSS MiB | vs floor | vs peer |",
        "|---|---:|---:|---:|---:|---:|",
    ]

    def line(name: str, seconds: float, rss: float | None) -> str:
        rate = f"{rows / seconds:,.0f}" if seconds else "-"
        memory = f"{rss:,.0f}" if rss is not None else ""
        return (
            f"| {name} | {seconds:.2f} | {rate} | {memory} | "
            f"{ratio(seconds, floor['seconds'])} | {ratio(seconds, peer and peer['seconds'])} |"
        )

    lines += [
        line("floor: one DuckDB query", floor["seconds"], floor["peak_rss_mib"]),
        line("peer: pandas", peer["seconds"], peer["peak_rss_mib"])
        if peer
        else "| peer: pandas | not run (`--no-peer`) | | | | |",
        line("pipeline: full run", full["seconds"], full["peak_rss_mib"]),
        line("- ingestion", stages.get("ingest", 0.0), None),
        line("- dbt build", stages.get("dbt", 0.0), None),
        line("- publish", stages.get("publish", 0.0), None),
        line("- start-up and the rest", full["seconds"] - sum(stages.values()), None),
        line("fixed cost (one row per source)", fixed["seconds"], fixed["peak_rss_mib"]),
        line("variable cost (full - fixed)", variable, None),
        line("incremental day", incremental["seconds"], incremental["peak_rss_mib"]),
    ]
    if "nothing_new" in result:
        nothing = result["nothing_new"]
        lines.append(line("nothing new", nothing["seconds"], nothing["peak_rss_mib"]))
    for engine, other in result.get("other_engines", {}).items():
        lines += [
            line(f"{engine}: full run", other["full"]["seconds"], other["full"]["peak_rss_mib"]),
            line(f"- {engine} dbt build", other["full"]["stages"].get("dbt", 0.0), None),
            line(
                f"{engine}: fixed cost", other["fixed"]["seconds"], other["fixed"]["peak_rss_mib"]
            ),
            line(
                f"{engine}: incremental day",
                other["incremental"]["seconds"],
                other["incremental"]["peak_rss_mib"],
            ),
        ]
    lines += [
        "",
        f"Incremental day = {incremental['seconds'] / full['seconds']:.0%} of the full run "
        f"(ingestion {incremental['stages'].get('ingest', 0):.1f} s, dbt "
        f"{incremental['stages'].get('dbt', 0):.1f} s).",
        f"Totals agree (pipeline = floor{' = peer' if peer else ''}, "
        f"{result['agreement']['totals']} partner-periods, "
        f"{result['agreement']['grand_total']} CNY): **{result['agreement']['agree']}**"
        + "".join(
            f"; {engine}: **{other['agreement']['agree']}**"
            for engine, other in result.get("other_engines", {}).items()
        )
        + ".",
        *shape_lines(result.get("shape", [])),
        "",
        "| dashboard query | p50 ms | p95 ms |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {name} | {t['p50_ms']:.1f} | {t['p95_ms']:.1f} |"
        for name, t in result["dashboard"].items()
    ]
    return "\n".join(lines) + "\n"


def shape_lines(shape: list[dict]) -> list[str]:
    """One more day at the same daily volume after each length of history, with the ratio
    of the longest to the shortest."""
    if not shape:
        return []
    lines = [
        "",
        "| one more day after | consumption rows | full run s | the day s | ingest s | dbt s |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {run['history_days']} days | {run['consumption_rows']:,} | {run['full_seconds']:.1f} "
        f"| {run['seconds']:.1f} | {run['stages'].get('ingest', 0):.1f} "
        f"| {run['stages'].get('dbt', 0):.1f} |"
        for run in shape
    ]
    first, last = shape[0], shape[-1]
    lines += [
        "",
        f"Shape: the day after {last['history_days']} days costs "
        f"{ratio(last['seconds'], first['seconds'])} the day after {first['history_days']} days "
        f"({last['history_days'] / first['history_days']:.0f}x the history).",
    ]
    return lines


def results_markdown(folder: Path) -> str:
    results = sorted(
        (json.loads(p.read_text()) for p in folder.glob("*.json")),
        key=lambda r: r["consumption_rows"],
    )
    head = [
        "# Benchmark results",
        "",
        "Written by `scripts/bench --rows N` (see `bench/__main__.py` for what each figure",
        "is). The floor is one DuckDB query over the landing files with no validation; the",
        "peer is pandas; both compute the base incentive per settlement partner and billing",
        "period, and the run fails unless the pipeline's `marts.incentive_details` agrees",
        "with both to the cent. Peak RSS is summed over the whole process tree.",
        "",
        TARGETS,
        "",
    ]
    return "\n".join(head) + "\n".join(summary_table(r) for r in results)
