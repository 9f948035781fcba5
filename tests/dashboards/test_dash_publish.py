"""A publication while queries run: none fails, each answer is wholly old or wholly new."""

from __future__ import annotations

import threading
import time

import duckdb
from conftest import viewer_of
from fixture_warehouse import publish

from dashboards import queries as q
from dashboards import warehouse


def snapshot(folder):
    """What one page run would read: several queries on the file CURRENT names."""
    wh = warehouse.current(folder)
    with wh.cursor() as cur:
        admin = viewer_of("admin-d1")
        totals = q.incentive_details_totals(cur, admin, q.DetailFilter())
        statements = q.incentive_statements(cur, admin)
        board = q.incentive_board_trend(cur, admin, 2026)
        subs = q.sub_customers(cur, admin)
    return (
        wh.name,
        totals.rows,
        totals.incentive_amount,
        sum(statements["incentive_amount"].to_list()),
        sum(board["incentive_amount"].to_list()),
        subs["credit_limit"].drop_nulls().sum(),
    )


def test_publishing_while_queries_run(tmp_path):
    folder = tmp_path / "published"
    publish(folder, 1)
    # The pipeline's working warehouse, locked read-write the whole time: never opened here.
    working = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    working.execute("CREATE TABLE t AS SELECT 1")
    old = snapshot(folder)
    answers, errors = [], []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            try:
                answers.append(snapshot(folder))
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for th in threads:
        th.start()
    time.sleep(0.3)
    publish(folder, 2)
    time.sleep(0.5)
    stop.set()
    for th in threads:
        th.join()
    working.close()
    new = snapshot(folder)
    assert not errors, errors[:3]
    assert old[0] == "warehouse-1.duckdb" and new[0] == "warehouse-2.duckdb"
    assert old[1:] != new[1:] and old[1] + 1 == new[1]
    kinds = {a[0] for a in answers}
    assert kinds == {old[0], new[0]}, kinds
    for answer in answers:
        assert answer in (old, new), answer
    # a newly published file is used without a restart, and the old one not any more
    assert warehouse.current(folder).name == "warehouse-2.duckdb"


def test_no_published_file_is_a_clear_state(tmp_path):
    try:
        warehouse.current(tmp_path)
    except warehouse.WarehouseUnavailable:
        pass
    else:
        raise AssertionError("expected WarehouseUnavailable")
    (tmp_path / "CURRENT").write_text("../warehouse.duckdb")
    try:
        warehouse.current(tmp_path)
    except warehouse.WarehouseUnavailable:
        pass
    else:
        raise AssertionError("CURRENT must name a warehouse-<n>.duckdb in the folder")
