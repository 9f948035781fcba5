"""Every case of the bad input corpus loads, repairs or quarantines exactly as its table says,
and no row is ever lost: rows landed = rows loaded + rows quarantined, per file."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pytest
from corpus import CASES, Case, corpus_markdown
from figures import record

from pipelines.ingest.load import load_file
from pipelines.ingest.tables import ensure_tables
from pipelines.sources import SOURCES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "RELIABILITY.md"


def land(case: Case, root: Path) -> list[tuple[Path, date]]:
    paths = []
    for landed in case.files:
        path = root / case.source / landed.drop / landed.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(landed.build())
        paths.append((path, date.fromisoformat(landed.drop)))
    return paths


def sha256(path: Path) -> str:
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
    files = land(case, tmp_path)
    before = {path: sha256(path) for path, _ in files}
    source = SOURCES[case.source]
    for path, day in files:
        load_file(con, source, path, tmp_path, day)

    landed, loaded, quarantined = con.execute(
        "select sum(rows_landed), sum(rows_loaded), sum(rows_quarantined) from audit.load_log"
    ).fetchone()
    assert (landed, loaded, quarantined) == (case.landed, case.loaded, case.quarantined)
    # Nothing lost, file by file.
    assert con.execute(
        "select count(*) from audit.load_log where rows_landed <> rows_loaded + rows_quarantined"
    ).fetchone() == (0,)
    assert con.execute("select count(*) from audit.load_log").fetchone() == (len(files),)

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
    assert {path: sha256(path) for path, _ in files} == before
    record(
        "bad_file",
        case=case.name,
        files=len(files),
        landed=landed,
        loaded=loaded,
        quarantined=quarantined,
        whole_files_quarantined=sum(r[0] is None for r in stored),
    )
    con.close()


def test_corpus_has_every_kind_of_bad_file() -> None:
    assert len(CASES) >= 30
    assert len({c.name for c in CASES}) == len(CASES)
    assert {c.outcome for c in CASES} == {"loaded", "repaired", "quarantined"}
    assert {c.source for c in CASES} >= {"orders", "customers", "associations", "consumption"}


def test_reliability_doc_shows_the_corpus_table() -> None:
    """docs/RELIABILITY.md carries the table generated from CASES (regenerate it with
    `python tests/reliability/render_docs.py` after changing a case)."""
    assert corpus_markdown() in DOCS.read_text(encoding="utf-8")
