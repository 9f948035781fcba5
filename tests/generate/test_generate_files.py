"""Every source lands, in its format, with the headers and encodings the spec names."""

from __future__ import annotations

from pathlib import Path

import pytest
from landing_reader import BOM, headers, landing_files

from contract.sources import SOURCES
from tools.generate import POLICY_LIBRARY
from tools.generate.formats import FORMATS, file_format


def test_every_source_gets_a_file(landing: Path) -> None:
    assert {p.relative_to(landing).parts[0] for p in landing_files(landing)} == set(SOURCES)


def test_files_sit_in_drop_date_folders(landing: Path) -> None:
    for path in landing_files(landing):
        source, folder, name = path.relative_to(landing).parts
        assert folder[:4] == "2026" and len(folder) == 10, path
        assert name.startswith(source + "."), path


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_headers_are_the_english_or_chinese_column_names(landing: Path, source: str) -> None:
    english = SOURCES[source].columns
    chinese = [SOURCES[source].chinese_headers()[c] for c in english]
    for path in landing_files(landing, source):
        expected = chinese if FORMATS[source].chinese else english
        assert headers(path) == expected, path


@pytest.mark.parametrize("source", ["associations", "statement_events"])
def test_gb18030_files_are_gb18030(landing: Path, source: str) -> None:
    for path in landing_files(landing, source):
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert data.decode("gb18030").startswith(
            SOURCES[source].chinese_headers()[SOURCES[source].columns[0]]
        )


def test_bom_files_start_with_the_bom(landing: Path) -> None:
    paths = landing_files(landing, "orders")
    assert paths
    for path in paths:
        assert path.read_bytes().startswith(BOM + "订单号".encode()), path


@pytest.mark.parametrize("source", ["balances", "consumption", "incentive_policies"])
def test_english_csv_is_plain_utf8(landing: Path, source: str) -> None:
    paths = [p for p in landing_files(landing, source) if p.suffix == ".csv"]
    assert paths
    for path in paths:
        data = path.read_bytes()
        assert not data.startswith(BOM)
        assert data.decode("utf-8").startswith(SOURCES[source].columns[0])


def test_consumption_mixes_parquet_and_csv_days(landing: Path) -> None:
    suffixes = {p.suffix for p in landing_files(landing, "consumption")}
    assert suffixes == {".parquet", ".csv"}
    assert file_format("consumption", 3).suffix == "csv"


def test_policy_library_is_copied_on_the_first_day(landing: Path) -> None:
    (path,) = landing_files(landing, "incentive_policies")
    assert path.parent.name == "2026-06-01"
    assert path.read_bytes() == POLICY_LIBRARY.read_bytes()


def test_snapshots_land_in_full_first_then_changes(landing: Path) -> None:
    for source in ("partners", "staff", "customers", "resources", "projects"):
        folders = [p.parent.name for p in landing_files(landing, source)]
        assert folders[0] == "2026-06-01", source
        assert len(folders) >= 2, source  # the full version, then at least one change
