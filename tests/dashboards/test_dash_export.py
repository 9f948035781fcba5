"""A long export is written chunk by chunk: the app's memory grows by about a chunk, not by
the selection, and the file holds exactly the mart's rows in page order."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboards import export
from dashboards import queries as q

ROWS = 1_000_000
DAYS = 250
FIRST_DAY = date(2026, 1, 1)
CUSTOMERS = 500
PARTNER = "D9"
REPO = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
# What one export may add to a running app's peak memory: a chunk (export.CHUNK_ROWS =
# 20,000 rows) as DuckDB's result, as a frame and as CSV text. Measured in a fresh process:
# 11 MiB at 100k, 300k and 1M rows alike (the file: 15, 45 and 151 MiB). 48 MiB is about
# 2.4 KiB a row of one chunk, and under a third of this test's file.
# What is measured is the memory the export holds: it runs in a process of its own, whose
# glibc malloc gives freed memory back at once (GLIBC_TUNABLES below). With the default
# tunables, freed chunks stay in malloc's per-thread free lists and the same export measured
# 20-135 MiB from run to run (35-68 MiB in the test process on CI), with DuckDB holding
# 14 MiB; with them, 13-19 MiB over six runs, and the RSS of five exports in a row stayed at
# 274-287 MiB (without them: 308 -> 451 MiB, given back by malloc_trim).
GROWTH_BOUND = 48 * MIB
FREED_MEMORY_RETURNED = (
    "glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072:glibc.malloc.arena_max=2"
)

# The app's side of the export, in a fresh interpreter: a warm-up export (a running app has
# started DuckDB's thread pools and read the table before), then the measured one.
MEASURED_EXPORT = r"""
import gc, json, re, sys
from pathlib import Path
import duckdb
from dashboards import export
from dashboards import queries as q

def status(field):
    text = Path("/proc/self/status").read_text()
    return int(re.search(field + r":\s+(\d+)", text).group(1)) * 1024

def exported(con, viewer, path):
    with open(path, "wb") as handle:
        chunks = q.incentive_details_chunks(con, viewer, q.DetailFilter(), export.CHUNK_ROWS)
        return export.write_csv(chunks, handle)

db, out, warm_up, partner = sys.argv[1:5]
viewer = q.Viewer("admin", "partner_admin", partner)
with duckdb.connect(db, read_only=True) as con:
    exported(con, viewer, warm_up)
    gc.collect()
    Path("/proc/self/clear_refs").write_text("5")  # the peak RSS starts from here
    before = status("VmRSS")
    written = exported(con, viewer, out)
    print(json.dumps({"rows": written, "growth": status("VmHWM") - before}))
"""


def build(path: Path) -> None:
    """The details marts of one distributor: ROWS consumption rows over DAYS days, written in
    day order as the pipeline appends them; row i earns ((i mod 1000) + 1) / 100."""
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE SCHEMA marts")
        con.execute(
            f"""CREATE TABLE marts.incentive_facts AS
            SELECT 'consumption:r' || lpad(i::VARCHAR, 7, '0') AS transaction_id,
                'consumption' AS transaction_type, NULL::VARCHAR AS order_no,
                '{PARTNER}' AS partner_id, strftime(day, '%Y%m') AS billing_period,
                'C' || (i % {CUSTOMERS}) AS customer_id, 'ECS' AS product_type,
                'base' AS incentive_type, (((i % 1000) + 1) * 10 / 100)::DECIMAL(18, 2)
                    AS eligible_amount, 0.1::DECIMAL(9, 6) AS rate,
                (((i % 1000) + 1) / 100)::DECIMAL(18, 2) AS incentive_amount,
                day AS transaction_date, '{PARTNER}' AS owner_partner_id,
                NULL::VARCHAR AS reseller_id, 'M1' AS customer_manager_id,
                'S1' AS supervisor_id, 'referral' AS association_type,
                'on_demand' AS billing_mode, year(day)::INTEGER AS year,
                'r' || i AS resource_id, NULL::VARCHAR AS project_id, 'POL1' AS policy_id
            FROM (SELECT i, DATE '{FIRST_DAY}' + (i * {DAYS} // {ROWS})::INTEGER AS day
                  FROM range({ROWS}) t(i))
            ORDER BY day"""
        )
        con.execute("""CREATE VIEW marts.incentive_daily AS
            SELECT partner_id, owner_partner_id, reseller_id, customer_manager_id,
                association_type, product_type, transaction_type, billing_mode, incentive_type,
                billing_period, year, transaction_date, sum(eligible_amount) AS eligible_amount,
                sum(incentive_amount) AS incentive_amount, count(*) AS detail_rows
            FROM marts.incentive_facts GROUP BY ALL""")
        con.execute(f"""CREATE TABLE marts.customer_directory AS
            SELECT 'C' || i AS customer_id, '客户' || i AS customer_name,
                'acct-' || i AS account_name FROM range({CUSTOMERS}) t(i)""")
        con.execute(f"""CREATE TABLE marts.partner_directory AS
            SELECT '{PARTNER}' AS partner_id, '华南总代' AS partner_name,
                'distributor' AS partner_type, NULL::VARCHAR AS parent_partner_id""")
        con.execute("""CREATE TABLE marts.staff_directory AS
            SELECT * FROM (VALUES ('M1', 'D9', '李娜', 'customer_manager', 'S1', '张伟'),
                ('S1', 'D9', '张伟', 'supervisor', NULL, NULL))
            t(staff_id, partner_id, staff_name, role, supervisor_id, supervisor_name)""")
        con.execute("""CREATE TABLE marts.incentive_statements AS
            SELECT partner_id, billing_period, partner_id || '-' || billing_period AS statement_id,
                'estimated' AS status, sum(incentive_amount) AS incentive_amount
            FROM marts.incentive_facts GROUP BY ALL""")
        # The public mart as dbt defines it: the rows with their names and statement.
        con.execute("""CREATE VIEW marts.incentive_details AS
            SELECT f.*, c.customer_name, c.account_name, m.staff_name AS customer_manager_name,
                s.statement_id, s.status AS statement_status
            FROM marts.incentive_facts f
            LEFT JOIN marts.customer_directory c USING (customer_id)
            LEFT JOIN marts.staff_directory m ON m.staff_id = f.customer_manager_id
            LEFT JOIN marts.incentive_statements s
                ON s.partner_id = f.partner_id AND s.billing_period = f.billing_period""")


@pytest.fixture(scope="module")
def details_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "details.duckdb"
    build(path)
    return path


def measured_export(details_db: Path, out: Path, warm_up: Path) -> dict[str, int]:
    args = [str(details_db), str(out), str(warm_up), PARTNER]
    done = subprocess.run(
        [sys.executable, "-c", MEASURED_EXPORT, *args],
        cwd=REPO,
        env={**os.environ, "GLIBC_TUNABLES": FREED_MEMORY_RETURNED},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_long_export_grows_memory_by_a_chunk_and_equals_the_mart(
    details_db: Path, tmp_path: Path
) -> None:
    viewer = q.Viewer("admin", "partner_admin", PARTNER)
    out = tmp_path / "details.csv"
    measured = measured_export(details_db, out, tmp_path / "warm-up.csv")
    written, growth = measured["rows"], measured["growth"]
    with duckdb.connect(str(details_db), read_only=True) as con:
        totals = q.incentive_details_totals(con, viewer, q.DetailFilter())
        mart = con.execute(
            """SELECT transaction_id, customer_name, incentive_amount FROM marts.incentive_details
            ORDER BY billing_period DESC, transaction_date DESC, transaction_id"""
        ).pl()

    size = out.stat().st_size
    print(f"export: {written:,} rows, {size / MIB:.1f} MiB CSV, RSS growth {growth / MIB:.1f} MiB")
    assert written == ROWS == totals.rows
    # Bounded by a chunk, not the selection: well under the file itself.
    assert growth < GROWTH_BOUND, growth / MIB
    assert growth < size / 2, (growth / MIB, size / MIB)

    back = pl.read_csv(out, infer_schema=False, encoding="utf8")
    assert out.read_bytes()[:3] == export.BOM
    assert back.height == ROWS
    # Sum of ((i mod 1000) + 1) / 100 over i < ROWS: 1,000 full cycles of 1..1000.
    expected = Decimal(ROWS // 1000 * (1000 * 1001 // 2)) / 100
    assert sum(Decimal(v) for v in back["incentive_amount"]) == expected == totals.incentive_amount
    # Row by row the mart's rows, in page order.
    assert back["transaction_id"].to_list() == mart["transaction_id"].to_list()
    assert back["customer_name"].to_list() == mart["customer_name"].to_list()
    assert back["incentive_amount"].to_list() == [str(v) for v in mart["incentive_amount"]]
    # Newest day first: the last day holds the rows with the highest numbers.
    last_day = FIRST_DAY + timedelta(days=DAYS - 1)
    assert back["transaction_date"][0] == last_day.isoformat()


def test_excel_goes_on_to_a_new_sheet_past_the_sheet_limit(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(export, "EXCEL_SHEET_ROWS", 4)  # 3 rows and the header a sheet
    frames = [pl.DataFrame({"n": [1, 2]}), pl.DataFrame({"n": [3, 4, 5, 6, 7]})]
    path = tmp_path / "split.xlsx"
    written = export.write_excel(frames, str(path), "details")
    assert written == export.ExcelWritten(rows=7, sheets=3)
    sheets = pl.read_excel(path, sheet_id=0)
    assert list(sheets) == ["details", "details (2)", "details (3)"]
    assert [sheets[name]["n"].to_list() for name in sheets] == [[1, 2, 3], [4, 5, 6], [7]]
    monkeypatch.undo()
    assert export.excel_sheets(1_048_575) == 1  # data rows that fit one sheet with its header
    assert export.excel_sheets(1_048_576) == 2
