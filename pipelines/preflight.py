"""Before a run, and after a bad one: whether the warehouse can be written at all (folder,
free space, a readable file), and moving a corrupt warehouse file aside for a rebuild."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.warehouse import Warehouse, clones_files, looks_corrupt, unwritable_folder

# Room a run needs beside its working copy (and published copy, unless linked) for growth.
SPACE_MARGIN_BYTES = 64 << 20


def device_of(path: Path) -> int:
    """The file system of `path`, or of its nearest existing parent."""
    existing = next(p for p in (path, *path.parents) if p.exists())
    return existing.stat().st_dev


def warehouse_problem(warehouse: Warehouse) -> str | None:
    """Why a run cannot start (an unwritable folder, too little space, a corrupt warehouse
    file), in one line naming the path; None when it can."""
    path = warehouse.warehouse_file
    folder = path.parent
    problem = unwritable_folder(path)
    if problem:
        return f"cannot write the warehouse at {path}: {problem}"
    try:
        probe = folder / f".{path.name}.write-test-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return f"cannot write the warehouse at {path}: {exc.strerror or exc}"
    size = path.stat().st_size if path.exists() else 0
    # The working file may be rewritten whole, clone or copy. A published link, or a clone,
    # on the same file system takes no space of its own.
    same_device = device_of(folder) == device_of(warehouse.published_root)
    shared = same_device and (warehouse.publish_mode == "link" or clones_files(folder))
    needed = (1 if shared else 2) * size + SPACE_MARGIN_BYTES
    free = shutil.disk_usage(folder).free
    if free < needed:
        copies = "a working copy" if shared else "a working copy and a published copy"
        return (
            f"not enough free space for the warehouse at {path}: {free >> 20} MiB free in "
            f"{folder}, a run needs about {needed >> 20} MiB ({copies}); free some space and "
            "run again"
        )
    if path.exists():
        try:
            with duckdb.connect(str(path), read_only=True) as con:
                con.execute("select count(*) from duckdb_tables()").fetchall()
        except duckdb.Error as exc:
            if looks_corrupt(str(exc)):
                return str(warehouse.corrupt(exc))
    return None


def set_aside(warehouse: Warehouse) -> Path | None:
    """Move the warehouse file aside as `<name>.corrupt-<UTC time>` (kept, never deleted),
    holding the writer lock so no run is using it; None if there was no file."""
    path = warehouse.warehouse_file
    with warehouse.locked("rebuild"):
        if not path.exists():
            return None
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        os.replace(path, aside)
        return aside
