"""`partner-warehouse generate`: deterministic sample landing files."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from contract.settings import Settings
from tools.generate import generate_landing


def parser(settings: Settings) -> argparse.ArgumentParser:
    gen = argparse.ArgumentParser(
        prog="partner-warehouse generate", description="write deterministic sample landing files"
    )
    gen.add_argument("--out", default=settings.landing_dir)
    gen.add_argument("--seed", type=int, default=7)
    gen.add_argument("--scale", type=float, default=1.0)
    gen.add_argument("--start", default="2026-06-01")
    gen.add_argument("--days", type=int, default=175)
    gen.add_argument("--clean", action="store_true", help="write no deliberately bad rows")
    gen.add_argument(
        "--no-rejected-events",
        action="store_true",
        help="leave out the scripted association events the rules reject",
    )
    gen.add_argument(
        "--plain", action="store_true", help="every text source as UTF-8 CSV, English headers"
    )
    return gen


def main(argv: list[str] | None = None) -> int:
    args = parser(Settings.from_env()).parse_args(argv)
    counts = generate_landing(
        Path(args.out),
        seed=args.seed,
        scale=args.scale,
        start=date.fromisoformat(args.start),
        days=args.days,
        bad_rows=not args.clean,
        rejected_events=not args.no_rejected_events,
        plain=args.plain,
    )
    for source, rows in counts.items():
        print(f"{source:<20}{rows:>12,}")
    return 0
