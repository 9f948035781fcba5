"""A hand-made warehouse with the `marts.*` tables the dashboards read.

The tables are created from the marts' dbt contracts (the `contract: enforced` columns of
dbt_project/models/marts/*.yml, in order, with their types); a fixture row fills the
leading columns and leaves the rest null. `build_fixture_warehouse(path, version)` writes one; `publish(folder,
version)` writes `warehouse-<version>.duckdb` into a published folder and swaps `CURRENT`
(atomically, with os.replace), as the pipeline does. To test against the real pipeline
output instead, point `PARTNER_WAREHOUSE_PUBLISHED` at its published folder.

The cast: distributor D1 with supervisors 张伟 (SUP1: 李娜 CM1, 王强 CM2) and 陈静 (SUP2:
李娜 CM3, a namesake of CM1: names are labels, never access keys); reseller R1 under D1
(supervisor 孙丽 RSUP1, manager 赵敏 RCM1), whose customers D1 sees as basic info and whose
incentive rows settle to D1; solution provider X1 (周杰 XCM1) whose customer nobody else
sees. The publication's as-of date is AS_OF.
`version=2` doubles every money amount and adds one detail row, so an answer mixing the
two files can be told apart.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

import duckdb
import yaml

AS_OF = date(2026, 11, 23)

MARTS_MODELS = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "marts"

# The marts the fixture fills, created as their dbt contracts declare them (columns, order
# and types from the models' YAML), so the fixture cannot drift from the warehouse.
FIXTURE_TABLES = (
    "incentive_details",
    "incentive_statements",
    "incentive_board",
    "indicators",
    "customer_board_daily",
    "customer_board_monthly",
    "customer_board_breakdown",
    "customer_warnings",
    "sub_customers",
    "customer_resources",
    "customer_access",
    "association_events",
    "staff_directory",
    "partner_directory",
    "customer_directory",
    "publication",
)


@cache
def contract_columns() -> dict[str, list[tuple[str, str]]]:
    """Columns and data types, in order, of every mart whose dbt contract is enforced."""
    contracts = {}
    for path in sorted(MARTS_MODELS.glob("*.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            if model.get("config", {}).get("contract", {}).get("enforced"):
                contracts[model["name"]] = [
                    (column["name"], column["data_type"]) for column in model["columns"]
                ]
    return contracts


def _create_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    for table in FIXTURE_TABLES:
        columns = ", ".join(f"{name} {data_type}" for name, data_type in contract_columns()[table])
        con.execute(f"CREATE TABLE marts.{table} ({columns})")


def _leading_columns(table: str, count: int) -> str:
    """The column list of the first `count` contract columns of marts.<table>: a fixture row
    gives those in order, and a column the contract adds later stays null here instead of
    breaking the fixture."""
    return "(" + ", ".join(name for name, _ in contract_columns()[table][:count]) + ")"


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: list[tuple[object, ...]],
    columns: tuple[str, ...] | None = None,
) -> None:
    """Insert rows holding `columns` of marts.<table>, else its leading contract columns
    (_leading_columns)."""
    width = len(rows[0])
    names = f"({', '.join(columns)})" if columns else _leading_columns(table, width)
    con.executemany(
        f"INSERT INTO marts.{table} {names} VALUES ({', '.join('?' * width)})",
        rows,
    )


PARTNER_NAMES = {"D1": "华东云总代有限公司", "R1": "杭州云联经销", "X1": "Other Partner"}
# partner_id: (partner_type, parent_partner_id)
PARTNER_TYPES = {
    "D1": ("distributor", None),
    "R1": ("reseller", "D1"),
    "X1": ("solution_provider", None),
}

# staff_id: (partner_id, name, role, supervisor_id)
STAFF = {
    "SUP1": ("D1", "张伟", "supervisor", None),
    "CM1": ("D1", "李娜", "customer_manager", "SUP1"),
    "CM2": ("D1", "王强", "customer_manager", "SUP1"),
    "SUP2": ("D1", "陈静", "supervisor", None),
    "CM3": ("D1", "李娜", "customer_manager", "SUP2"),
    "RSUP1": ("R1", "孙丽", "supervisor", None),
    "RCM1": ("R1", "赵敏", "customer_manager", "RSUP1"),
    "XSUP1": ("X1", "吴刚", "supervisor", None),
    "XCM1": ("X1", "周杰", "customer_manager", "XSUP1"),
}

# customer_id: (name, account, owner partner, manager, association type, industry, region,
#               is new, associated at, credit limit, discount rate, balance)
CUSTOMERS = {
    "C1": (
        "Acme Cloud Ltd",
        "acme-cloud",
        "D1",
        "CM1",
        "reseller",
        "Retail",
        "East China",
        True,
        datetime(2026, 3, 2, 10),
        "50000.00",
        "0.900000",
        "-1200.50",
    ),
    "C2": (
        "北京星河科技",
        "xinghe-bj",
        "D1",
        "CM1",
        "referral",
        "互联网",
        "华北",
        False,
        datetime(2025, 11, 5, 9),
        "80000.00",
        "0.850000",
        "23000.00",
    ),
    "C3": (
        "Blue Ocean Retail",
        "blueocean",
        "D1",
        "CM2",
        "reseller",
        "Retail",
        "South China",
        False,
        datetime(2025, 6, 1, 8),
        "30000.00",
        "0.950000",
        "4100.00",
    ),
    "C4": (
        "Delta Games",
        "delta-games",
        "D1",
        "CM3",
        "referral",
        "Gaming",
        "East China",
        True,
        datetime(2026, 9, 12, 15),
        "20000.00",
        "1.000000",
        "900.00",
    ),
    "C5": (
        "杭州数智",
        "hz-shuzhi",
        "R1",
        "RCM1",
        "reseller",
        "Manufacturing",
        "East China",
        True,
        datetime(2026, 5, 20, 11),
        "60000.00",
        "0.800000",
        "120.00",
    ),
    "C6": (
        "Echo Media",
        "echo-media",
        "R1",
        "RCM1",
        "referral",
        "Media",
        "East China",
        False,
        datetime(2026, 1, 8, 14),
        "40000.00",
        "0.880000",
        "7000.00",
    ),
    "C7": (
        "Foxtrot Bank",
        "foxtrot",
        "X1",
        "XCM1",
        "reseller",
        "Finance",
        "West China",
        False,
        datetime(2025, 2, 1, 9),
        "90000.00",
        "0.700000",
        "50000.00",
    ),
}

SETTLEMENT = {"D1": "D1", "R1": "D1", "X1": "X1"}

STATUS_BY_PERIOD = {
    "202512": "issued",
    "202608": "issued",
    "202609": "issuing",
    "202610": "pending_confirmation",
    "202611": "estimated",
}

# (transaction_id, type, order_no, customer, product, billing mode, date, eligible, rate,
#  incentive type)
DETAILS = [
    (
        "T001",
        "order",
        "ORD-20251203-001",
        "C2",
        "ecs",
        "yearly_monthly",
        date(2025, 12, 3),
        "12000.00",
        "0.050000",
        "base",
    ),
    (
        "T002",
        "consumption",
        None,
        "C3",
        "obs",
        "on_demand",
        date(2025, 12, 20),
        "800.00",
        "0.030000",
        "base",
    ),
    (
        "T003",
        "order",
        "ORD-20260805-002",
        "C1",
        "ecs",
        "yearly_monthly",
        date(2026, 8, 5),
        "24000.00",
        "0.050000",
        "base",
    ),
    (
        "T004",
        "consumption",
        None,
        "C1",
        "obs",
        "on_demand",
        date(2026, 8, 31),
        "1500.00",
        "0.030000",
        "base",
    ),
    (
        "T005",
        "order",
        "ORD-20260812-003",
        "C5",
        "rds",
        "yearly_monthly",
        date(2026, 8, 12),
        "9000.00",
        "0.040000",
        "base",
    ),
    (
        "T006",
        "order",
        "ORD-20260903-004",
        "C2",
        "rds",
        "yearly_monthly",
        date(2026, 9, 3),
        "15000.00",
        "0.040000",
        "base",
    ),
    (
        "T007",
        "refund",
        "ORD-20260805-002",
        "C1",
        "ecs",
        "yearly_monthly",
        date(2026, 9, 18),
        "-6000.00",
        "0.050000",
        "base",
    ),
    (
        "T008",
        "consumption",
        None,
        "C6",
        "cdn",
        "on_demand",
        date(2026, 9, 30),
        "2300.00",
        "0.030000",
        "base",
    ),
    (
        "T009",
        "project",
        None,
        "C1",
        "ecs",
        "yearly_monthly",
        date(2026, 10, 1),
        "180000.00",
        None,
        "acceleration",
    ),
    (
        "T010",
        "order",
        "ORD-20261007-005",
        "C3",
        "ecs",
        "yearly_monthly",
        date(2026, 10, 7),
        "36000.00",
        "0.050000",
        "base",
    ),
    (
        "T011",
        "order",
        "ORD-20261015-006",
        "C4",
        "gaussdb",
        "yearly_monthly",
        date(2026, 10, 15),
        "18000.00",
        "0.060000",
        "base",
    ),
    (
        "T012",
        "consumption",
        None,
        "C5",
        "obs",
        "on_demand",
        date(2026, 10, 31),
        "700.00",
        "0.030000",
        "base",
    ),
    (
        "T013",
        "order",
        "ORD-20261102-007",
        "C2",
        "ecs",
        "yearly_monthly",
        date(2026, 11, 2),
        "10000.00",
        "0.050000",
        "base",
    ),
    (
        "T014",
        "consumption",
        None,
        "C4",
        "obs",
        "on_demand",
        date(2026, 11, 20),
        "450.55",
        "0.030000",
        "base",
    ),
    (
        "T015",
        "order",
        "ORD-20261110-008",
        "C7",
        "ecs",
        "yearly_monthly",
        date(2026, 11, 10),
        "50000.00",
        "0.050000",
        "base",
    ),
    (
        "T016",
        "order",
        "ORD-20261112-009",
        "C6",
        "ecs",
        "yearly_monthly",
        date(2026, 11, 12),
        "8000.00",
        "0.050000",
        "base",
    ),
]
EXTRA_DETAIL_V2 = (
    "T017",
    "order",
    "ORD-20261121-010",
    "C3",
    "rds",
    "yearly_monthly",
    date(2026, 11, 21),
    "5000.00",
    "0.040000",
    "base",
)

ACCESS = {
    ("partner", "D1"): {
        "C1": "full",
        "C2": "full",
        "C3": "full",
        "C4": "full",
        "C5": "basic",
        "C6": "basic",
    },
    ("partner", "R1"): {"C5": "full", "C6": "full"},
    ("partner", "X1"): {"C7": "full"},
    ("staff", "SUP1"): {"C1": "full", "C2": "full", "C3": "full"},
    ("staff", "CM1"): {"C1": "full", "C2": "full"},
    ("staff", "CM2"): {"C3": "full"},
    ("staff", "SUP2"): {"C4": "full"},
    ("staff", "CM3"): {"C4": "full"},
    ("staff", "RSUP1"): {"C5": "full", "C6": "full"},
    ("staff", "RCM1"): {"C5": "full", "C6": "full"},
    ("staff", "XSUP1"): {"C7": "full"},
    ("staff", "XCM1"): {"C7": "full"},
}

INDICATORS = [  # code, zh, en, method, period, measure, unit (as the catalog seeds say)
    ("cash_spend", "现金消费", "Cash spend", "sum", "month", "cash_spend", "cny"),
    (
        "cash_spend_ytd",
        "年度累计现金消费",
        "Cash spend, year to date",
        "cumulative sum",
        "year",
        "cash_spend",
        "cny",
    ),
    ("incentive_amount", "激励金额", "Incentive amount", "sum", "month", "incentive", "cny"),
    (
        "new_customers",
        "新增关联客户数",
        "Newly associated customers",
        "count",
        "month",
        "associations_started",
        "count",
    ),
    (
        "disassociated_customers",
        "解除关联客户数",
        "Disassociated customers",
        "count",
        "month",
        "associations_ended",
        "count",
    ),
    (
        "active_customers",
        "活跃客户数",
        "Active customers",
        "distinct count",
        "month",
        "cash_spend",
        "count",
    ),
]
METHOD_NAMES = {
    "sum": ("求和", "Sum"),
    "cumulative sum": ("累计求和", "Cumulative sum"),
    "count": ("计数", "Count"),
    "distinct count": ("去重计数", "Distinct count"),
}
PERIOD_NAMES = {"month": ("月", "Month"), "year": ("年", "Year")}

# Monthly customer board of D1 per own customer manager: (period, manager) ->
# (customers_at_end, new, disassociated, revenue).
BOARD_MONTHS = [date(2026, m, 1) for m in range(6, 12)]
BOARD_BY_MANAGER = {
    "CM1": [
        (2, 0, 0, "3000.00"),
        (2, 0, 0, "2500.00"),
        (2, 0, 0, "25500.00"),
        (2, 0, 0, "9000.00"),
        (2, 0, 0, "0.00"),
        (2, 0, 0, "10000.00"),
    ],
    "CM2": [
        (2, 1, 0, "500.00"),
        (2, 0, 0, "800.00"),
        (1, 0, 1, "0.00"),
        (1, 0, 0, "0.00"),
        (1, 0, 0, "36000.00"),
        (1, 0, 0, "0.00"),
    ],
    "CM3": [
        (0, 0, 0, "0.00"),
        (0, 0, 0, "0.00"),
        (0, 0, 0, "0.00"),
        (1, 1, 0, "0.00"),
        (1, 0, 0, "18000.00"),
        (1, 0, 0, "450.55"),
    ],
}


def _money(text: str | None, version: int) -> Decimal | None:
    if text is None:
        return None
    return Decimal(text) * (2 if version == 2 else 1)


def _detail_rows(version: int) -> list[tuple[object, ...]]:
    rows = []
    source = DETAILS + ([EXTRA_DETAIL_V2] if version == 2 else [])
    for tid, ttype, order_no, cid, product, mode, day, eligible, rate, itype in source:
        name, account, owner, manager, assoc = CUSTOMERS[cid][:5]
        settlement = SETTLEMENT[owner]
        supervisor = STAFF[manager][3]
        period = f"{day.year}{day.month:02d}"
        amount = _money(eligible, version)
        assert amount is not None
        if rate is None:  # acceleration: capped amount, no rate
            incentive = min(amount, Decimal(150000) * (2 if version == 2 else 1))
        else:
            incentive = (amount * Decimal(rate)).quantize(Decimal("0.01"))
        status = STATUS_BY_PERIOD.get(period, "issued") if settlement == "D1" else "estimated"
        reseller_id = owner if owner != settlement else None
        rows.append(
            (
                tid,
                ttype,
                order_no,
                settlement,
                period,
                cid,
                name,
                account,
                PARTNER_NAMES[reseller_id] if reseller_id else None,
                STAFF[manager][1],
                STAFF[supervisor][1] if supervisor else None,
                product,
                itype,
                amount,
                Decimal(rate) if rate else None,
                incentive,
                status,
                f"{settlement}-{period}",
                day,
                owner,
                reseller_id,
                manager,
                supervisor,
                assoc,
                mode,
                day.year,
            )
        )
    return rows


def build_fixture_warehouse(path: Path, version: int = 1) -> Path:
    """Write the fixture warehouse to `path` (replacing it) and return the path."""
    path = Path(path)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        _create_tables(con)
        details = _detail_rows(version)
        _insert(con, "incentive_details", details)
        con.execute("""INSERT INTO marts.incentive_board BY NAME
            SELECT partner_id, billing_period, supervisor_name, customer_manager_name,
                statement_status AS status, sum(incentive_amount) AS incentive_amount,
                supervisor_id, customer_manager_id, year,
                sum(eligible_amount) AS eligible_amount, count(*) AS detail_rows,
                owner_partner_id
            FROM marts.incentive_details GROUP BY ALL""")
        _insert(con, "publication", [(AS_OF, f"fixture-run-{version}")])
        _statements(con)
        _indicators(con, version)
        _customer_board(con, version)
        _warnings(con)
        _customers(con, version)
        _audit(con)
        _insert(
            con,
            "customer_access",
            [
                (kind, vid, cid, level)
                for (kind, vid), m in ACCESS.items()
                for cid, level in m.items()
            ],
        )
        _insert(
            con,
            "staff_directory",
            [
                (sid, p, n, r, sup, STAFF[sup][1] if sup else None)
                for sid, (p, n, r, sup) in STAFF.items()
            ],
        )
        # The id-only rows the details page counts and pages on (dbt: marts.incentive_facts).
        con.execute("""CREATE VIEW marts.incentive_facts AS
            SELECT * EXCLUDE (customer_name, account_name, reseller_name, customer_manager_name,
                supervisor_name, statement_status, statement_id)
            FROM marts.incentive_details""")
        con.execute("""CREATE VIEW marts.incentive_daily AS
            SELECT partner_id, owner_partner_id, reseller_id, customer_manager_id,
                association_type, product_type, transaction_type, billing_mode, incentive_type,
                billing_period, year, transaction_date, sum(eligible_amount) AS eligible_amount,
                sum(incentive_amount) AS incentive_amount, count(*) AS detail_rows
            FROM marts.incentive_details GROUP BY ALL""")
        # Per customer (dbt: marts.incentive_customer_daily, sorted by customer there).
        con.execute("""CREATE VIEW marts.incentive_customer_daily AS
            SELECT customer_id, partner_id, owner_partner_id, reseller_id, customer_manager_id,
                association_type, product_type, transaction_type, billing_mode, incentive_type,
                billing_period, year, transaction_date, sum(eligible_amount) AS eligible_amount,
                sum(incentive_amount) AS incentive_amount, count(*) AS detail_rows
            FROM marts.incentive_details GROUP BY ALL""")
        # The staged orders an order-number search finds its days in: an order row is dated
        # its order time, a refund row its refund time (dbt: macro attributed_orders).
        con.execute("CREATE SCHEMA staging")
        con.execute("""CREATE VIEW staging.stg_raw__orders AS
            SELECT order_no,
                max(transaction_date) FILTER (WHERE transaction_type = 'order')::timestamp
                    AS order_time,
                max(transaction_date) FILTER (WHERE transaction_type = 'refund')::timestamp
                    AS refund_time
            FROM marts.incentive_details WHERE order_no IS NOT NULL GROUP BY order_no""")
        # The directories the searches match names in, as the dbt marts derive them.
        con.execute("""INSERT INTO marts.customer_directory BY NAME
            SELECT DISTINCT customer_id, customer_name, account_name,
                lower(customer_name) AS customer_name_lower,
                lower(account_name) AS account_name_lower
            FROM marts.incentive_details""")
        _insert(
            con,
            "partner_directory",
            [(pid, PARTNER_NAMES[pid], *PARTNER_TYPES[pid]) for pid in PARTNER_NAMES],
        )
    finally:
        con.close()
    return path


def _statements(con: duckdb.DuckDBPyConnection) -> None:
    events = {  # period: generated, confirmed, invoice, due, paid, overdue
        "202512": ("2026-01-05", "2026-01-08", "2026-01-20", "2026-02-04", "2026-02-01", False),
        "202608": ("2026-09-05", "2026-09-07", "2026-09-15", "2026-09-30", "2026-09-25", False),
        "202609": ("2026-10-05", "2026-10-12", "2026-10-20", "2026-11-04", None, True),
        "202610": ("2026-11-05", None, None, None, None, False),
        "202611": (None, None, None, None, None, False),
    }
    for period, (gen, conf, inv, due, paid, overdue) in events.items():
        con.execute(
            f"""INSERT INTO marts.incentive_statements {_leading_columns("incentive_statements", 15)}
            SELECT 'D1', ?, coalesce(sum(incentive_amount), 0), ?, ?::TIMESTAMP, ?::DATE,
                ?::TIMESTAMP, ?, 'D1-' || ?, ?, ?::TIMESTAMP, ?::TIMESTAMP, ?, ?::TIMESTAMP,
                count(*)
            FROM marts.incentive_details WHERE partner_id = 'D1' AND billing_period = ?""",
            [
                period,
                STATUS_BY_PERIOD[period],
                inv,
                due,
                paid,
                overdue,
                period,
                PARTNER_NAMES["D1"],
                gen,
                conf,
                period == "202609",
                paid,
                period,
            ],
        )
    con.execute(f"""INSERT INTO marts.incentive_statements {_leading_columns("incentive_statements", 15)}
        SELECT 'X1', '202611', sum(incentive_amount), 'estimated', NULL, NULL, NULL, FALSE,
            'X1-202611', 'Other Partner', NULL, NULL, FALSE, NULL, count(*)
        FROM marts.incentive_details WHERE partner_id = 'X1'""")


def _indicators(con: duckdb.DuckDBPyConnection, version: int) -> None:
    rows = []
    for partner in ("D1", "X1"):
        for i, period in enumerate(("202609", "202610", "202611")):
            values = {
                "cash_spend": _money(f"{10000 + 1000 * i}.50", version),
                "cash_spend_ytd": _money(f"{200000 + 11000 * i}.50", version),
                "incentive_amount": _money(f"{700 + 10 * i}.25", version),
                "new_customers": Decimal(i),
                "disassociated_customers": Decimal(1 if i == 0 else 0),
                "active_customers": Decimal(3 + i),
            }
            for order, (code, zh, en, method, stat_period, measure, unit) in enumerate(
                INDICATORS, start=1
            ):
                value = values[code]
                if partner == "X1":
                    value = Decimal(7)
                method_zh, method_en = METHOD_NAMES[method]
                period_zh, period_en = PERIOD_NAMES[stat_period]
                rows.append(
                    (
                        partner,
                        code,
                        zh,
                        en,
                        method,
                        stat_period,
                        period,
                        value,
                        order,
                        method_zh,
                        period_zh,
                        method_en,
                        period_en,
                        measure,
                        unit,
                    )
                )
    _insert(con, "indicators", rows)


def _customer_board(con: duckdb.DuckDBPyConnection, version: int) -> None:
    monthly, breakdown = [], []
    for i, month in enumerate(BOARD_MONTHS):
        totals = [0, 0, 0, Decimal(0)]
        for manager, series in BOARD_BY_MANAGER.items():
            at_end, new, gone, revenue = series[i]
            money = _money(revenue, version)
            totals = [totals[0] + at_end, totals[1] + new, totals[2] + gone, totals[3] + money]
            breakdown.append(
                (
                    "D1",
                    "month",
                    month,
                    "customer_manager",
                    STAFF[manager][1],
                    at_end,
                    new,
                    gone,
                    money,
                    manager,
                )
            )
        monthly.append(("D1", month, *totals))
    last = BOARD_MONTHS[-1]
    for dimension, split in {
        # values land in either language (C2's in Chinese): the pages show the reader's
        "industry": {"Retail": (2, "10000.00"), "互联网": (1, "0.00"), "Gaming": (1, "450.55")},
        "region": {
            "East China": (2, "10450.55"),
            "华北": (1, "0.00"),
            "South China": (1, "0.00"),
        },
        "association_type": {"reseller": (2, "10000.00"), "referral": (2, "450.55")},
        "customer_kind": {"new": (2, "10450.55"), "existing": (2, "0.00")},
    }.items():
        for value, (at_end, revenue) in split.items():
            breakdown.append(
                (
                    "D1",
                    "month",
                    last,
                    dimension,
                    value,
                    at_end,
                    0,
                    0,
                    _money(revenue, version),
                    value,
                )
            )
    daily = []
    for day in range(17, 24):
        d = date(2026, 11, day)
        daily.append(
            (
                "D1",
                d,
                4,
                1 if day == 20 else 0,
                1 if day == 20 else 0,
                _money("450.55" if day == 20 else "0.00", version),
            )
        )
    _insert(con, "customer_board_monthly", monthly)
    _insert(con, "customer_board_daily", daily)
    _insert(con, "customer_board_breakdown", breakdown)


def _warnings(con: duckdb.DuckDBPyConnection) -> None:
    rows = []
    # customer, type, category, severity, detail, first seen, and the detail's figures:
    # (amount, reference amount, ratio, days, date, count, items)
    spec = [
        (
            "C1",
            "arrears",
            "resource",
            "high",
            "available balance -1200.50 is below zero (snapshot of 2026-11-22)",
            date(2026, 11, 18),
            (Decimal("-1200.50"), None, None, None, date(2026, 11, 22), None, None),
        ),
        (
            "C3",
            "inactive",
            "churn",
            "medium",
            "no cash spend, order or consumption in the last 30 days (last activity on 2026-10-20)",
            date(2026, 11, 10),
            (None, None, None, 30, date(2026, 10, 20), None, None),
        ),
        (
            "C2",
            "expiring_resource",
            "resource",
            "low",
            "1 yearly/monthly resource(s) expire within 15 days, first on 2026-12-01: ecs-c2-01",
            date(2026, 11, 16),
            (None, None, None, 15, date(2026, 12, 1), 1, "ecs-c2-01"),
        ),
        (
            "C5",
            "low_balance",
            "resource",
            "medium",
            "available balance 120.00 is under 7 days of daily spend 50.00",
            date(2026, 11, 21),
            (Decimal("120.00"), Decimal("50.00"), None, 7, None, None, None),
        ),
        (
            "C7",
            "consumption_drop",
            "churn",
            "medium",
            "spend of the last 7 days 100.00 is under 0.5 x that of the 7 days before 400.00",
            date(2026, 11, 20),
            (Decimal("100.00"), Decimal("400.00"), Decimal("0.5"), 7, None, None, None),
        ),
    ]
    for day in (date(2026, 11, 22), AS_OF):
        for cid, wtype, category, severity, detail, first, figures in spec:
            if first > day:
                continue
            name, _, owner, manager = CUSTOMERS[cid][:4]
            rows.append(
                (
                    day,
                    owner,
                    cid,
                    wtype,
                    severity,
                    detail,
                    first,
                    category,
                    name,
                    SETTLEMENT[owner],
                    owner != SETTLEMENT[owner],
                    manager,
                    STAFF[manager][1],
                    *figures,
                )
            )
    _insert(con, "customer_warnings", rows)


def _customers(con: duckdb.DuckDBPyConnection, version: int) -> None:
    subs = []
    for viewer in ("D1", "R1", "X1"):
        for cid, (
            name,
            account,
            owner,
            manager,
            assoc,
            industry,
            region,
            _new,
            at,
            credit,
            discount,
            balance,
        ) in CUSTOMERS.items():
            if owner != viewer and SETTLEMENT[owner] != viewer:
                continue
            # The fixture deliberately keeps credit/discount/balance on rows the mart would
            # null (a distributor's view of its resellers' customers): the dashboards' SQL
            # must hide them itself.
            subs.append(
                (
                    viewer,
                    cid,
                    name,
                    account,
                    assoc,
                    owner,
                    at,
                    _money(credit, version),
                    Decimal(discount),
                    owner == viewer,
                    manager,
                    STAFF[manager][3],
                    industry,
                    region,
                    _money(balance, version),
                )
            )
    _insert(con, "sub_customers", subs)
    resources = [
        (
            "C1",
            "ecs-c1-01",
            "ecs",
            "yearly_monthly",
            date(2025, 12, 1),
            date(2026, 12, 1),
            "active",
        ),
        ("C1", "obs-c1-01", "obs", "on_demand", date(2026, 3, 2), None, "active"),
        (
            "C2",
            "ecs-c2-01",
            "ecs",
            "yearly_monthly",
            date(2025, 11, 20),
            date(2026, 11, 30),
            "active",
        ),
        ("C2", "rds-c2-01", "rds", "yearly_monthly", date(2025, 9, 3), date(2026, 9, 3), "expired"),
        (
            "C3",
            "ecs-c3-01",
            "ecs",
            "yearly_monthly",
            date(2026, 10, 7),
            date(2027, 10, 7),
            "active",
        ),
        (
            "C4",
            "gaussdb-c4-01",
            "gaussdb",
            "yearly_monthly",
            date(2026, 10, 15),
            date(2027, 1, 15),
            "active",
        ),
        (
            "C5",
            "rds-c5-01",
            "rds",
            "yearly_monthly",
            date(2026, 8, 12),
            date(2026, 12, 12),
            "active",
        ),
        ("C6", "cdn-c6-01", "cdn", "on_demand", date(2026, 1, 8), None, "active"),
        (
            "C7",
            "ecs-c7-01",
            "ecs",
            "yearly_monthly",
            date(2026, 11, 10),
            date(2027, 11, 10),
            "active",
        ),
    ]
    _insert(con, "customer_resources", resources)


# The audit tables ingestion writes (pipelines/ingest/tables.py), with their DDL, and the
# association events dbt decides. Quarantined rows name partners and customers in their raw
# record: C1 is D1's, C5 R1's (D1 sees it as basic info only), C7 X1's; a row without a
# customer id and a whole file (broken.csv) name nobody.
AUDIT_LOADS = [  # source, file, drop date, landed, loaded, quarantined
    ("orders", "orders/2026-11-20/orders.csv", date(2026, 11, 20), 5, 3, 2),
    ("staff", "staff/2026-11-20/staff.csv", date(2026, 11, 20), 9, 8, 1),
    ("orders", "orders/2026-11-21/orders.csv", date(2026, 11, 21), 3, 3, 0),
    ("orders", "orders/2026-11-21/broken.csv", date(2026, 11, 21), 0, 0, 0),
    ("customers", "customers/2026-11-21/customers.csv", date(2026, 11, 21), 7, 5, 2),
]
# source, file, row, column, reason, raw record, drop date, reason code, reason details
# (rows without a code are as a warehouse quarantined them before reasons had codes)
AUDIT_QUARANTINE = [
    (
        "orders",
        "orders/2026-11-20/orders.csv",
        3,
        "paid_amount",
        "paid_amount '1,2O0.00' is not an amount with at most 2 decimals (a comma may only "
        "separate thousands, as in 1,234.50)",
        '{"order_no":"O-BAD1","customer_id":"C1","paid_amount":"1,2O0.00"}',
        date(2026, 11, 20),
        "amount_comma",
        '[{"code":"amount_comma","column":"paid_amount","value":"1,2O0.00","scale":2}]',
    ),
    (
        "orders",
        "orders/2026-11-20/orders.csv",
        5,
        "order_time",
        "order_time '2026-02-30' is not a valid time",
        '{"order_no":"O-BAD2","customer_id":"C5","order_time":"2026-02-30"}',
        date(2026, 11, 20),
        None,
        None,
    ),
    (
        "staff",
        "staff/2026-11-20/staff.csv",
        4,
        "role",
        "role 'boss' is not one of: customer_manager, supervisor, 主管, 客户经理",
        '{"staff_id":"RCM9","partner_id":"R1","role":"boss"}',
        date(2026, 11, 20),
        "not_allowed",
        '[{"code":"not_allowed","column":"role","value":"boss",'
        '"accepted":"customer_manager, supervisor, 主管, 客户经理"}]',
    ),
    (
        "orders",
        "orders/2026-11-21/broken.csv",
        None,
        None,
        "file not loaded: the file is empty",
        None,
        date(2026, 11, 21),
        "file_empty",
        '[{"code":"file_empty"}]',
    ),
    (
        "customers",
        "customers/2026-11-21/customers.csv",
        4,
        "customer_name",
        "customer_name is missing",
        '{"customer_id":"C7","customer_name":null}',
        date(2026, 11, 21),
        None,
        None,
    ),
    (
        "customers",
        "customers/2026-11-21/customers.csv",
        6,
        "customer_id",
        "customer_id is missing",
        '{"customer_id":null,"customer_name":"无名客户"}',
        date(2026, 11, 21),
        None,
        None,
    ),
]
# id, customer, partner, type, association, channel, manager, time, reason, then the
# reason coded: code, partner, since, limit
ASSOCIATION_EVENTS = [
    (
        "E1",
        "C1",
        "D1",
        "associate",
        "reseller",
        "offline",
        "CM1",
        datetime(2026, 3, 2, 10),
        None,
        None,
        None,
        None,
        None,
    ),
    (
        "E9",
        "C4",
        "D1",
        "associate",
        "referral",
        "offline",
        "CM3",
        datetime(2026, 10, 1, 9),
        "offline invitation: the customer account was created more than 7 days before the "
        "association",
        "account_too_old",
        None,
        None,
        7,
    ),
    (
        "E10",
        "C5",
        "D1",
        "associate",
        "reseller",
        "online",
        "CM1",
        datetime(2026, 11, 2, 14),
        "customer is still associated with partner R1",
        "still_associated",
        "R1",
        None,
        None,
    ),
    (
        "E11",
        "C7",
        "X1",
        "disassociate",
        "referral",
        "online",
        "XCM1",
        datetime(2026, 11, 3, 8),
        "second disassociation within 3 months of the previous one (2026-09-01)",
        "disassociation_cooldown",
        None,
        date(2026, 9, 1),
        3,
    ),
    (
        "E12",
        "C6",
        "R1",
        "associate",
        "reseller",
        "offline",
        "RCM1",
        datetime(2026, 11, 4, 8),
        "offline invitation: the customer had cash spend before the association",
        "cash_spend_before",
        None,
        None,
        None,
    ),
]


def _audit(con: duckdb.DuckDBPyConnection) -> None:
    from pipelines.ingest.tables import AUDIT_DDL

    con.execute("CREATE SCHEMA IF NOT EXISTS audit")
    for ddl in AUDIT_DDL:
        con.execute(ddl)
    loaded_at = datetime(2026, 11, 23, 6, 5)
    con.executemany(
        "INSERT INTO audit.load_log VALUES (?, ?, ?, 'sha', ?, ?, ?, NULL, ?, 1)",
        [(*load, loaded_at) for load in AUDIT_LOADS],
    )
    con.executemany(
        "INSERT INTO audit.quarantine (source, file, row_number, column_name, reason, raw_record, "
        "partition_date, reason_code, reason_details) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        AUDIT_QUARANTINE,
    )
    con.execute(
        """INSERT INTO audit.file_withdrawals VALUES ('orders', 'orders/2026-11-19/orders.csv',
        DATE '2026-11-19', 'sha', 2, 'removed', 1, TIMESTAMP '2026-11-23 06:05:00')"""
    )
    con.execute(
        """INSERT INTO audit.files_not_loaded VALUES ('orders/latest/orders.csv',
        'folder ''latest'' is not a drop date (YYYY-MM-DD, e.g. 2026-04-21)',
        TIMESTAMP '2026-11-23 06:05:00', 'not_a_drop_date',
        '[{"code":"not_a_drop_date","folder":"latest"}]')"""
    )
    _insert(
        con,
        "association_events",
        [(*event[:8], event[8] is None, *event[8:]) for event in ASSOCIATION_EVENTS],
        (
            "event_id",
            "customer_id",
            "partner_id",
            "event_type",
            "association_type",
            "invitation_channel",
            "customer_manager_id",
            "event_time",
            "is_accepted",
            "rejection_reason",
            "rejection_code",
            "rejection_partner_id",
            "rejection_since",
            "rejection_limit",
        ),
    )


def publish(folder: Path, version: int) -> Path:
    """Write `warehouse-<version>.duckdb` into `folder` and point `CURRENT` at it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"warehouse-{version}.duckdb"
    tmp = folder / f".{name}.tmp"
    build_fixture_warehouse(tmp, version)
    os.replace(tmp, folder / name)
    marker_tmp = folder / ".CURRENT.tmp"
    marker_tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(marker_tmp, folder / "CURRENT")
    return folder / name
