"""The warehouse is a function of the landing folder as it is now.

A sequence of incremental builds over a changing landing folder (late files, a late
association event, a corrected earlier row, a new policy version, a corrected re-export, a
removed file, the removal of a correcting file, balance snapshots landed, corrected and
removed) is compared after every step with a fresh build of the same folder: every raw
table and every mart must be equal, to the cent."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import duckdb
import polars as pl
import pytest
from dbt_fixtures import query, run_dbt
from handmade_landing import DROP_2, ROWS, write_landing

from contract.sources import SOURCES
from pipelines.ingest.load import load_source, source_files
from pipelines.ingest.tables import ensure_tables

AS_OF = "2026-07-10"
DROP_3 = "2026-07-06"
FAST = ["--exclude-resource-type", "unit_test"]


def write_rows(root: Path, source: str, drop: str, name: str, rows: list[list[str]]) -> None:
    folder = root / source / drop
    folder.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame(rows, schema=SOURCES[source].columns, orient="row")
    frame.write_csv(folder / name)


def loaded(db: Path, root: Path) -> Path:
    """Make the raw tables of `db` what the landing folder says now."""
    con = duckdb.connect(str(db))
    try:
        ensure_tables(con)
        for source in SOURCES.values():
            load_source(con, source, source_files(root, source))
    finally:
        con.close()
    return db


def snapshot(db: Path) -> dict[str, list[tuple]]:
    """Every raw table (without the load ids, which count loads), every mart and the state
    kept per customer, sorted."""
    tables = query(
        db,
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('raw', 'marts') "
        "or table_name in ('int_customer_latest_snapshot', 'int_customer_activity_bounds') "
        "order by 1, 2",
    )
    return {
        f"{schema}.{table}": query(
            db,
            f"select * exclude (_load_id) from {schema}.{table} order by all"
            if schema == "raw"
            else f"select * from {schema}.{table} order by all",
        )
        for schema, table in tables
    }


def fresh_build(root: Path, work: Path) -> dict[str, list[tuple]]:
    """A new database loaded from `root` and built whole. Its data tests change nothing
    compared, so they are left out; the work folder (dbt's partial parse) is kept."""
    work.mkdir(exist_ok=True)
    for stale in work.glob("fresh.duckdb*"):
        stale.unlink()
    db = loaded(work / "fresh.duckdb", root)
    run_dbt(
        ["build", *FAST, "--exclude-resource-type", "test"], db_path=db, work_dir=work, as_of=AS_OF
    )
    return snapshot(db)


def late_files(root: Path) -> None:
    # C2's consumption of 06-12 lands a day late; C2 leaves R1 on 06-11 at 08:00 (E7),
    # so its 06-11 and 06-12 usage belongs to nobody any more.
    write_rows(
        root,
        "consumption",
        DROP_3,
        "late.csv",
        [["2026-06-12", "C2", "RS-1", "OBS", "9.00", "0.00", "9.00"]],
    )
    write_rows(
        root,
        "associations",
        DROP_3,
        "late.csv",
        [["E7", "C2", "R1", "disassociate", "", "", "", "2026-06-11 08:00:00"]],
    )


def corrected_earlier_row(root: Path) -> None:
    # A later drop restates O2 with a refund of 100.00 instead of 200.00: it supersedes.
    write_rows(
        root,
        "orders",
        DROP_3,
        "fix.csv",
        [
            [
                "O2",
                "C1",
                "ECS",
                "云服务器 包月",
                "2026-06-25 10:00:00",
                "500.00",
                "0.00",
                "0.00",
                "500.00",
                "refunded",
                "2026-07-03 10:00:00",
                "100.00",
                "",
            ]
        ],
    )


def new_policy_version(root: Path) -> None:
    # distributor/reseller/OBS from 06-11 at 9%: re-rates only the dates it covers
    write_rows(
        root,
        "incentive_policies",
        DROP_3,
        "policies.csv",
        [
            [
                "POL-3B",
                "分销 代售 OBS 新版",
                "distributor",
                "reseller",
                "OBS",
                "0.09",
                "2026-06-11",
                "",
            ]
        ],
    )


def re_export(root: Path) -> None:
    # orders of DROP_2 exported again: O1 corrected to 900.00, O4 dropped, O3 unchanged
    rows = [r for r in ROWS["orders"][DROP_2] if r[0] not in ("O1", "O4")]
    o1 = next(r for r in ROWS["orders"][DROP_2] if r[0] == "O1")
    corrected = [*o1[:8], "900.00", *o1[9:]]
    write_rows(root, "orders", DROP_2, "orders.csv", [corrected, *rows])


def remove_consumption(root: Path) -> None:
    (root / "consumption" / DROP_2 / "consumption.csv").unlink()


def remove_fix(root: Path) -> None:
    # the correcting file goes: O2's earlier version (refund 200.00) comes back
    (root / "orders" / DROP_3 / "fix.csv").unlink()


def snapshots(root: Path) -> None:
    # C1 in arrears on 07-04, back above zero on 07-06 (a later drop); C2's one snapshot
    write_rows(
        root,
        "balances",
        DROP_2,
        "balances.csv",
        [["2026-07-04", "C1", "-5.00", "100.00", "0.95"], ["2026-07-04", "C2", "50.00", "0", "1"]],
    )
    write_rows(
        root, "balances", DROP_3, "balances.csv", [["2026-07-06", "C1", "20.00", "100.00", "0.95"]]
    )


def corrected_snapshot(root: Path) -> None:
    # the later drop's file exported again: C1's snapshot of 07-06 was -30.00
    write_rows(
        root, "balances", DROP_3, "balances.csv", [["2026-07-06", "C1", "-30.00", "100.00", "0.95"]]
    )


def removed_snapshot(root: Path) -> None:
    # that file goes: C1's latest snapshot is 07-04's again; C2's one snapshot is withdrawn
    # from the earlier file, so C2 has none left
    (root / "balances" / DROP_3 / "balances.csv").unlink()
    write_rows(
        root, "balances", DROP_2, "balances.csv", [["2026-07-04", "C1", "-5.00", "100.00", "0.95"]]
    )


STEPS = [
    late_files,
    corrected_earlier_row,
    new_policy_version,
    re_export,
    remove_consumption,
    remove_fix,
    snapshots,
    corrected_snapshot,
    removed_snapshot,
]


@pytest.mark.slow
def test_any_sequence_of_incremental_builds_equals_a_fresh_build(tmp_path: Path) -> None:
    root = write_landing(tmp_path / "landing")
    work = tmp_path / "incremental"
    work.mkdir()
    db = loaded(work / "warehouse.duckdb", root)
    run_dbt(["build", *FAST], db_path=db, work_dir=work, as_of=AS_OF)
    assert snapshot(db) == fresh_build(root, tmp_path / "fresh")

    statements = []
    for step in STEPS:
        step(root)
        loaded(db, root)
        # as a pipeline run builds a day with the project of the last build (no seeds, no
        # views whose SQL is the same every day: pipelines/dbt/assets.py, dbt_build_args)
        daily = ["build", *FAST, "--selector", "daily_same_project"]
        run_dbt(daily, db_path=db, work_dir=work, as_of=AS_OF)
        incremental, fresh = snapshot(db), fresh_build(root, tmp_path / "fresh")
        assert incremental.keys() == fresh.keys(), step.__name__
        for table, table_rows in fresh.items():
            assert incremental[table] == table_rows, f"{step.__name__}: {table}"
        statements.append(
            dict(query(db, "select statement_id, incentive_amount from marts.incentive_statements"))
        )

    # Hand-computed D1 202606 along the way (D1 settles R1's C2):
    # start: O1 50.00 + O4 200.00 + C2 OBS 0.80 + 1.60 = 252.40 (+ C1 OBS 0.00)
    # late files: C2 leaves R1 on 06-11 08:00, so 06-11's 1.60 goes: 250.80
    # re-export: O1 900.00 x 5% = 45.00, O4 gone: 45.00 + 0.80 = 45.80
    # consumption file removed: 45.00
    assert [s["D1-202606"] for s in statements] == [
        D("250.80"),
        D("250.80"),
        D("250.80"),
        D("45.80"),
        D("45.00"),
        D("45.00"),
        D("45.00"),
        D("45.00"),
        D("45.00"),
    ]
    # C1's balance as its owner sees it, after the last step: 07-04's -5.00 again
    assert query(
        db,
        "select available_balance from marts.sub_customers "
        "where customer_id = 'C1' and viewer_partner_id = owner_partner_id",
    ) == [(D("-5.00"),)]
