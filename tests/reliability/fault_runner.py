"""`partner-warehouse` with a fault hook, run as a subprocess by the fault tests.

    python fault_runner.py HOOK MARKER [partner-warehouse arguments...]

HOOK says where the run stalls, after writing MARKER, so that the test can SIGKILL it
right there: `ingest` once the first source's files are loaded into the working copy, `dbt`
once dbt has built its first node (dbt keeps building until the kill), `none` for a plain
run. The hooks only delay the run; they change nothing it writes.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from pipelines.cli import main

STALL_SECONDS = 600  # far longer than any test waits: the test kills the run first


def mark(marker: Path, text: str) -> None:
    """Write the marker whole before it appears: the test kills the run as soon as the file
    exists, and a plain write_text is seen empty between its create and its write."""
    partial = marker.with_name(f"{marker.name}.partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(marker)


def stall_after_first_source(marker: Path) -> None:
    import pipelines.ingest.assets as ingest_assets

    real_load_source = ingest_assets.load_source

    def load_then_stall(*args, **kwargs):
        loads = real_load_source(*args, **kwargs)
        mark(marker, f"loaded {len(loads.files)} file(s)")
        time.sleep(STALL_SECONDS)
        return loads

    ingest_assets.load_source = load_then_stall


def stall_once_dbt_built_a_node(marker: Path) -> None:
    from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation

    real_stream = DbtCliInvocation.stream

    def stream_then_stall(self, *args, **kwargs):
        for event in real_stream(self, *args, **kwargs):
            yield event
            mark(marker, "dbt is building")
            time.sleep(STALL_SECONDS)

    DbtCliInvocation.stream = stream_then_stall


if __name__ == "__main__":
    hook, marker_path, *cli_args = sys.argv[1:]
    marker = Path(marker_path)
    if hook == "ingest":
        stall_after_first_source(marker)
    elif hook == "dbt":
        stall_once_dbt_built_a_node(marker)
    elif hook != "none":
        raise SystemExit(f"unknown hook {hook!r}")
    sys.exit(main(cli_args))
