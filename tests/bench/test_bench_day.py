"""The benchmark's day at another set's daily volume (`--day-rows`)."""

from pathlib import Path

import polars as pl

from bench.__main__ import thinned_day


def test_the_thinned_day_keeps_rows_evenly_from_each_file(tmp_path: Path) -> None:
    day = "2026-07-01"
    sizes = {"a.parquet": 10, "b.parquet": 20, "c.parquet": 30}
    for name, rows in sizes.items():
        file = tmp_path / "consumption" / day / name
        file.parent.mkdir(parents=True, exist_ok=True)
        pl.DataFrame({"row": list(range(rows))}).write_parquet(file)
    other = tmp_path / "consumption" / "2026-07-02" / "a.parquet"
    other.parent.mkdir(parents=True)
    pl.DataFrame({"row": list(range(10))}).write_parquet(other)
    # 60 rows to 6: every 10th row of each file, its first included
    thinned_day(tmp_path, day, 6)
    kept = {
        name: pl.read_parquet(tmp_path / "consumption" / day / name)["row"].to_list()
        for name in sizes
    }
    assert kept == {"a.parquet": [0], "b.parquet": [0, 10], "c.parquet": [0, 10, 20]}
    assert pl.read_parquet(other).height == 10  # other days untouched
