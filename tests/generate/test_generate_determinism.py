"""Same arguments give the same bytes; seed, scale and bad_rows change what they should."""

from __future__ import annotations

from pathlib import Path

import pytest
from landing_reader import ARGS, landing_files

from tools.generate import BAD_ROWS, generate_landing


def file_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in landing_files(root)}


def test_same_arguments_give_identical_bytes(landing: Path, tmp_path: Path) -> None:
    generate_landing(tmp_path, **ARGS)
    first, second = file_bytes(landing), file_bytes(tmp_path)
    assert first.keys() == second.keys()
    differing = [name for name in first if first[name] != second[name]]
    assert differing == []
    # xlsx, parquet and every CSV flavour are among the compared files.
    assert {Path(name).suffix for name in first} == {".csv", ".parquet", ".xlsx"}


def test_another_seed_gives_other_data(landing: Path, tmp_path: Path) -> None:
    generate_landing(tmp_path, **{**ARGS, "seed": 8})
    first, second = file_bytes(landing), file_bytes(tmp_path)
    for name in (
        "customers/2026-06-01/customers.xlsx",
        "consumption/2026-06-02/consumption.parquet",
    ):
        assert first[name] != second[name], name


def test_scale_two_doubles_consumption(tmp_path: Path) -> None:
    small = {**ARGS, "days": 28}
    one = generate_landing(tmp_path / "one", **{**small, "scale": 1.0})
    two = generate_landing(tmp_path / "two", **{**small, "scale": 2.0})
    assert two["consumption"] / one["consumption"] == pytest.approx(2.0, rel=0.15)


def test_bad_rows_false_writes_exactly_the_bad_rows_fewer(
    generated: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    _, with_bad = generated
    without = generate_landing(tmp_path, **{**ARGS, "bad_rows": False})
    bad_per_source: dict[str, int] = {}
    for source, _column, _problem in BAD_ROWS:
        bad_per_source[source] = bad_per_source.get(source, 0) + 1
    assert {s: with_bad[s] - without[s] for s in with_bad} == {
        s: bad_per_source.get(s, 0) for s in with_bad
    }
