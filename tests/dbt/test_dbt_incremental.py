"""Incremental rating: a new day's rows cost work in proportion to that day.

Build on the sample rows, land one more day (consumption of 2026-07-02 in partition
2026-07-03, plus an association event of C4 in the same partition), build again, and
show by the `_written_by` invocation each rated row carries that the second run only wrote
the new day's row (C4's consumption is re-attributed, and still has no owner). Then a late
order that makes validation reject an association re-attributes that customer's rows only.
Finally `--full-refresh` must give the same rated rows, aggregates and marts.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import duckdb
from dbt_fixtures import build_raw_database, insert_rows, query, run_dbt
from dbt_sample_data import AS_OF, sample_rows

# unit tests are covered by test_dbt_marts.py's build; skip them on the repeated builds
FAST = ["--exclude-resource-type", "unit_test"]


def invocation_id(work: Path) -> str:
    return json.loads((work / "target" / "run_results.json").read_text())["metadata"][
        "invocation_id"
    ]


# The tables incremental runs keep, without the column that says which run wrote a row.
KEPT_STATE = {
    "rated": "select * exclude (_written_by) from intermediate.int_transactions_rated order by all",
    "daily": "select * exclude (_written_by) from intermediate.int_incentive_daily order by all",
    "half months": "select * exclude (_written_by) "
    "from intermediate.int_incentive_half_months order by all",
    "customers": "select * exclude (_written_by) from intermediate.int_customer_daily order by all",
    "board revenue": "select * from intermediate.int_board_revenue_daily order by all",
    "customer groups": "select * exclude (in_sorted_part) "
    "from intermediate.int_incentive_customer_daily order by all",
}
CUSTOMER_GROUPS = """select customer_id, transaction_date, in_sorted_part
    from intermediate.int_incentive_customer_daily where customer_id = 'C1' order by all"""


def marts_snapshot(db: Path) -> dict[str, list[tuple]]:
    tables = [
        r[0]
        for r in query(
            db,
            "select table_name from information_schema.tables where table_schema = 'marts' order by 1",
        )
    ]
    return {t: query(db, f"select * from marts.{t} order by all") for t in tables}


def test_new_partition_only_touches_that_day_and_full_refresh_agrees(tmp_path: Path) -> None:
    db = build_raw_database(tmp_path / "warehouse.duckdb", sample_rows())
    run_dbt(["build", *FAST], db_path=db, work_dir=tmp_path, as_of=AS_OF)
    first_run = invocation_id(tmp_path)
    before = query(
        db,
        "select transaction_id, owner_partner_id, eligible_amount from intermediate.int_consumption_attributed order by 1",
    )
    assert len(before) == 4  # the four consumption rows of the sample (C4's has no owner)

    con = duckdb.connect(str(db))
    insert_rows(
        con,
        "consumption",
        [
            {
                "usage_date": date(2026, 7, 2),
                "customer_id": "C1",
                "resource_id": "RES1",
                "product_type": "ecs",
                "consumption_amount": D("42.00"),
                "voucher_amount": D("2.00"),
                "paid_amount": D("40.00"),
                "_partition_date": date(2026, 7, 3),
            }
        ],
    )
    insert_rows(
        con,
        "associations",
        [
            {
                "event_id": "E14",
                "customer_id": "C4",
                "partner_id": "D1",
                "event_type": "disassociate",
                "event_time": datetime(2026, 7, 3, 9, 0),
                "_partition_date": date(2026, 7, 3),
            }
        ],
    )
    con.close()

    c1_days = [row[1] for row in query(db, CUSTOMER_GROUPS)]
    # The sorted table's tail is rewritten only past a fraction of the table: here never, so
    # the new day stays in the tail (the build's singular test customer_aggregate_equals_facts
    # checks the customer groups against the rows, sorted part and tail together).
    keep_tail = ["--vars", "{sorted_tail_fraction: 1}"]
    run_dbt(["build", *FAST, *keep_tail], db_path=db, work_dir=tmp_path, as_of=AS_OF)
    second_run = invocation_id(tmp_path)
    assert query(db, CUSTOMER_GROUPS) == sorted(
        [("C1", day, True) for day in c1_days] + [("C1", date(2026, 7, 2), False)]
    )
    written = query(
        db,
        "select transaction_id, owner_partner_id, eligible_amount from intermediate.int_transactions_rated "
        "where _written_by = ? and transaction_type = 'consumption' order by 1",
        [second_run],
    )
    # only the new day (C1, 40.00 at 3% for SP1). C4's disassociation on 07-03 changes who
    # owns its rows from 07-03 on (int_changed_customers): it has none, so its consumption of
    # 02-15 is not recomputed
    assert written == [("consumption:RES1:2026-07-02", "SP1", D("40.00"))]
    assert query(
        db, "select customer_id, changed_from from intermediate.int_changed_customers"
    ) == [("C4", date(2026, 7, 3))]
    assert query(
        db,
        "select source_key from intermediate.int_transaction_changes "
        "where source_key like 'consumption:%' order by 1",
    ) == [("consumption:RES1:2026-07-02",)]
    untouched = query(
        db,
        "select count(*) from intermediate.int_transactions_rated "
        "where _written_by = ? and transaction_type = 'consumption'",
        [first_run],
    )
    assert untouched == [(3,)]
    # the new day is in the marts: SP1 202607 = 0.90 + 40.00 x 3% (1.20) = 2.10
    assert query(
        db,
        "select incentive_amount from marts.incentive_statements where statement_id = 'SP1-202607'",
    ) == [(D("2.10"),)]

    # A late file: an order of C1 dated 05-30 lands in partition 07-04. C1's offline invitation
    # of 06-01 is now rejected (cash spend before it), so C1's periods change and all of C1's
    # consumption is re-attributed, although no association event of C1 landed.
    con = duckdb.connect(str(db))
    insert_rows(
        con,
        "orders",
        [
            {
                "order_no": "O10",
                "customer_id": "C1",
                "product_type": "ecs",
                "order_time": datetime(2026, 5, 30, 10, 0),
                "list_amount": D("1.00"),
                "discount_amount": D("0.00"),
                "voucher_amount": D("0.00"),
                "paid_amount": D("1.00"),
                "order_status": "paid",
                "_partition_date": date(2026, 7, 4),
            }
        ],
    )
    con.close()
    run_dbt(["build", *FAST], db_path=db, work_dir=tmp_path, as_of=AS_OF)
    third_run = invocation_id(tmp_path)
    # This run's tail is more than a tenth of the table (the default): rewritten sorted.
    assert query(
        db,
        "select count(*) from intermediate.int_incentive_customer_daily where not in_sorted_part",
    ) == [(0,)]
    written = query(
        db,
        "select transaction_id, owner_partner_id from intermediate.int_transactions_rated "
        "where _written_by = ? and transaction_type = 'consumption' order by 1",
        [third_run],
    )
    assert written == [
        ("consumption:RES1:2026-06-15", "SP1"),
        ("consumption:RES1:2026-07-01", "SP1"),
        ("consumption:RES1:2026-07-02", "SP1"),
    ]
    # was D1's: the D1 association no longer exists, so the row is withdrawn
    assert query(
        db,
        "select count(*) from intermediate.int_transactions_rated "
        "where transaction_id = 'consumption:RES1:2026-06-14'",
    ) == [(0,)]
    assert query(
        db,
        "select is_accepted, rejection_reason from marts.association_events where event_id = 'E01'",
    ) == [(False, "offline invitation: the customer had cash spend before the association")]

    incremental_rows = {table: query(db, sql) for table, sql in KEPT_STATE.items()}
    incremental_marts = marts_snapshot(db)

    run_dbt(["build", "--full-refresh", *FAST], db_path=db, work_dir=tmp_path, as_of=AS_OF)
    for table, sql in KEPT_STATE.items():
        assert query(db, sql) == incremental_rows[table], table
    full_marts = marts_snapshot(db)
    assert full_marts.keys() == incremental_marts.keys()
    for table, table_rows in full_marts.items():
        assert table_rows == incremental_marts[table], table
