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


def test_the_day_s_other_changes_are_thinned_alike_and_its_dimensions_kept(
    tmp_path: Path,
) -> None:
    day = "2026-07-01"
    consumption = tmp_path / "consumption" / day / "consumption.parquet"
    consumption.parent.mkdir(parents=True)
    pl.DataFrame({"row": list(range(40))}).write_parquet(consumption)
    for source, rows in {"orders": 25, "balances": 12, "customers": 7}.items():
        file = tmp_path / source / day / f"{source}.csv"
        file.parent.mkdir(parents=True)
        pl.DataFrame({"id": [f"{source}-{n:03d}" for n in range(rows)]}).write_csv(file)
    # 40 consumption rows to 10: every 4th row of each changed source
    thinned_day(tmp_path, day, 10)
    orders = pl.read_csv(tmp_path / "orders" / day / "orders.csv", infer_schema=False)
    balances = pl.read_csv(tmp_path / "balances" / day / "balances.csv", infer_schema=False)
    customers = pl.read_csv(tmp_path / "customers" / day / "customers.csv", infer_schema=False)
    assert orders["id"].to_list() == [f"orders-{n:03d}" for n in (0, 4, 8, 12, 16, 20, 24)]
    assert balances["id"].to_list() == ["balances-000", "balances-004", "balances-008"]
    assert customers.height == 7
