"""`partner-warehouse serve`: the dashboards, the Dagster UI and the daemon as child
processes on localhost, and stopping all of them (and their children) together."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from pipelines.instance import instance_home, prepared_home

ROOT = Path(__file__).resolve().parents[1]
# Seconds the processes of `serve` get to end after SIGTERM before they are killed.
STOP_GRACE_SECONDS = 20.0


def serve_commands(args: argparse.Namespace) -> list[list[str]]:
    """The processes of `serve`: Streamlit, and (unless --no-dagster) the Dagster webserver and
    the daemon that runs the schedule, both on the warehouse's instance."""
    bin_dir = Path(sys.executable).parent
    commands = [
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboards" / "app.py"),
            "--server.headless",
            "true",
            "--server.port",
            str(args.port),
            "--server.address",
            "127.0.0.1",
            # Analysts get no "Deploy" button nor developer menu (also in .streamlit/config.toml).
            "--client.toolbarMode",
            "viewer",
            "--browser.gatherUsageStats",
            "false",
        ]
    ]
    if not args.no_dagster:
        workspace = str(ROOT / "workspace.yaml")
        commands.append(
            [
                str(bin_dir / "dagster-webserver"),
                "-w",
                workspace,
                "-h",
                "127.0.0.1",
                "-p",
                str(args.dagster_port),
            ]
        )
        commands.append([str(bin_dir / "dagster-daemon"), "run", "-w", workspace])
    return commands


def serve_environment(args: argparse.Namespace) -> dict[str, str]:
    """The files every process of `serve` works on, as absolute paths, and the instance."""
    warehouse_file = Path(args.warehouse).absolute()
    return {
        **os.environ,
        "PARTNER_WAREHOUSE_PUBLISHED": str(Path(args.published).absolute()),
        "PARTNER_WAREHOUSE_FILE": str(warehouse_file),
        "PARTNER_WAREHOUSE_LANDING": str(Path(args.landing).absolute()),
        "DAGSTER_HOME": str(prepared_home(instance_home(warehouse_file))),
    }


def stop_process_groups(processes: list[subprocess.Popen]) -> None:
    """SIGTERM to each process group, SIGKILL to what is left after the grace period: every
    process `serve` started and whatever they started (code servers, run workers)."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes:
        while group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def serve_until_stopped(args: argparse.Namespace) -> int:
    """The dashboards, the Dagster UI and the daemon on localhost, until SIGTERM or Ctrl-C,
    which stop every process this command started."""
    env = serve_environment(args)
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        stop.set()

    handled = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    previous = {signum: signal.signal(signum, request_stop) for signum in handled}
    # Each process leads a process group of its own: stopping a group stops its children too,
    # and Ctrl-C in the terminal reaches this process only, which then stops them in order.
    processes = [
        subprocess.Popen(command, env=env, cwd=ROOT, process_group=0)
        for command in serve_commands(args)
    ]
    print(f"dashboards: http://127.0.0.1:{args.port}")
    if not args.no_dagster:
        print(f"dagster UI: http://127.0.0.1:{args.dagster_port} (instance {env['DAGSTER_HOME']})")
    code = 0
    try:
        while not stop.wait(0.5):
            ended = next((p for p in processes if p.poll() is not None), None)
            if ended is not None:
                print(
                    f"serve: {Path(ended.args[0]).name} {' '.join(ended.args[1:3])} exited "
                    f"with code {ended.returncode}; stopping the others",
                    file=sys.stderr,
                )
                code = 1
                break
    finally:
        stop_process_groups(processes)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return code
