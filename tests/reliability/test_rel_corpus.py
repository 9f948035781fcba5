"""Every case of the bad input corpus loads, repairs or quarantines exactly as its table says,
and no row is ever lost: rows landed = rows loaded + rows quarantined, per file."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb
import pytest
from corpus import CASES, Case, corpus_markdown
from figures import record

from contract.sources import SOURCES
from pipelines.ingest.discover import landing_inventory
from pipelines.ingest.load import load_source
from pipelines.ingest.tables import ensure_tables

DOCS = Path(__file__).resolve().parents[2] / "docs" / "RELIABILITY.md"


def land(case: Case, root: Path) -> list[Path]:
    """The case's files under `root`, in the case's order; a link's target is written
    outside `root` (its parent) or inside it (`archive/`)."""
    paths = []
    for landed in case.files:
        path = root / landed.where(case.source)
        path.parent.mkdir(parents=True, exist_ok=True)
        if landed.kind == "fifo":
            os.mkfifo(path)
        elif landed.kind.startswith("link"):
            folder = root.parent / "outside" if landed.kind == "link_outside" else root / "archive"
            folder.mkdir(parents=True, exist_ok=True)
            (folder / landed.name).write_bytes(landed.build())
            path.symlink_to(folder / landed.name)
        else:
            path.write_bytes(landed.build())
        paths.append(path)
    return paths


def sha256(path: Path) -> str | None:
    """The content hash of a regular file (never read a pipe: it would block)."""
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def raw_value(con: duckdb.DuckDBPyConnection, case: Case, key: str, column: str) -> object:
    source = SOURCES[case.source]
    rows = con.execute(
        f"select {column} from raw.{source.name} where cast({source.key[0]} as varchar) = ?",
        [key],
    ).fetchall()
    assert len(rows) == 1, (key, rows)
    return rows[0][0]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_has_its_expected_outcome(case: Case, tmp_path: Path) -> None:
    con = duckdb.connect()
    ensure_tables(con)
    root = tmp_path / "landing"
    files = land(case, root)
    before = {path: sha256(path) for path in files}
    source = SOURCES[case.source]
    inventory = landing_inventory(root)
    loadable = {f.file: f for found in inventory.files.values() for f in found}
    assert set(inventory.files) <= {case.source}
    # Loaded in the case's order (one case loads a later drop date first), one file at a
    # time: the others are not withdrawn (complete=False).
    for landed in case.files:
        if landed.where(case.source) in loadable:
            load_source(con, source, [loadable[landed.where(case.source)]], complete=False)
    not_loaded = [(n.file, n.reason) for n in inventory.not_loaded]
    assert len(not_loaded) == len(case.not_loaded), not_loaded
    for (file, reason), (want_file, want_reason) in zip(not_loaded, case.not_loaded, strict=True):
        assert (file, reason[: len(want_reason)]) == (want_file, want_reason)

    landed, loaded, quarantined = con.execute(
        "select coalesce(sum(rows_landed), 0), coalesce(sum(rows_loaded), 0), "
        "coalesce(sum(rows_quarantined), 0) from audit.load_log"
    ).fetchone()
    assert (landed, loaded, quarantined) == (case.landed, case.loaded, case.quarantined)
    # Nothing lost, file by file.
    assert con.execute(
        "select count(*) from audit.load_log where rows_landed <> rows_loaded + rows_quarantined"
    ).fetchone() == (0,)
    assert con.execute("select count(*) from audit.load_log").fetchone() == (len(loadable),)

    stored = con.execute(
        "select row_number, reason, raw_record from audit.quarantine "
        "order by row_number nulls first"
    ).fetchall()
    assert len(stored) == len(case.reasons), stored
    for (row, reason, raw_record), (want_row, want_reason) in zip(
        stored, case.reasons, strict=True
    ):
        assert row == want_row
        assert reason.startswith(want_reason), reason
        # A quarantined row keeps the row as landed; a whole file keeps its landing file.
        assert (raw_record is None) == (row is None)
    row_quarantines = [r for r in stored if r[0] is not None]
    assert len(row_quarantines) == case.quarantined

    table_rows = con.execute(f"select count(*) from raw.{source.name}").fetchone()[0]
    assert table_rows == (case.loaded if case.raw_rows is None else case.raw_rows)
    for key, column, value in case.raw:
        assert raw_value(con, case, key, column) == value, (key, column)
    if case.note:
        notes = [n for (n,) in con.execute("select notes from audit.load_log").fetchall()]
        assert any(n and case.note in n for n in notes), notes
    # The pipeline reads landing files, never writes them.
    assert {path: sha256(path) for path in files} == before
    record(
        "bad_file",
        case=case.name,
        files=len(files),
        landed=landed,
        loaded=loaded,
        quarantined=quarantined,
        whole_files_quarantined=sum(r[0] is None for r in stored),
        not_loaded=len(not_loaded),
    )
    con.close()


def test_corpus_has_every_kind_of_bad_file() -> None:
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.outcome for c in CASES} == {"loaded", "repaired", "quarantined", "not loaded"}
    assert {c.source for c in CASES} >= {"orders", "customers", "associations", "consumption"}


def test_reliability_doc_shows_the_corpus_table() -> None:
    """docs/RELIABILITY.md carries the table generated from CASES (regenerate it with
    `python tests/reliability/render_docs.py` after changing a case)."""
    assert corpus_markdown() in DOCS.read_text(encoding="utf-8")
