"""The warehouse as a service: runs from the CLI and from the schedule recorded in the
persistent Dagster instance beside the warehouse, a real `dagster-daemon` ticking the schedule
under `partner-warehouse serve`, the webserver reading the same instance, and every process
of `serve` stopped by SIGTERM or Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import dagster as dg
import psutil
import pytest
from handmade_landing import write_landing

from contract.settings import Settings
from pipelines import schedules
from pipelines.cli import main
from pipelines.instance import memory_instance, persistent_instance, record_run

ROOT = Path(__file__).resolve().parents[1]
SCHEDULED_RUN_TIMEOUT = 150  # a tick (up to a minute away), the queue, a run of the small set
PUBLISHED = ("published", "warehouse")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def wait_for(condition, timeout: float, what: str, serve: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if serve is not None and serve.poll() is not None:
            pytest.fail(f"serve exited with {serve.returncode} while waiting for {what}")
        time.sleep(1)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def test_the_schedule_is_on_by_default_and_can_be_turned_off(monkeypatch) -> None:
    assert schedules.daily_schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert schedules.daily_schedule.cron_schedule == "0 6 * * *"
    monkeypatch.setenv("PARTNER_WAREHOUSE_SCHEDULE", "off")
    assert schedules.default_status(Settings.from_env()) == dg.DefaultScheduleStatus.STOPPED
    monkeypatch.setenv("PARTNER_WAREHOUSE_SCHEDULE", "on")
    assert schedules.default_status(Settings.from_env()) == dg.DefaultScheduleStatus.RUNNING


@dg.op
def answer() -> int:
    return 42


@dg.job
def tiny() -> None:
    answer()


def test_a_run_is_recorded_whole_or_the_reason_is_given(tmp_path) -> None:
    with memory_instance() as memory:
        result = tiny.execute_in_process(instance=memory)
        events = len(memory.all_logs(result.run_id))
        assert record_run(memory, result.run_id, tmp_path / "dagster") is None
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("a file where the instance would go")
        problem = record_run(memory, result.run_id, blocker)
    assert problem and "not-a-folder" in problem  # says why, the run itself stands
    instance = persistent_instance(tmp_path / "dagster")
    try:
        (run,) = instance.get_runs()
        assert (run.run_id, run.status) == (result.run_id, dg.DagsterRunStatus.SUCCESS)
        assert len(instance.all_logs(run.run_id)) == events
        assert instance.get_run_record_by_id(run.run_id).end_time is not None
    finally:
        instance.dispose()


def test_a_command_s_process_exits_with_its_code_its_objects_kept_from_the_collector() -> None:
    probe = textwrap.dedent(
        """
        import atexit, gc
        from pipelines.cli import COLLECTION_THRESHOLDS, as_process
        atexit.register(
            lambda: print(gc.get_threshold() == COLLECTION_THRESHOLDS, gc.get_freeze_count() > 0)
        )
        as_process(lambda: 3)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout.split()) == (3, ["True", "True"])


@dg.asset
def upstream() -> int:
    return 1


@dg.asset
def downstream(upstream: int) -> int:
    return upstream + 1


def test_the_run_instance_in_memory_keeps_what_dagster_reads_back() -> None:
    # Dagster looks up the last materialization of an asset's parents while it runs (data
    # versions): the held connection must see what the run stored a moment before.
    with memory_instance() as memory:
        job = dg.Definitions(assets=[upstream, downstream]).resolve_implicit_global_asset_job_def()
        result = job.execute_in_process(instance=memory)
        assert result.success
        records = memory.get_asset_records([dg.AssetKey("upstream"), dg.AssetKey("downstream")])
        assert len(records) == 2
        assert all(r.asset_entry.last_materialization_record is not None for r in records)
        assert memory.get_latest_materialization_event(dg.AssetKey("downstream")).run_id == (
            result.run_id
        )


def test_a_record_broken_off_midway_leaves_none_of_the_run_s_events(tmp_path) -> None:
    with memory_instance() as memory:
        result = tiny.execute_in_process(instance=memory)
        events = memory.all_logs(result.run_id)
        assert len(events) > 4

        def broken_off(run_id: str):
            yield from events[:3]
            raise OSError("No space left on device")

        memory.all_logs = broken_off
        problem = record_run(memory, result.run_id, tmp_path / "dagster")
    assert problem == "No space left on device"
    instance = persistent_instance(tmp_path / "dagster")
    try:
        assert instance.all_logs(result.run_id) == []  # the three stored first were rolled back
    finally:
        instance.dispose()


@pytest.fixture(scope="module")
def service_root(tmp_path_factory) -> Path:
    """A warehouse of the hand-made landing set, built once by `partner-warehouse run`."""
    root = tmp_path_factory.mktemp("service")
    write_landing(root / "landing")
    env = os.environ.pop("DAGSTER_HOME", None)
    try:
        code = main(
            [
                "run",
                "--landing",
                str(root / "landing"),
                "--warehouse",
                str(root / "warehouse.duckdb"),
                "--as-of",
                "2026-07-20",
            ]
        )
    finally:
        if env is not None:
            os.environ["DAGSTER_HOME"] = env
    assert code == 0
    return root


@pytest.mark.slow
def test_a_cli_run_is_recorded_in_the_instance_beside_the_warehouse(service_root) -> None:
    home = service_root / "dagster"
    assert (home / "dagster.yaml").is_file()
    instance = persistent_instance(home)
    try:
        runs = instance.get_runs()
        assert [run.status for run in runs] == [dg.DagsterRunStatus.SUCCESS]
        assert runs[0].tags["partner_warehouse/as_of"] == "2026-07-20"
        published = instance.get_latest_materialization_event(dg.AssetKey(list(PUBLISHED)))
        assert published is not None and published.run_id == runs[0].run_id
        orders = instance.get_latest_materialization_event(dg.AssetKey(["raw", "orders"]))
        assert orders is not None
    finally:
        instance.dispose()


def serve(root: Path, port: int, dagster_port: int, cron: str | None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("DAGSTER_HOME", None)  # serve finds the instance beside the warehouse
    if cron:
        env["PARTNER_WAREHOUSE_SCHEDULE_CRON"] = cron
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pipelines.cli",
            "serve",
            "--warehouse",
            str(root / "warehouse.duckdb"),
            "--landing",
            str(root / "landing"),
            "--published",
            str(root / "published"),
            "--port",
            str(port),
            "--dagster-port",
            str(dagster_port),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(root / f"serve-{port}.log").open("w"),
    )


def descendants(process: subprocess.Popen) -> list[psutil.Process]:
    return psutil.Process(process.pid).children(recursive=True)


def command_line(process: psutil.Process) -> str:
    """The process's command line; empty for one that ended meanwhile (a finished run not
    yet reaped is a zombie, whose command line psutil cannot read: a CI run failed so)."""
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def all_gone(processes: list[psutil.Process]) -> bool:
    for process in processes:
        try:
            if process.status() != psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            continue
    return True


def graphql_runs(dagster_port: int) -> list[dict]:
    query = "{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }"
    request = urllib.request.Request(
        f"http://127.0.0.1:{dagster_port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)["data"]["runsOrError"]["results"]


def scheduled_runs(home: Path) -> list[dg.DagsterRun]:
    instance = persistent_instance(home)
    try:
        return list(
            instance.get_runs(
                filters=dg.RunsFilter(tags={"dagster/schedule_name": "daily_schedule"})
            )
        )
    finally:
        instance.dispose()


@pytest.mark.slow
def test_a_schedule_tick_in_the_daemon_is_a_recorded_run_the_webserver_shows(
    service_root,
) -> None:
    """`serve` with the schedule every minute: the real daemon ticks it, the run succeeds and
    is recorded in the instance beside the warehouse, and the webserver lists it with the CLI's
    run. SIGTERM then stops every process serve started, its grandchildren included."""
    port, dagster_port = free_port(), free_port()
    process = serve(service_root, port, dagster_port, cron="* * * * *")
    try:
        wait_for(
            lambda: answers(f"http://127.0.0.1:{dagster_port}/server_info"),
            90,
            "the Dagster webserver",
            process,
        )
        home = service_root / "dagster"

        def succeeded() -> list[dg.DagsterRun]:
            runs = scheduled_runs(home)
            failed = [r for r in runs if r.status == dg.DagsterRunStatus.FAILURE]
            assert not failed, f"scheduled run {failed[0].run_id} failed"
            return [r for r in runs if r.status == dg.DagsterRunStatus.SUCCESS]

        (run, *_) = wait_for(succeeded, SCHEDULED_RUN_TIMEOUT, "a scheduled run", process)
        assert run.tags["partner_warehouse/as_of"]
        shown = {r["runId"]: r["status"] for r in graphql_runs(dagster_port)}
        assert shown[run.run_id] == "SUCCESS"
        assert len(shown) >= 2  # the CLI's run of the fixture too
        assert answers(f"http://127.0.0.1:{port}/_stcore/health")
        started = descendants(process)
        names = " ".join(command_line(p) for p in started)
        assert "streamlit" in names and "dagster-webserver" in names
        assert "dagster-daemon" in names
    finally:
        started = descendants(process)
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=60)
    assert code == 0
    wait_for(lambda: all_gone(started), 10, "every process of serve to end")


@pytest.mark.slow
def test_ctrl_c_stops_every_process_of_serve(service_root) -> None:
    port, dagster_port = free_port(), free_port()
    process = serve(service_root, port, dagster_port, cron=None)
    try:
        wait_for(
            lambda: (
                answers(f"http://127.0.0.1:{dagster_port}/server_info")
                and answers(f"http://127.0.0.1:{port}/_stcore/health")
            ),
            90,
            "the dashboards and the Dagster webserver",
            process,
        )
    finally:
        started = descendants(process)
        assert len(started) >= 3  # streamlit, webserver, daemon (and their code servers)
        process.send_signal(signal.SIGINT)  # what Ctrl-C sends
        code = process.wait(timeout=60)
    assert code == 0
    wait_for(lambda: all_gone(started), 10, "every process of serve to end")
