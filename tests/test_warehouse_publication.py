"""Publishing a committed warehouse: a copy by default; with publish_mode="link" a hard link
on one file system and a copy across two."""

import errno
import os
from pathlib import Path

import duckdb
import pytest

import pipelines.warehouse as warehouse_module
from contract.published import published_warehouse
from pipelines.ingest.tables import ensure_tables
from pipelines.preflight import SPACE_MARGIN_BYTES, warehouse_problem
from pipelines.warehouse import Warehouse, WarehouseUnwritable


def committed_run(warehouse: Warehouse, run_id: str, answer: int) -> Path:
    """A run that writes `answer` into the working file and commits it."""
    with warehouse.connect(run_id) as con:
        con.execute("create or replace table main.answer as select ? as answer", [answer])
    return warehouse.commit(run_id)


def answer_in(path: Path) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select answer from main.answer").fetchone()[0]


def warehouse_at(folder: Path, publish_mode: str) -> Warehouse:
    return Warehouse(
        path=str(folder / "warehouse.duckdb"),
        landing_dir=str(folder / "landing"),
        publish_mode=publish_mode,
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return warehouse_at(tmp_path, "link")


def test_by_default_readers_get_a_copy_that_damage_to_the_warehouse_does_not_reach(
    tmp_path: Path,
) -> None:
    copying = warehouse_at(tmp_path, "copy")
    published = committed_run(copying, "run-1", 1)
    assert published.stat().st_ino != copying.warehouse_file.stat().st_ino
    with copying.warehouse_file.open("r+b") as handle:
        handle.write(b"\xde\xad\xbe\xef" * 4096)
    assert answer_in(published) == 1


def test_an_unknown_publish_mode_is_refused_before_the_run_starts(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="publish_mode must be one of copy, link"):
        warehouse_at(tmp_path, "symlink").begin("run-1")
    assert list(tmp_path.iterdir()) == []


def test_the_published_copy_is_a_link_that_the_next_run_leaves_alone(warehouse) -> None:
    first = committed_run(warehouse, "run-1", 1)
    assert first.stat().st_ino == warehouse.warehouse_file.stat().st_ino
    assert warehouse.warehouse_file.stat().st_nlink == 2

    second = committed_run(warehouse, "run-2", 2)
    # The second run wrote a copy of the warehouse, never the committed file: the first
    # publication still answers 1, and the warehouse and the new publication share a file.
    assert answer_in(first) == 1
    assert answer_in(second) == 2
    assert published_warehouse(warehouse.published_root) == second
    assert second.stat().st_ino == warehouse.warehouse_file.stat().st_ino
    assert first.stat().st_ino != second.stat().st_ino
    assert first.stat().st_nlink == 1


def test_across_file_systems_the_published_file_is_a_copy(warehouse, monkeypatch) -> None:
    def no_link_across_devices(src, dst, *args, **kwargs):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(warehouse_module.os, "link", no_link_across_devices)
    published = committed_run(warehouse, "run-1", 7)
    assert published.stat().st_ino != warehouse.warehouse_file.stat().st_ino
    assert published.read_bytes() == warehouse.warehouse_file.read_bytes()
    assert answer_in(published) == 7


def test_a_link_that_fails_for_want_of_space_changes_nothing(warehouse, monkeypatch) -> None:
    published = committed_run(warehouse, "run-1", 1)

    def no_space(src, dst, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(warehouse_module.os, "link", no_space)
    with warehouse.connect("run-2") as con:
        con.execute("create or replace table main.answer as select 2 as answer")
    with pytest.raises(WarehouseUnwritable, match="No space left on device"):
        warehouse.commit("run-2")
    warehouse.end("run-2")
    assert answer_in(warehouse.warehouse_file) == 1
    assert published_warehouse(warehouse.published_root) == published
    assert sorted(p.name for p in warehouse.published_root.iterdir()) == [
        "CURRENT",
        published.name,
    ]


def refusing_clones(error: int):
    def ioctl(fd, request, *args):
        if request == warehouse_module.FICLONE:
            raise OSError(error, os.strerror(error))
        raise AssertionError(f"unexpected ioctl {request:#x}")

    return ioctl


def test_where_files_cannot_share_blocks_the_copies_are_copies(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(warehouse_module.fcntl, "ioctl", refusing_clones(errno.EOPNOTSUPP))
    copying = warehouse_at(tmp_path, "copy")
    first = committed_run(copying, "run-1", 1)
    second = committed_run(copying, "run-2", 2)
    assert (answer_in(first), answer_in(second)) == (1, 2)
    assert second.read_bytes() == copying.warehouse_file.read_bytes()


def test_a_clone_that_fails_for_want_of_space_changes_nothing(tmp_path, monkeypatch) -> None:
    copying = warehouse_at(tmp_path, "copy")
    published = committed_run(copying, "run-1", 1)
    monkeypatch.setattr(warehouse_module.fcntl, "ioctl", refusing_clones(errno.ENOSPC))
    with pytest.raises(WarehouseUnwritable, match="No space left on device"):
        committed_run(copying, "run-2", 2)
    copying.end("run-2")
    assert answer_in(copying.warehouse_file) == 1
    assert published_warehouse(copying.published_root) == published


def test_the_free_space_check_counts_one_copy_when_publishing_links(warehouse, monkeypatch) -> None:
    committed_run(warehouse, "run-1", 1)
    size = warehouse.warehouse_file.stat().st_size
    free = size + SPACE_MARGIN_BYTES + (1 << 20)  # room for a working copy, not for a second copy

    monkeypatch.setattr(
        "pipelines.preflight.shutil.disk_usage",
        lambda _: warehouse_module.shutil._ntuple_diskusage(1 << 40, (1 << 40) - free, free),
    )
    assert warehouse_problem(warehouse) is None
    # A published folder on another file system needs a copy: now it does not fit.
    monkeypatch.setattr(
        "pipelines.preflight.device_of",
        lambda path: 1 if warehouse.published_root in (path, *path.parents) else 0,
    )
    problem = warehouse_problem(warehouse)
    assert problem is not None
    assert "(a working copy and a published copy)" in problem


def test_the_free_space_check_counts_one_copy_where_files_are_cloned(tmp_path, monkeypatch) -> None:
    copying = warehouse_at(tmp_path, "copy")
    committed_run(copying, "run-1", 1)
    size = copying.warehouse_file.stat().st_size
    free = size + SPACE_MARGIN_BYTES + (1 << 20)  # room to rewrite the working file, no more
    monkeypatch.setattr(
        "pipelines.preflight.shutil.disk_usage",
        lambda _: warehouse_module.shutil._ntuple_diskusage(1 << 40, (1 << 40) - free, free),
    )
    monkeypatch.setattr("pipelines.preflight.clones_files", lambda folder: True)
    assert warehouse_problem(copying) is None
    monkeypatch.setattr("pipelines.preflight.clones_files", lambda folder: False)
    assert "(a working copy and a published copy)" in warehouse_problem(copying)


def test_a_folder_says_whether_its_files_are_cloned(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(warehouse_module.fcntl, "ioctl", refusing_clones(errno.EOPNOTSUPP))
    assert warehouse_module.clones_files(tmp_path) is False
    monkeypatch.setattr(warehouse_module.fcntl, "ioctl", lambda fd, request, *args: 0)
    assert warehouse_module.clones_files(tmp_path) is True
    assert list(tmp_path.iterdir()) == []  # its test files are gone


def test_a_run_reads_the_committed_file_until_it_writes(tmp_path: Path) -> None:
    warehouse = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    with duckdb.connect(str(warehouse.warehouse_file)) as con:
        ensure_tables(con)
    assert warehouse.current_file("r1") == warehouse.warehouse_file
    with warehouse.reader("r1") as con:
        assert con.execute("select count(*) from audit.load_log").fetchall() == [(0,)]
    assert not warehouse.working_file.exists()
    with warehouse.connect("r1") as con:  # the first write makes the working file
        con.execute(
            "insert into audit.files_not_loaded (file, reason, seen_at) values ('x', 'y', now())"
        )
    assert warehouse.current_file("r1") == warehouse.working_file
    with warehouse.reader("r1") as con:  # and the run reads what it wrote
        assert con.execute("select count(*) from audit.files_not_loaded").fetchall() == [(1,)]
    warehouse.end("r1")
    assert not warehouse.working_file.exists()


def test_a_committed_file_without_this_versions_columns_is_copied_and_completed(
    tmp_path: Path,
) -> None:
    warehouse = Warehouse(path=str(tmp_path / "warehouse.duckdb"))
    with duckdb.connect(str(warehouse.warehouse_file)) as con:
        ensure_tables(con)
        con.execute("alter table audit.load_log drop column file_mtime_ns")
    try:
        assert warehouse.current_file("r1") == warehouse.working_file
        with warehouse.reader("r1") as con:
            assert con.execute(
                "select count(*) from duckdb_columns() where table_name = 'load_log' "
                "and column_name = 'file_mtime_ns'"
            ).fetchall() == [(1,)]
    finally:
        warehouse.end("r1")
