"""Discovery: every file under the landing root is loadable or listed with its reason."""

import os
from datetime import date
from pathlib import Path

import duckdb

from contract.sources import SOURCES
from pipelines.ingest.discover import (
    landed_partitions,
    landing_inventory,
    replace_files_not_loaded,
    source_files,
)
from pipelines.ingest.tables import ensure_tables


def touch(root: Path, relative: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("order_no\n")
    return path


def test_every_file_is_loadable_or_not_loaded_with_a_reason(tmp_path: Path) -> None:
    root = tmp_path / "landing"
    loadable = ["orders/2026-04-21/b.csv", "orders/2026-04-21/a.xlsx", "orders/2026-04-20/z.csv"]
    for relative in loadable:
        touch(root, relative)
    touch(root, "orders/latest/o.csv")
    touch(root, "orders/2026-04-21/.hidden.csv")
    touch(root, "orders/2026-04-21/notes.txt")
    touch(root, "orderz/2026-04-21/o.csv")
    touch(root, "orders/2026-04-21/old/o.csv")
    (tmp_path / "secret").write_text("root:x\n")
    os.symlink(tmp_path / "secret", root / "orders/2026-04-21/s.csv")
    os.symlink(tmp_path, root / "orders/2026-04-21/up")  # a link to a folder above

    inventory = landing_inventory(root)

    # By drop date, then name.
    assert [f.file for f in inventory.files["orders"]] == [
        "orders/2026-04-20/z.csv",
        "orders/2026-04-21/a.xlsx",
        "orders/2026-04-21/b.csv",
    ]
    assert inventory.files["orders"][0].day == date(2026, 4, 20)
    reasons = {n.file: n.reason for n in inventory.not_loaded}
    assert sorted(reasons) == [
        "orders/2026-04-21/.hidden.csv",
        "orders/2026-04-21/notes.txt",
        "orders/2026-04-21/old/o.csv",
        "orders/2026-04-21/s.csv",
        "orders/2026-04-21/up",
        "orders/latest/o.csv",
        "orderz/2026-04-21/o.csv",
    ]
    assert reasons["orders/2026-04-21/s.csv"].startswith("a link pointing outside")
    assert reasons["orders/2026-04-21/up"].startswith("a link pointing outside")
    assert reasons["orders/latest/o.csv"].startswith("folder 'latest' is not a drop date")
    assert reasons["orderz/2026-04-21/o.csv"].startswith("unknown source folder 'orderz'")
    assert reasons["orders/2026-04-21/old/o.csv"].startswith("nested sub-folder")
    assert reasons["orders/2026-04-21/notes.txt"].startswith("unsupported file type '.txt'")
    assert reasons["orders/2026-04-21/.hidden.csv"].startswith("hidden or temporary file")

    assert [f.file for f in source_files(root, SOURCES["orders"])] == [
        f.file for f in inventory.files["orders"]
    ]
    assert source_files(root, SOURCES["staff"]) == []
    assert landed_partitions(root) == ["2026-04-20", "2026-04-21"]


def test_a_link_inside_the_landing_root_is_read_at_its_target(tmp_path: Path) -> None:
    target = touch(tmp_path, "archive/o.csv")
    link = tmp_path / "orders/2026-04-21/o.csv"
    link.parent.mkdir(parents=True)
    os.symlink(target, link)
    os.symlink(tmp_path / "missing.csv", tmp_path / "orders/2026-04-21/gone.csv")

    inventory = landing_inventory(tmp_path)

    (landing,) = inventory.files["orders"]
    assert (landing.file, landing.path) == ("orders/2026-04-21/o.csv", target.resolve())
    reasons = {n.file: n.reason for n in inventory.not_loaded}
    assert reasons["archive/o.csv"].startswith("wrong folder layout")
    assert reasons["orders/2026-04-21/gone.csv"].startswith("a link to nothing")


def test_files_not_loaded_are_replaced_on_each_run(tmp_path: Path) -> None:
    con = duckdb.connect()
    ensure_tables(con)
    touch(tmp_path, "orders/latest/a.csv")
    touch(tmp_path, "b.csv")
    replace_files_not_loaded(con, landing_inventory(tmp_path).not_loaded)
    assert con.execute("select file from audit.files_not_loaded order by file").fetchall() == [
        ("b.csv",),
        ("orders/latest/a.csv",),
    ]
    (tmp_path / "b.csv").unlink()
    replace_files_not_loaded(con, landing_inventory(tmp_path).not_loaded)
    assert con.execute(
        "select file, seen_at is not null from audit.files_not_loaded"
    ).fetchall() == [("orders/latest/a.csv", True)]


def test_a_missing_landing_root_has_nothing(tmp_path: Path) -> None:
    inventory = landing_inventory(tmp_path / "nowhere")
    assert (inventory.files, inventory.not_loaded) == ({}, [])
