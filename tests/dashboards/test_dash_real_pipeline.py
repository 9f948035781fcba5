"""The dashboards on what the real pipeline publishes (not the fixture warehouse), and
while the pipeline publishes again."""

import json
import subprocess
import sys
import textwrap
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from handmade_site import HANDMADE_AS_OF, copied_site, warehouse_in
from streamlit.testing.v1 import AppTest

from contract.sources import SOURCES
from dashboards import fmt
from dashboards.queries import Viewer
from pipelines.run import run_pipeline
from pipelines.warehouse import Warehouse

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
PAGES = [
    "incentive_board",
    "incentive_details",
    "statements",
    "indicators",
    "customer_board",
    "customer_warnings",
    "sub_customers",
    "data_quality",
]
ADMIN_ONLY = {"statements", "indicators", "data_quality"}
AS_OF = date(2026, 7, 20)
# The hand-made set's distributor and its staff (tests/handmade_landing.py).
VIEWERS = {
    "admin": Viewer("admin", "partner_admin", "D1"),
    "supervisor": Viewer("sup", "supervisor", "D1", "SUP-D"),
    "manager": Viewer("cm", "customer_manager", "D1", "CM-D"),
}
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real(handmade_site: Path) -> Warehouse:
    """The hand-made set built as of AS_OF (conftest), shared by the read-only tests of this
    module; never run again."""
    assert AS_OF == HANDMADE_AS_OF
    return warehouse_in(handmade_site)


@pytest.mark.parametrize("who", list(VIEWERS))
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_on_the_pipeline_output(real, monkeypatch, who, lang) -> None:
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(real.published_root))
    for page in PAGES:
        if page in ADMIN_ONLY and who != "admin":
            continue  # not in a staff member's menu
        at = AppTest.from_file(APP, default_timeout=30)
        at.session_state["viewer"] = VIEWERS[who]
        at.session_state["lang"] = lang
        at.run()
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, at.exception)
        assert at.title[0].value


def test_details_live_total_is_the_distributors_incentive(real, monkeypatch) -> None:
    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(real.published_root))
    at = AppTest.from_file(APP, default_timeout=30)
    at.session_state["viewer"] = VIEWERS["admin"]
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("views/incentive_details.py").run()
    # D1's base incentive: O1 50.00 + O4 200.00 + consumption 0.80 + 1.60 + 0.00 = 252.40 in
    # 5 rows (O4 and the consumption rows are its reseller R1's customer C2, settled to D1).
    assert at.metric[0].value == fmt.money(Decimal("252.40"))
    assert at.metric[1].value == "5"


READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from dashboards import queries as q, warehouse
    folder, stop = Path(sys.argv[1]), Path(sys.argv[2])
    viewer = q.Viewer("admin", "partner_admin", "D1")
    deadline = time.monotonic() + 240
    while not stop.exists() and time.monotonic() < deadline:
        try:
            con = warehouse.current(folder).cursor()
            totals = q.incentive_details_totals(con, viewer, q.DetailFilter())
            (statements,) = con.execute(
                "select sum(incentive_amount) from marts.incentive_statements where partner_id = 'D1'"
            ).fetchone()
            con.close()
            print(json.dumps([totals.rows, str(totals.incentive_amount), str(statements)]), flush=True)
        except Exception as exc:
            print(json.dumps(["error", repr(exc)]), flush=True)
        time.sleep(0.02)
    """
)


def test_readers_never_fail_nor_mix_old_and_new_during_a_run(
    handmade_site: Path, tmp_path: Path
) -> None:
    # Its own warehouse: this test lands a new day and runs again.
    real = copied_site(handmade_site, tmp_path / "run")
    stop = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(real.published_root), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # A new day lands: O9, C2 (R1's customer, settled to D1) buys ECS on 07-09 for 100.00;
        # distributor/reseller/ECS 10% -> 10.00 more for D1, one more detail row.
        day = real.landing_root / "orders" / "2026-07-10"
        day.mkdir(parents=True)
        header = ",".join(SOURCES["orders"].columns)
        (day / "orders.csv").write_text(
            header + "\nO9,C2,ECS,云服务器,2026-07-09 10:00:00,100.00,0,0,100.00,paid,,,\n",
            encoding="utf-8",
        )
        time.sleep(1)  # the reader is answering from the old publication
        summary = run_pipeline(real, AS_OF)
        assert summary.success, summary.error
        time.sleep(1)  # and now from the new one
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
    answers = [json.loads(line) for line in out.splitlines()]
    assert answers, err
    assert [a for a in answers if a[0] == "error"] == []
    old = [5, "252.40", "252.40"]
    new = [6, "262.40", "262.40"]
    assert {tuple(a) for a in answers} == {tuple(old), tuple(new)}
    # Every answer is wholly one publication; the old ones all come before the new ones.
    first_new = answers.index(new)
    assert all(a == old for a in answers[:first_new])
    assert all(a == new for a in answers[first_new:])


def test_detail_rows_follow_their_attribution_not_todays_association(real) -> None:
    from dashboards import queries as q
    from dashboards import warehouse

    con = warehouse.current(real.published_root).cursor()
    try:
        managed = q.incentive_details_export(con, VIEWERS["manager"], q.DetailFilter(), 1000)
        admin = q.incentive_details_totals(con, VIEWERS["admin"], q.DetailFilter())
    finally:
        con.close()
    # CM-D managed C1 for D1 until 06-15; C1 is S1's customer today. CM-D still sees the two
    # rows of that time, O1 (50.00) and the 06-14 consumption (rate 0: 0.00), and nothing of
    # C2, whom R1's CM-R manages.
    assert sorted(managed["customer_id"].to_list()) == ["C1", "C1"]
    assert sum(managed["incentive_amount"].to_list()) == Decimal("50.00")
    # D1's statement lines add up to its statements: 252.40 (see the live total above).
    assert (admin.rows, admin.incentive_amount) == (5, Decimal("252.40"))


def test_a_reseller_and_the_publication_on_the_pipeline_output(real) -> None:
    from dashboards import queries as q
    from dashboards import warehouse

    reseller = Viewer("r1", "partner_admin", "R1")
    con = warehouse.current(real.published_root).cursor()
    try:
        totals = q.incentive_details_totals(con, reseller, q.DetailFilter())
        board = q.incentive_board_trend(con, reseller, 2026)
        distributor = q.settlement_partner(con, reseller)
        publication = q.publication(con)
    finally:
        con.close()
    # R1's customer C2, settled to D1: O4 200.00 + consumption 0.80 + 1.60 = 202.40 (D1's
    # other two rows, O1 and the 0.00 consumption, are C1's while D1 owned it)
    assert (totals.rows, totals.incentive_amount) == (3, Decimal("202.40"))
    assert sum(board["incentive_amount"].to_list()) == Decimal("202.40")
    assert distributor is not None and distributor.partner_id == "D1"
    assert publication.as_of_date == AS_OF
    assert publication.run_id  # the Dagster run that built it


def test_data_quality_reads_the_audit_tables_of_the_published_copy(real) -> None:
    from dashboards import queries as q
    from dashboards import warehouse

    landed = sorted(p for p in real.landing_root.rglob("*") if p.is_file())
    con = warehouse.current(real.published_root).cursor()
    try:
        audit = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'audit'"
            ).fetchall()
        }
        days = q.file_loads_by_day(con, VIEWERS["admin"])
        rejected = q.rejected_associations(con, VIEWERS["admin"])
        s1 = q.rejected_associations(con, Viewer("s1", "partner_admin", "S1"))
    finally:
        con.close()
    assert {"load_log", "quarantine", "file_withdrawals", "files_not_loaded"} <= audit
    # Every landed file is one loaded file of its source and drop date; the set has no bad row.
    assert days["files_loaded"].sum() == len(landed)
    assert days["rows_quarantined"].sum() == 0
    assert days["rows_landed"].sum() == days["rows_loaded"].sum()
    # E6 (D1 while C2 is still R1's) is D1's rejection; E3 (C3's account 61 days old) is S1's.
    assert rejected["event_id"].to_list() == ["E6"]
    assert rejected["rejection_reason"][0] == "customer is still associated with partner R1"
    assert s1["event_id"].to_list() == ["E3"]
    assert s1["rejection_reason"][0].startswith("offline invitation: the customer account")


def test_searches_on_the_pipeline_output_read_their_access_paths(real, monkeypatch) -> None:
    """The customer and order searches on the real marts (incentive_customer_daily, the
    staged orders' days) answer what reading every row answers, and the hand figures."""
    from dashboards import queries as q
    from dashboards import warehouse

    s1 = Viewer("s1", "partner_admin", "S1")
    searches = [
        # C1 (广州星河, account xinghe_gz) while D1's: O1 1,000.00 x 5% = 50.00 and the
        # 06-14 consumption (no policy: 0.00); the account matched in any case.
        (VIEWERS["admin"], q.DetailFilter(search="星河", search_in="customer"), 2, "50.00"),
        (VIEWERS["admin"], q.DetailFilter(search="XINGHE", search_in="customer"), 2, "50.00"),
        (VIEWERS["admin"], q.DetailFilter(search="xinghe"), 2, "50.00"),
        # O2, S1's: ordered 06-25 500.00 x 4% = 20.00, refunded 07-03 -200.00 x 4% = -8.00.
        (s1, q.DetailFilter(search="o2", search_in="order_no"), 2, "12.00"),
        (s1, q.DetailFilter(search="O2"), 2, "12.00"),
    ]
    con = warehouse.current(real.published_root).cursor()
    try:
        answers = [
            (q.incentive_details_totals(con, v, f), q.incentive_details_export(con, v, f, 100))
            for v, f, _, _ in searches
        ]
        monkeypatch.setattr(
            q, "_totals_table", lambda con, flt: q.DAILY if not flt.search.strip() else q.FACTS
        )
        monkeypatch.setitem(q.SEARCH_PREDICATES, "order_no", q.SearchField("details.order_no"))
        for (viewer, flt, rows, amount), (totals, export) in zip(searches, answers, strict=True):
            assert (totals.rows, totals.incentive_amount) == (rows, Decimal(amount)), flt
            assert totals == q.incentive_details_totals(con, viewer, flt)
            assert export.equals(q.incentive_details_export(con, viewer, flt, 100))
    finally:
        con.close()
