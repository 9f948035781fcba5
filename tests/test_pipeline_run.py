"""`partner-warehouse run` end to end on the hand-made landing set."""

import subprocess
import sys
import textwrap
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from handmade_site import HANDMADE_AS_OF, copied_site

from contract.published import published_warehouse
from pipelines.cli import main
from pipelines.dbt.assets import full_build_batches
from pipelines.engine import Engine
from pipelines.ingest.load import file_sha256
from pipelines.run import run_pipeline
from pipelines.warehouse import Warehouse

AS_OF = date(2026, 7, 20)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(handmade_copy: Warehouse) -> Warehouse:
    """The hand-made set built as of AS_OF (conftest), this module's own copy."""
    assert AS_OF == HANDMADE_AS_OF
    return handmade_copy


def query(warehouse: Warehouse, sql: str) -> list[tuple]:
    with duckdb.connect(str(published_warehouse(warehouse.published_root)), read_only=True) as con:
        return con.execute(sql).fetchall()


# Columns that name the run or its time, not the data: excluded from the comparison.
WALL_CLOCK = {
    ("audit", "load_log"): "loaded_at",
    ("audit", "files_not_loaded"): "seen_at",
    ("marts", "publication"): "run_id",
}


def snapshot(path: Path) -> dict[str, pl.DataFrame]:
    """Every table of the warehouse, sorted, except the wall-clock columns."""
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' order by 1, 2"
        ).fetchall()
        return {
            f"{s}.{t}": con.sql(
                f"select * exclude ({WALL_CLOCK[s, t]}) from {s}.{t} order by all"
            ).pl()
            if (s, t) in WALL_CLOCK
            else con.sql(f"select * from {s}.{t} order by all").pl()
            for s, t in tables
        }


def test_incentive_details_follow_the_rules(built: Warehouse) -> None:
    rows = query(
        built,
        """
        select coalesce(order_no, customer_id || ' ' || transaction_id), transaction_type,
               partner_id, billing_period, eligible_amount, rate, incentive_amount
        from marts.incentive_details where incentive_type = 'base'
        order by partner_id, billing_period, transaction_type, eligible_amount
        """,
    )
    by_order = {(r[0], r[1]): r[2:] for r in rows if r[1] in ("order", "refund")}
    # O1: C1 with D1 on 06-10, distributor/referral/ECS 5%: 1,000.00 x 0.05 = 50.00
    assert by_order[("O1", "order")] == (
        "D1",
        "202606",
        Decimal("1000.00"),
        Decimal("0.050000"),
        Decimal("50.00"),
    )
    # O2: C1 with S1 from 06-20, solution_provider/referral/ECS 4%: 500.00 x 0.04 = 20.00
    assert by_order[("O2", "order")] == (
        "S1",
        "202606",
        Decimal("500.00"),
        Decimal("0.040000"),
        Decimal("20.00"),
    )
    # O2's refund on 07-03 nets in July: -200.00 x 0.04 = -8.00
    assert by_order[("O2", "refund")] == (
        "S1",
        "202607",
        Decimal("-200.00"),
        Decimal("0.040000"),
        Decimal("-8.00"),
    )
    # O4: C2 through reseller R1 settles to D1, distributor/reseller/ECS 10%: 2,000.00 x 0.10 = 200.00
    assert by_order[("O4", "order")] == (
        "D1",
        "202606",
        Decimal("2000.00"),
        Decimal("0.100000"),
        Decimal("200.00"),
    )
    # O3 was cancelled: no row at all
    assert ("O3", "order") not in by_order

    consumption = sorted((r[2], r[4], r[5], r[6]) for r in rows if r[1] == "consumption")
    # C2 (R1 -> D1) OBS 8%: 10.00 -> 0.80, 20.00 -> 1.60; C1 with D1 on 06-14, no
    # distributor/referral/OBS policy: rate 0 -> 0.00; C1 on 06-15 ended the day unassociated.
    assert consumption == [
        ("D1", Decimal("5.00"), Decimal("0.000000"), Decimal("0.00")),
        ("D1", Decimal("10.00"), Decimal("0.080000"), Decimal("0.80")),
        ("D1", Decimal("20.00"), Decimal("0.080000"), Decimal("1.60")),
    ]
    ((reseller,),) = query(
        built, "select distinct reseller_name from marts.incentive_details where order_no = 'O4'"
    )
    assert reseller == "深圳小云科技有限公司"


def test_rejected_associations_are_visible_with_their_reason(built: Warehouse) -> None:
    rows = dict(
        query(
            built,
            "select event_id, rejection_reason from marts.association_events where not is_accepted",
        )
    )
    assert set(rows) == {"E3", "E6"}
    assert "7" in rows["E3"]  # C3's account was created 61 days before an offline invitation
    assert "associated" in rows["E6"]  # C2 was still associated with R1


def test_a_second_run_of_the_same_files_changes_no_table(built: Warehouse) -> None:
    before = snapshot(built.warehouse_file)
    summary = run_pipeline(built, AS_OF)
    assert summary.success, summary.error
    after = snapshot(built.warehouse_file)
    assert before.keys() == after.keys()
    for name, table in before.items():
        assert table.equals(after[name]), name


def test_a_run_that_fails_halfway_leaves_the_warehouse_as_it_was(
    built: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A new day lands: two files, so the crash comes after the first was loaded.
    extra = built.landing_root / "orders" / "2026-07-10"
    extra.mkdir(parents=True)
    header = "order_no,customer_id,product_type,product_name,order_time,list_amount,discount_amount,voucher_amount,paid_amount,order_status,refund_time,refund_amount,project_id\n"
    (extra / "a.csv").write_text(header + "O9,C2,ECS,x,2026-07-09 10:00:00,9,0,0,9,paid,,,\n")
    (extra / "b.csv").write_text(header + "O10,C2,ECS,x,2026-07-09 11:00:00,9,0,0,9,paid,,,\n")
    warehouse_before = file_sha256(built.warehouse_file)
    published_before = published_warehouse(built.published_root)

    import pipelines.ingest.assets as ingest_assets

    real_load_source = ingest_assets.load_source

    def crash_after_loading(*args, **kwargs):
        # the only source with news (orders) is loaded into the working file, then the crash
        real_load_source(*args, **kwargs)
        raise OSError("simulated crash while loading")

    monkeypatch.setattr(ingest_assets, "load_source", crash_after_loading)
    summary = run_pipeline(built, AS_OF)
    assert not summary.success
    assert "simulated crash" in (summary.error or "")
    assert file_sha256(built.warehouse_file) == warehouse_before
    assert published_warehouse(built.published_root) == published_before
    assert query(built, "select count(*) from raw.orders where order_no = 'O9'") == [(0,)]
    assert not list(built.warehouse_file.parent.glob("*.run-*"))  # no working file left
    monkeypatch.undo()
    for path in extra.iterdir():
        path.unlink()
    extra.rmdir()


def test_a_second_run_started_while_one_runs_refuses(built: Warehouse, capsys) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import fcntl, os, sys, time
                fd = os.open({str(built.lock_file)!r}, os.O_RDWR | os.O_CREAT)
                fcntl.flock(fd, fcntl.LOCK_EX)
                print("locked", flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = file_sha256(built.warehouse_file)
        code = main(
            [
                "run",
                "--landing",
                str(built.landing_root),
                "--warehouse",
                str(built.warehouse_file),
                "--as-of",
                "2026-07-20",
            ]
        )
        assert code == 1
        err = capsys.readouterr().err
        assert "another run is writing" in err
        assert file_sha256(built.warehouse_file) == before
    finally:
        holder.kill()
        holder.wait()


def test_statements_indicators_and_customer_board_by_hand(built: Warehouse) -> None:
    statements = query(
        built,
        "select partner_id, billing_period, incentive_amount, status from marts.incentive_statements order by all",
    )
    # D1 June: O1 50.00 + O4 200.00 + consumption 0.80 + 1.60 + 0.00 = 252.40.
    # S1 June: O2 20.00; S1 July: the refund -8.00. No statement event landed: all estimated.
    assert statements == [
        ("D1", "202606", Decimal("252.40"), "estimated"),
        ("S1", "202606", Decimal("20.00"), "estimated"),
        ("S1", "202607", Decimal("-8.00"), "estimated"),
    ]

    indicators = {
        (p, code, period): value
        for p, code, period, value in query(
            built,
            "select partner_id, indicator_code, reconciliation_period, indicator_value from marts.indicators",
        )
    }
    # D1 June: cash spend 1,000.00 (O1) + 2,000.00 (O4, via R1) + 10.00 + 20.00 + 5.00 = 3,035.00;
    # incentive 252.40; new: C2 via R1 (1); disassociated: C1 on 06-15 (1); active: C1, C2 (2).
    assert indicators[("D1", "cash_spend", "202606")] == Decimal("3035.00")
    assert indicators[("D1", "incentive_amount", "202606")] == Decimal("252.40")
    assert indicators[("D1", "new_customers", "202606")] == 1
    assert indicators[("D1", "disassociated_customers", "202606")] == 1
    assert indicators[("D1", "active_customers", "202606")] == 2
    # S1: June 500.00, July -200.00 (the refund); year to date in July 500.00 - 200.00 = 300.00;
    # in July C1 nets negative, so no active customer.
    assert indicators[("S1", "cash_spend", "202607")] == Decimal("-200.00")
    assert indicators[("S1", "cash_spend_ytd", "202607")] == Decimal("300.00")
    assert indicators[("S1", "active_customers", "202607")] == 0

    board = {
        (p, str(period)[:7]): rest
        for p, period, *rest in query(
            built,
            "select partner_id, period, customers_at_end, new_associated, disassociated, "
            "contributed_revenue from marts.customer_board_monthly",
        )
    }
    # D1 owns C1 from 05-01 to 06-15 (E6 for C2 was rejected): June ends with 0 customers,
    # revenue O1 1,000.00 + 5.00 of consumption = 1,005.00.
    assert board[("D1", "2026-05")] == [1, 1, 0, Decimal("0.00")]
    assert board[("D1", "2026-06")] == [0, 0, 1, Decimal("1005.00")]
    # R1 owns C2 from 06-01: O4 2,000.00 + 10.00 + 20.00 = 2,030.00.
    assert board[("R1", "2026-06")] == [1, 1, 0, Decimal("2030.00")]
    # S1 owns C1 from 06-20: O2 500.00 in June, the refund -200.00 in July.
    assert board[("S1", "2026-06")] == [1, 1, 0, Decimal("500.00")]
    assert board[("S1", "2026-07")] == [1, 0, 0, Decimal("-200.00")]


def test_a_run_with_nothing_new_does_not_copy_the_warehouse(
    built: Warehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipelines.warehouse as warehouse_module

    copied: list[str] = []
    real_copyfile = warehouse_module.shutil.copyfile

    def copyfile(source, target, **kwargs):
        copied.append(Path(source).name)
        return real_copyfile(source, target, **kwargs)

    monkeypatch.setattr(warehouse_module.shutil, "copyfile", copyfile)
    summary = run_pipeline(built, AS_OF)
    assert summary.success and summary.unchanged, summary.error
    assert copied == []  # read where it lies: no working file, nothing published
    assert not list(built.warehouse_file.parent.glob("*.run-*"))


def test_a_file_it_cannot_load_is_published_when_nothing_else_is_new(built: Warehouse) -> None:
    published = published_warehouse(built.published_root)
    junk = built.landing_root / "notes" / "2026-07-20" / "readme.csv"
    junk.parent.mkdir(parents=True)
    junk.write_text("a,b\n1,2\n")
    try:
        summary = run_pipeline(built, AS_OF)
        assert summary.success and not summary.unchanged, summary.error
        assert published_warehouse(built.published_root) != published
        assert query(built, "select file, reason_code from audit.files_not_loaded") == [
            ("notes/2026-07-20/readme.csv", "unknown_source")
        ]
        # the same junk again: nothing new
        summary = run_pipeline(built, AS_OF)
        assert summary.success and summary.unchanged, summary.error
    finally:
        junk.unlink()
        junk.parent.rmdir()
        junk.parent.parent.rmdir()
    # gone from the folder: gone from the list, published again
    summary = run_pipeline(built, AS_OF)
    assert summary.success and not summary.unchanged, summary.error
    assert query(built, "select count(*) from audit.files_not_loaded") == [(0,)]


def test_nothing_new_builds_nothing_and_new_models_rebuild_everything(built: Warehouse) -> None:
    published = published_warehouse(built.published_root)
    summary = run_pipeline(built, AS_OF)
    assert summary.success and summary.unchanged, summary.error
    assert published_warehouse(built.published_root) == published  # nothing published
    # the next day, with nothing new landed: an incremental run (seeds and staging views
    # left as they are) that publishes the marts of the new as-of date
    summary = run_pipeline(built, AS_OF + timedelta(days=1))
    assert summary.success and not summary.unchanged, summary.error
    assert summary.published == published_warehouse(built.published_root) != published
    assert query(built, "select as_of_date from marts.publication") == [
        (AS_OF + timedelta(days=1),)
    ]
    assert query(
        built, "select full_refresh from audit.dbt_builds order by built_at desc limit 1"
    ) == [(False,)]
    # a build recorded by another version of the models: this run rebuilds every table
    with duckdb.connect(str(built.warehouse_file)) as con:
        con.execute("update audit.dbt_builds set project_digest = 'an older project'")
    summary = run_pipeline(built, AS_OF)
    assert summary.success and not summary.unchanged, summary.error
    writers = query(
        built, "select count(distinct _written_by) from intermediate.int_transactions_rated"
    )
    assert writers == [(1,)]
    builds = query(
        built, "select full_refresh from audit.dbt_builds order by built_at desc limit 1"
    )
    assert builds == [(True,)]


def test_a_full_build_in_batches_equals_the_build_in_one(
    handmade_site: Path, tmp_path: Path
) -> None:
    """Issue 13, item 7: a full build in batches of loads (here a batch per load: the 4
    orders' load and the 4 consumption rows' load) writes the tables a build in one batch
    writes."""
    batched = copied_site(handmade_site, tmp_path / "batched")
    one = snapshot(batched.warehouse_file)
    with duckdb.connect(str(batched.warehouse_file), read_only=True) as con:
        loads = con.execute(
            "select _load_id, transaction_type, count(*) from ("
            "select _load_id, 'order' as transaction_type from raw.orders union all "
            "select _load_id, 'consumption' from raw.consumption) group by 1, 2 order by 1"
        ).fetchall()
    assert sorted(count for _, _, count in loads) == [4, 4]
    (first_load, first_type, _), (_, last_type, _) = loads
    assert full_build_batches(batched.warehouse_file, 4) == [first_load, None]
    assert full_build_batches(batched.warehouse_file, 8) == [None]
    summary = run_pipeline(batched, AS_OF, full_refresh=True, engine=Engine(batch_rows=4))
    assert summary.success, summary.error
    assert summary.checks_passed > 0 and not summary.checks_failed
    # two dbt builds wrote the rated rows, one per load (a build in one writes both)
    writers = query(
        batched,
        "select distinct case when transaction_type = 'consumption' then 'consumption' "
        "else 'order' end, _written_by from intermediate.int_transactions_rated",
    )
    assert sorted(source for source, _ in writers) == sorted([first_type, last_type])
    assert len({writer for _, writer in writers}) == 2
    after = snapshot(batched.warehouse_file)
    # what the last batch changed (empty after a build in one batch), and the builds' log
    not_compared = {
        "audit.dbt_builds",
        *(f"intermediate.{name}" for name in ("int_changed_inputs", "int_changed_keys")),
        "intermediate.int_transaction_changes",
    }
    assert one.keys() == after.keys()
    for name, table in one.items():
        if name in not_compared:
            continue
        kept = [column for column in table.columns if column != "_written_by"]
        assert table.select(kept).sort(kept).equals(after[name].select(kept).sort(kept)), name
