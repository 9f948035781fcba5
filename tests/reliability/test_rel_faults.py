"""Faults injected into real runs on the hand-made landing set: kills during ingestion and
during dbt, a full disk, an unwritable folder, a corrupt warehouse file, two runs at once
(with readers querying all the while). After each: the published warehouse opens and holds
the previous answers, the lock is free, no landing file changed, and the next run gives the
answers computed by hand.

The tests of this module share one site and run in order: each fault leaves the site as a
failed or killed run would, and the next test's run is the one that must recover from it.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from figures import record
from handmade_site import HANDMADE_AS_OF

import pipelines.warehouse as warehouse_module
from contract.published import published_warehouse
from contract.sources import SOURCES
from pipelines.cli import main
from pipelines.run import run_pipeline
from pipelines.warehouse import Warehouse, WarehouseCorrupt, WarehouseUnwritable

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
RUNNER = Path(__file__).with_name("fault_runner.py")
AS_OF = date(2026, 7, 20)
LATE_DROP = "2026-07-10"
# The statements of the hand-made set (tests/test_pipeline_run.py works them out):
# D1 June 252.40; S1 June 20.00; S1 July -8.00 (the refund).
BASE = [
    ("D1", "202606", Decimal("252.40")),
    ("S1", "202606", Decimal("20.00")),
    ("S1", "202607", Decimal("-8.00")),
]


def with_d1_july(amount: str) -> list[tuple[str, str, Decimal]]:
    """BASE plus a D1 July statement: late orders of C2, through reseller R1, settle to D1
    at distributor/reseller/ECS 10%."""
    return sorted([*BASE, ("D1", "202607", Decimal(amount))])


def late_order(order_no: str, paid: str) -> str:
    """One more paid order of C2 on 2026-07-09, as CSV text."""
    columns = SOURCES["orders"].columns
    values = [order_no, "C2", "ECS", "云服务器", "2026-07-09 10:00:00", paid, "0", "0", paid]
    values += ["paid", "", "", ""]
    return ",".join(columns) + "\n" + ",".join(values) + "\n"


@pytest.fixture(scope="module")
def site(handmade_copy: Warehouse) -> Warehouse:
    """The hand-made set built as of AS_OF (conftest), this module's own copy."""
    assert AS_OF == HANDMADE_AS_OF
    assert statements(handmade_copy) == BASE
    return handmade_copy


def land(warehouse: Warehouse, order_no: str, paid: str) -> None:
    """A late order landed as its own file on the late drop date."""
    folder = warehouse.landing_root / "orders" / LATE_DROP
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{order_no}.csv").write_text(late_order(order_no, paid), encoding="utf-8")


def statements(warehouse: Warehouse) -> list[tuple[str, str, Decimal]]:
    """The statements as a reader sees them: the published copy, opened read-only."""
    path = published_warehouse(warehouse.published_root)
    assert path is not None
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select partner_id, billing_period, incentive_amount "
            "from marts.incentive_statements order by all"
        ).fetchall()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def landing_hashes(warehouse: Warehouse) -> dict[str, str]:
    root = warehouse.landing_root
    return {p.relative_to(root).as_posix(): sha256(p) for p in root.rglob("*") if p.is_file()}


def lock_is_free(warehouse: Warehouse) -> bool:
    fd = os.open(warehouse.lock_file, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


class State:
    """What a fault must not change: the warehouse, the published copy, the landing files."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse
        self.warehouse_sha = sha256(warehouse.warehouse_file)
        self.published = published_warehouse(warehouse.published_root)
        self.published_sha = sha256(self.published)
        self.statements = statements(warehouse)
        self.landing = landing_hashes(warehouse)

    def assert_unchanged(self) -> None:
        wh = self.warehouse
        assert sha256(wh.warehouse_file) == self.warehouse_sha
        assert published_warehouse(wh.published_root) == self.published
        assert sha256(self.published) == self.published_sha
        assert statements(wh) == self.statements  # opens read-only, previous answers
        assert landing_hashes(wh) == self.landing
        assert lock_is_free(wh)
        assert not list(wh.published_root.glob("*.partial"))


def recovered(warehouse: Warehouse, expected: list[tuple[str, str, Decimal]]) -> None:
    """The next run completes, cleans up after the fault and gives the expected answers."""
    landing = landing_hashes(warehouse)
    summary = run_pipeline(warehouse, AS_OF)
    assert summary.success, summary.error
    assert statements(warehouse) == expected
    assert not list(warehouse.warehouse_file.parent.glob("*.run-*"))
    assert landing_hashes(warehouse) == landing
    assert lock_is_free(warehouse)


def cli_args(warehouse: Warehouse) -> list[str]:
    return [
        "run",
        "--landing",
        str(warehouse.landing_root),
        "--warehouse",
        str(warehouse.warehouse_file),
        "--as-of",
        AS_OF.isoformat(),
    ]


def start_run(warehouse: Warehouse, hook: str, marker: Path, **popen) -> subprocess.Popen:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.Popen(
        [sys.executable, str(RUNNER), hook, str(marker), *cli_args(warehouse)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the kill takes dbt with it
        **popen,
    )


def kill_when(process: subprocess.Popen, marker: Path, timeout: float = 240) -> str:
    """SIGKILL the run's whole process group as soon as it writes the marker."""
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if process.poll() is not None:
            out, err = process.communicate()
            raise AssertionError(f"the run ended before the fault point:\n{out}\n{err}")
        assert time.monotonic() < deadline, "the run never reached the fault point"
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    return marker.read_text(encoding="utf-8")


# ---------------------------------------------------------------- unwritable and full disk


def test_an_unwritable_warehouse_path_is_a_clear_error(site: Warehouse, tmp_path, capsys):
    state = State(site)
    # Tests run as root, which ignores permissions: a folder that is a file stops root too.
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    target = blocker / "warehouse.duckdb"
    args = cli_args(site)
    args[args.index("--warehouse") + 1] = str(target)
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err == f"error: cannot write the warehouse at {target}: {blocker} is a file, not a folder"
    )
    # A scheduled run (no CLI check first) fails in its first step with the same clarity.
    problem = f"cannot write {target}: {blocker} is a file, not a folder"
    with pytest.raises(WarehouseUnwritable, match=re.escape(problem)):
        Warehouse(path=str(target), landing_dir=str(site.landing_root)).begin("scheduled")
    assert blocker.read_text(encoding="utf-8") == "a file"
    state.assert_unchanged()
    record("fault", name="unwritable warehouse path", survived=True)


def test_too_little_free_space_refuses_before_starting(site, monkeypatch, capsys):
    state = State(site)
    nearly_full = shutil._ntuple_diskusage(total=1 << 30, used=(1 << 30) - (5 << 20), free=5 << 20)
    monkeypatch.setattr("pipelines.preflight.shutil.disk_usage", lambda _: nearly_full)
    assert main(cli_args(site)) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"error: not enough free space for the warehouse at {site.warehouse_file}"
    )
    assert "5 MiB free" in err
    state.assert_unchanged()
    record("fault", name="disk nearly full before a run", survived=True)


def test_disk_full_while_publishing_changes_nothing(site, monkeypatch):
    state = State(site)
    real_copy = warehouse_module.shutil.copyfile

    def copy_until_disk_full(src, dst, *args, **kwargs):
        if str(dst).endswith(".partial"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_copy(src, dst, *args, **kwargs)

    monkeypatch.setattr(warehouse_module.shutil, "copyfile", copy_until_disk_full)
    site.begin("disk-full-run")  # a run that got as far as its commit
    try:
        with pytest.raises(WarehouseUnwritable) as failure:
            site.commit("disk-full-run")
    finally:
        site.end("disk-full-run")
    message = str(failure.value)
    assert message.startswith(f"cannot write {site.published_root}/warehouse-")
    assert "No space left on device (errno 28)" in message
    assert message.endswith("the warehouse and its published copy are unchanged")
    state.assert_unchanged()
    assert not list(site.warehouse_file.parent.glob("*.run-*"))
    record("fault", name="disk full while publishing", survived=True)


def test_file_size_limit_of_the_kernel_fails_the_run_cleanly(site, tmp_path):
    """A real write error from the kernel: the run may write 1 MiB per file, the warehouse
    copy needs more, so the working copy fails with EFBIG as on a full disk. The run has
    news to write (a file it cannot load): a run with nothing new copies nothing."""
    junk = site.landing_root / "notes" / "2026-07-20" / "readme.txt"
    junk.parent.mkdir(parents=True)
    junk.write_text("not a landing file\n")
    state = State(site)

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))

    run = start_run(site, "none", tmp_path / "unused", preexec_fn=limit_file_size)
    out, err = run.communicate(timeout=300)
    assert run.returncode == 1, (out, err)
    assert "RUN FAILED: step" in err
    assert f"cannot write {site.warehouse_file}.run-" in err
    assert "File too large (errno 27)" in err
    assert "The warehouse and its published copy are unchanged." in err
    state.assert_unchanged()
    assert not list(site.warehouse_file.parent.glob("*.run-*"))
    shutil.rmtree(site.landing_root / "notes")
    record("fault", name="kernel write limit (EFBIG) during a run", survived=True)


# ---------------------------------------------------------------- killed runs


def test_sigkill_during_ingestion_then_the_next_run_recovers(site: Warehouse, tmp_path):
    state = State(site)
    land(site, "O9", "9.00")
    state.landing = landing_hashes(site)
    marker = tmp_path / "ingesting"
    loaded = kill_when(start_run(site, "ingest", marker), marker)
    assert loaded.startswith("loaded ")
    state.assert_unchanged()  # O9 is not visible: its run never committed
    # The killed run left its working copy (and the copy's WAL, if it had not checkpointed)
    # behind; the next run removes them.
    working = site.working_file
    left = {path.name for path in site.warehouse_file.parent.glob("*.run-*")}
    assert working.name in left <= {working.name, f"{working.name}.wal"}
    # O9: 9.00 x 10% = 0.90 for D1 in July.
    recovered(site, with_d1_july("0.90"))
    record("fault", name="SIGKILL during ingestion", survived=True)


def test_sigkill_during_dbt_then_the_next_run_recovers(site: Warehouse, tmp_path):
    land(site, "O10", "20.00")
    state = State(site)
    assert state.statements == with_d1_july("0.90")
    marker = tmp_path / "dbt"
    assert kill_when(start_run(site, "dbt", marker), marker) == "dbt is building"
    state.assert_unchanged()
    # O10: 20.00 x 10% = 2.00, with O9 0.90: 2.90.
    recovered(site, with_d1_july("2.90"))
    record("fault", name="SIGKILL during dbt", survived=True)


# ---------------------------------------------------------------- corrupt warehouse


def test_corrupt_warehouse_is_a_clear_error_and_rebuild_restores_it(site, capsys):
    expected = with_d1_july("2.90")
    landing = landing_hashes(site)
    published_before = published_warehouse(site.published_root)
    with site.warehouse_file.open("r+b") as handle:
        handle.write(b"\xde\xad\xbe\xef" * 4096)  # the file header and both database headers
    corrupt_sha = sha256(site.warehouse_file)

    assert main(cli_args(site)) == 2
    err = capsys.readouterr().err.strip()
    rebuild = (
        f"partner-warehouse rebuild --landing {site.landing_root} --warehouse {site.warehouse_file}"
    )
    assert err.startswith(f"error: the warehouse file {site.warehouse_file} is corrupt (")
    assert err.endswith(f"Rebuild it from the landing files with: {rebuild}")
    assert "\n" not in err
    # A scheduled run says the same in its first step.
    with pytest.raises(WarehouseCorrupt, match="Rebuild it from the landing files with"):
        site.begin("scheduled")
    site.end("scheduled")
    assert sha256(site.warehouse_file) == corrupt_sha  # untouched, for a post-mortem
    assert published_warehouse(site.published_root) == published_before
    assert statements(site) == expected  # readers keep the last good publication

    code = main(["rebuild", *cli_args(site)[1:]])
    out = capsys.readouterr().out
    assert code == 0, out
    (aside,) = site.warehouse_file.parent.glob(f"{site.warehouse_file.name}.corrupt-*")
    assert f"moved {site.warehouse_file} aside to {aside}" in out
    assert sha256(aside) == corrupt_sha  # kept, never deleted
    assert statements(site) == expected  # the same answers, from the landing files alone
    with duckdb.connect(str(site.warehouse_file), read_only=True) as con:
        assert con.execute("select count(*) from raw.orders").fetchone() == (6,)
    assert landing_hashes(site) == landing
    record("fault", name="corrupt warehouse file, then rebuild", survived=True)


# ---------------------------------------------------------------- two runs, many readers

READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb
    from contract.published import published_warehouse

    folder, stop = Path(sys.argv[1]), Path(sys.argv[2])
    while not stop.exists():
        try:
            path = published_warehouse(folder)
            with duckdb.connect(str(path), read_only=True) as con:
                statements = con.execute(
                    "select partner_id, billing_period, incentive_amount::varchar "
                    "from marts.incentive_statements order by all").fetchall()
                details = con.execute(
                    "select count(*), sum(incentive_amount)::varchar "
                    "from marts.incentive_details").fetchone()
            print(json.dumps({"file": path.name, "answer": [statements, details]}), flush=True)
        except Exception as exc:
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}"}), flush=True)
        time.sleep(0.02)
    """
)


def reader_answer(warehouse: Warehouse) -> list:
    with duckdb.connect(str(published_warehouse(warehouse.published_root)), read_only=True) as con:
        statements = con.execute(
            "select partner_id, billing_period, incentive_amount::varchar "
            "from marts.incentive_statements order by all"
        ).fetchall()
        details = con.execute(
            "select count(*), sum(incentive_amount)::varchar from marts.incentive_details"
        ).fetchone()
    return json.loads(json.dumps([statements, details]))


@pytest.fixture
def readers(site: Warehouse, tmp_path) -> Iterator[tuple[Path, list[Path], list[subprocess.Popen]]]:
    # Each reader writes to a file, not a pipe: a pipe nobody drains fills up during a long
    # run and blocks the reader in print(), so it would never get to see the new publication.
    stop = tmp_path / "stop"
    outputs = [tmp_path / f"reader-{i}.jsonl" for i in range(4)]
    processes = []
    for output in outputs:
        with output.open("w") as sink:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", READER, str(site.published_root), str(stop)],
                    cwd=REPO,
                    stdout=sink,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
            )
    yield stop, outputs, processes
    stop.touch()
    for process in processes:
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def reader_lines(outputs: list[Path]) -> list[dict]:
    return [json.loads(line) for output in outputs for line in output.read_text().splitlines()]


def wait_until_every_reader_saw(outputs: list[Path], answer: list, timeout: float = 60) -> None:
    # A reader prints each answer as json.dumps of the same structure, so the text matches.
    wanted = json.dumps(answer)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not all(wanted in o.read_text() for o in outputs):
        time.sleep(0.1)


def test_two_runs_at_once_while_readers_query(site: Warehouse, tmp_path, readers):
    stop, outputs, processes = readers
    old = reader_answer(site)
    land(site, "O11", "30.00")
    landing = landing_hashes(site)
    wait_until_every_reader_saw(outputs, old)
    runs = [start_run(site, "none", tmp_path / f"unused-{i}") for i in range(2)]
    results = [run.communicate(timeout=400) for run in runs]
    codes = sorted(run.returncode for run in runs)
    wait_until_every_reader_saw(outputs, reader_answer(site))
    stop.touch()
    for process in processes:
        process.wait(timeout=60)

    # One run wins the lock and commits; the other refuses at once, naming the first.
    assert codes == [0, 1], results
    (refused_err,) = [err for run, (_, err) in zip(runs, results, strict=True) if run.returncode]
    assert f"another run is writing {site.warehouse_file}" in refused_err
    # O11: 30.00 x 10% = 3.00, with O9 and O10: 5.90.
    assert statements(site) == with_d1_july("5.90")
    new = reader_answer(site)
    assert new != old
    assert landing_hashes(site) == landing
    assert lock_is_free(site)

    answers, failures = [], []
    for item in reader_lines(outputs):
        (failures if "error" in item else answers).append(item)
    assert failures == []
    assert len(answers) > 40
    seen = {json.dumps(a["answer"]) for a in answers}
    # Every answer is wholly the old or wholly the new publication, and both were seen.
    assert seen == {json.dumps(old), json.dumps(new)}
    record("fault", name="two runs started at once", survived=True)
    record("reads", readers=len(outputs), queries=2 * len(answers), failures=len(failures))
