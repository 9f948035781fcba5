"""File versions: the raw tables are what the landing folder holds now.

A changed file replaces what it contributed before, a removed file is withdrawn, and a key
that a withdrawn file had superseded gets its earlier version back."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from contract.sources import SOURCES
from pipelines.ingest.discover import landing_inventory
from pipelines.ingest.load import load_source, source_files, withdrawal_refusal
from pipelines.ingest.tables import ensure_tables

ORDERS = SOURCES["orders"]
HEADER = ",".join(ORDERS.columns)


def order(order_no: str, paid: str) -> str:
    return f"{order_no},C1,ECS,云服务器,2026-06-01 10:00:00,{paid},0.00,0.00,{paid},paid,,,"


def write(root: Path, relative: str, *rows: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")


def sync(con: duckdb.DuckDBPyConnection, root: Path):
    return load_source(con, ORDERS, source_files(root, ORDERS))


def paid(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[Decimal, str]]:
    rows = con.execute("select order_no, paid_amount, _file from raw.orders").fetchall()
    return {order_no: (amount, file) for order_no, amount, file in rows}


def tombstones(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {row[0] for row in con.execute("select order_no from raw_withdrawn.orders").fetchall()}


@pytest.fixture
def con():
    connection = duckdb.connect()
    ensure_tables(connection)
    yield connection
    connection.close()


def test_a_later_file_supersedes_and_its_removal_brings_the_earlier_version_back(
    con, tmp_path: Path
) -> None:
    write(tmp_path, "orders/2026-06-02/a.csv", order("O-1", "90.00"), order("O-2", "45.00"))
    write(tmp_path, "orders/2026-06-03/b.csv", order("O-1", "80.00"))
    sync(con, tmp_path)
    assert paid(con) == {
        "O-1": (Decimal("80.00"), "orders/2026-06-03/b.csv"),
        "O-2": (Decimal("45.00"), "orders/2026-06-02/a.csv"),
    }
    assert con.execute("select order_no, _file from raw_superseded.orders").fetchall() == [
        ("O-1", "orders/2026-06-02/a.csv")
    ]

    (tmp_path / "orders/2026-06-03/b.csv").unlink()
    result = sync(con, tmp_path)
    assert [(w.file, w.reason, w.rows_withdrawn) for w in result.withdrawals] == [
        ("orders/2026-06-03/b.csv", "removed", 1)
    ]
    assert paid(con)["O-1"] == (Decimal("90.00"), "orders/2026-06-02/a.csv")
    assert con.execute("select count(*) from raw_superseded.orders").fetchall() == [(0,)]
    assert con.execute("select count(*) from audit.load_log").fetchall() == [(1,)]


def test_a_corrected_re_export_replaces_every_row_of_its_previous_version(
    con, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "orders/2026-06-02/fix.csv",
        order("O-1", "90.00"),
        order("O-2", "45.00"),
        order("O-3", "30.00"),
        order("O-4", "bad"),
    )
    first = sync(con, tmp_path)
    assert first.files[0].rows_quarantined == 1
    # Version 2: O-1 corrected, O-2 dropped, O-3's key fixed to O-30, O-4 now valid.
    write(
        tmp_path,
        "orders/2026-06-02/fix.csv",
        order("O-1", "100.00"),
        order("O-30", "30.00"),
        order("O-4", "12.50"),
    )
    second = sync(con, tmp_path)
    assert [(w.reason, w.rows_withdrawn) for w in second.withdrawals] == [("replaced", 3)]
    assert {k: v[0] for k, v in paid(con).items()} == {
        "O-1": Decimal("100.00"),
        "O-30": Decimal("30.00"),
        "O-4": Decimal("12.50"),
    }
    assert tombstones(con) == {"O-2", "O-3"}
    assert con.execute("select count(*) from audit.quarantine").fetchall() == [(0,)]
    # A key that comes back loses its tombstone.
    write(tmp_path, "orders/2026-06-04/late.csv", order("O-2", "45.00"))
    sync(con, tmp_path)
    assert tombstones(con) == {"O-3"}


def test_loading_an_unchanged_folder_again_changes_nothing(con, tmp_path: Path) -> None:
    write(tmp_path, "orders/2026-06-02/a.csv", order("O-1", "90.00"))
    sync(con, tmp_path)
    load_ids = con.execute("select _load_id from raw.orders").fetchall()
    again = sync(con, tmp_path)
    assert [load.skipped for load in again.files] == [True]
    assert again.withdrawals == []
    assert con.execute("select _load_id from raw.orders").fetchall() == load_ids


def test_a_run_refuses_to_withdraw_most_of_the_landing_folder(con, tmp_path: Path) -> None:
    for day in ("2026-06-02", "2026-06-03", "2026-06-04"):
        write(tmp_path, f"orders/{day}/a.csv", order(f"O-{day}", "1.00"))
    sync(con, tmp_path)
    (tmp_path / "orders/2026-06-02/a.csv").unlink()
    assert withdrawal_refusal(con, landing_inventory(tmp_path)) is None  # 1 of 3 missing
    (tmp_path / "orders/2026-06-03/a.csv").unlink()
    refusal = withdrawal_refusal(con, landing_inventory(tmp_path))
    assert refusal is not None
    assert refusal.startswith("2 of the 3 files loaded before are missing")
    assert "--allow-withdraw" in refusal


def test_a_new_day_leaves_the_rows_of_other_days_as_they_were(con, tmp_path: Path) -> None:
    consumption = SOURCES["consumption"]
    header = ",".join(consumption.columns)
    for day in (1, 2):
        path = tmp_path / f"consumption/2026-06-0{day}/c.csv"
        path.parent.mkdir(parents=True)
        path.write_text(f"{header}\n2026-06-0{day},C1,R1,ECS,10.00,0.00,10.00\n", "utf-8")
        load_source(con, consumption, source_files(tmp_path, consumption))
    # Day 1 keeps the load that wrote it; only day 2's key was touched by the second load.
    assert con.execute(
        "select usage_date, _load_id from raw.consumption order by usage_date"
    ).fetchall() == [(date(2026, 6, 1), 1), (date(2026, 6, 2), 2)]
