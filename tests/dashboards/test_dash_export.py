"""A long export is written chunk by chunk: the app's memory grows by about a chunk, not by
the selection, and the file holds exactly the mart's rows in page order."""

from __future__ import annotations

import ctypes
import gc
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboards import export
from dashboards import queries as q

ROWS = 600_000
DAYS = 150
FIRST_DAY = date(2026, 1, 1)
CUSTOMERS = 500
PARTNER = "D9"
MIB = 1024 * 1024
# What one export may add to a running app's peak memory: a chunk (export.CHUNK_ROWS =
# 20,000 rows) as DuckDB's result, as a frame and as CSV text. Measured alone: 11 MiB at
# 100k, 300k and 1M rows alike (the file: 15, 45 and 151 MiB); in a process that ran the
# other dashboard tests first, up to 35 MiB. 48 MiB is about 2.4 KiB a row of one chunk,
# and half the file of this test (91 MiB).
GROWTH_BOUND = 48 * MIB


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


def peak_rss_since_reset() -> int:
    return int(re.search(r"VmHWM:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) * 1024


def current_rss() -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text()).group(1)) * 1024


@pytest.fixture(scope="module")
def details_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("export") / "details.duckdb"
    build(path)
    return path


def exported(con: duckdb.DuckDBPyConnection, viewer: q.Viewer, out: Path) -> int:
    with out.open("wb") as handle:
        return export.write_csv(
            q.incentive_details_chunks(con, viewer, q.DetailFilter(), export.CHUNK_ROWS), handle
        )


def test_a_long_export_grows_memory_by_a_chunk_and_equals_the_mart(
    details_db: Path, tmp_path: Path
) -> None:
    viewer = q.Viewer("admin", "partner_admin", PARTNER)
    out = tmp_path / "details.csv"
    with duckdb.connect(str(details_db), read_only=True) as con:
        totals = q.incentive_details_totals(con, viewer, q.DetailFilter())
        # A running app has started its thread pools and read the table before: the first
        # export in a fresh process also pays that, once (65-100 MiB here).
        exported(con, viewer, tmp_path / "warm-up.csv")
        gc.collect()
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # freed memory counts again when reused
        Path("/proc/self/clear_refs").write_text("5")  # the peak RSS starts from here
        before = current_rss()
        written = exported(con, viewer, out)
        growth = peak_rss_since_reset() - before
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
    # Sum of ((i mod 1000) + 1) / 100 over i < ROWS: 600 full cycles of 1..1000.
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
