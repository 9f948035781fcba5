"""Every cent behind a statement, on what the real pipeline publishes from generated data:
the statement's rows page by page to the last, and one row back to the file it landed in
and the rule that gave its amount."""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import fmt, warehouse
from dashboards import queries as q
from pipelines.run import run_pipeline
from pipelines.warehouse import Warehouse
from tools.generate import generate_landing

APP = str(Path(__file__).resolve().parents[2] / "dashboards" / "app.py")
AS_OF = date(2026, 7, 12)
PAGE = 50
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    """40 days of generated landing files (June's statements hold about 11,000 rows) run
    through the pipeline and published."""
    root = tmp_path_factory.mktemp("drill")
    landing = root / "landing"
    generate_landing(landing, scale=1.25, start=date(2026, 6, 1), days=40, plain=True)
    built = Warehouse(path=str(root / "warehouse.duckdb"), landing_dir=str(landing))
    summary = run_pipeline(built, AS_OF)
    assert summary.success, summary.error
    return built


@pytest.fixture(scope="module")
def largest(built: Warehouse) -> tuple[str, str, int, Decimal]:
    """(partner, statement id, detail rows, amount) of the statement with the most rows."""
    with duckdb.connect(str(warehouse.current(built.published_root).path), read_only=True) as con:
        row = con.execute(
            """select partner_id, statement_id, detail_rows, incentive_amount
            from marts.incentive_statements order by detail_rows desc limit 1"""
        ).fetchone()
    assert row is not None
    return row[0], row[1], int(row[2]), Decimal(row[3])


def mart_rows(built: Warehouse, statement_id: str) -> pl.DataFrame:
    """The statement's rows as the public mart holds them, in the pages' order."""
    with duckdb.connect(str(warehouse.current(built.published_root).path), read_only=True) as con:
        return con.execute(
            """select transaction_id, transaction_type, owner_partner_id, eligible_amount, rate,
                incentive_amount from marts.incentive_details where statement_id = ?
            order by billing_period desc, transaction_date desc, transaction_id""",
            [statement_id],
        ).pl()


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def landed_row(landing: Path, file: str, row_number: int) -> dict[str, str]:
    """The row as it is in the landing file: a CSV's header is row 1, a Parquet file's
    first row is row 1."""
    path = landing / file
    if path.suffix == ".parquet":
        frame = pl.read_parquet(path).cast(pl.String)
        return frame.row(row_number - 1, named=True)
    return pl.read_csv(path, infer_schema=False).row(row_number - 2, named=True)


def test_statement_to_its_last_page_and_one_row_to_its_source(built, largest, monkeypatch):
    partner, statement_id, rows, amount = largest
    assert rows > 10_000
    mart = mart_rows(built, statement_id)
    assert mart.height == rows and sum(mart["incentive_amount"]) == amount

    monkeypatch.setenv("PARTNER_WAREHOUSE_PUBLISHED", str(built.published_root))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["viewer"] = q.Viewer("admin", "partner_admin", partner)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("views/statements.py").run()
    at.selectbox(key="statement_choice").set_value(statement_id).run()
    assert not at.exception, at.exception
    # The drill-down's total is the statement's, over every row (no cap).
    assert metric(at, "Incentive amount") == fmt.money(amount)
    assert metric(at, "Detail rows") == fmt.number(rows)

    pages = math.ceil(rows / PAGE)
    at.number_input(key=f"statement_page_{statement_id}").set_value(pages).run()
    assert not at.exception, at.exception
    shown = at.dataframe[1].value
    last = mart.slice((pages - 1) * PAGE)
    assert shown["Transaction ID"].tolist() == last["transaction_id"].to_list()
    first, end = fmt.number((pages - 1) * PAGE + 1), fmt.number(rows)
    assert any(f"Rows {first}–{end} of {end}" in c.value for c in at.caption)

    # Open one row of the last page the distributor owns (full access: amounts shown).
    own = last.filter(
        (pl.col("owner_partner_id") == partner)
        & pl.col("transaction_type").is_in(["order", "consumption"])
    )
    assert own.height, "the last page holds no order or consumption row of the distributor"
    row = own.row(0, named=True)
    at.selectbox(key=f"statement_source_{statement_id}").set_value(row["transaction_id"]).run()
    assert not at.exception, at.exception
    lineage = next(m.value for m in at.markdown if "**Landing file**" in m.value)
    found = re.search(
        r"\*\*Landing file\*\*: `([^`]+)`.*\*\*Row in the file\*\*: ([\d,]+)", lineage, re.S
    )
    assert found, lineage
    file, row_number = found.group(1), int(found.group(2).replace(",", ""))
    landed = landed_row(built.landing_root, file, row_number)
    if row["transaction_type"] == "order":
        assert "order:" + landed["order_no"] == row["transaction_id"]
    else:
        assert (
            f"consumption:{landed['resource_id']}:{landed['usage_date']}" == row["transaction_id"]
        )
    # The cents: eligible = the landed cash paid (rule 2), incentive = eligible x the policy
    # rate, rounded half up to 0.01 (rule 3); the page says which policy.
    assert Decimal(landed["paid_amount"]) == row["eligible_amount"]
    expected = (row["eligible_amount"] * row["rate"]).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert expected == row["incentive_amount"]
    rule = "\n".join(m.value for m in at.markdown)
    assert fmt.money(row["incentive_amount"]) in rule and fmt.percent(row["rate"]) in rule


def test_every_page_adds_up_to_the_statement_and_resellers_rows_stay_basic(built, largest):
    partner, statement_id, rows, amount = largest
    viewer = q.Viewer("admin", "partner_admin", partner)
    flt = q.DetailFilter(statement_id=statement_id)
    con = warehouse.current(built.published_root).cursor()
    try:
        totals = q.incentive_details_totals(con, viewer, flt)
        pages = [
            q.incentive_details_page(con, viewer, flt, 500, offset, totals)
            for offset in range(0, rows, 500)
        ]
        every = pl.concat(pages)
        basic = every.filter(~pl.col("full_access") & (pl.col("transaction_type") != "project"))
        record = q.source_record(con, viewer, basic["transaction_id"][0]) if basic.height else None
    finally:
        con.close()
    assert (totals.rows, totals.incentive_amount) == (rows, amount)
    assert (
        every["transaction_id"].to_list()
        == mart_rows(built, statement_id)["transaction_id"].to_list()
    )
    assert sum(every["incentive_amount"]) == amount
    # A reseller's customer's row (rule 7): its incentive is a line of the distributor's
    # statement; the customer's spend, in the detail and in the landed record, is not shown.
    assert basic.height and record is not None
    assert basic["eligible_amount"].null_count() == basic.height
    assert record.file and record.row_number and "paid_amount" in record.hidden
    assert record.values["paid_amount"] is None
