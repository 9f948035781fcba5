"""End to end: hand-made raw rows -> `dbt build` -> exact mart values computed by hand.

One build per module (fixture `warehouse`). The rows are in dbt_sample_data.py; as_of is
2026-07-10, so June is closed and July is the open period. Partners: distributor D1, its
reseller R1, solution provider SP1. Policies: distributor/referral/ecs 5% until 06-19 and
8% from 06-20; distributor/reseller/ecs 10%; solution_provider/reseller/ecs 3%; nothing
for obs. Association periods after validation:
  C1: D1 referral [06-01 10:00, 06-15 09:00), then SP1 reseller from 06-15 12:00
  C2: R1 (reseller of D1) reseller from 05-01      C4: D1 referral [03-01, 04-01), from 04-05
  C6: SP1 referral from 04-01                      C3, C5, C7: only rejected events
"""

from __future__ import annotations

import shutil
from datetime import date, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest
from dbt_fixtures import build_raw_database, query, run_dbt
from dbt_sample_data import AS_OF, sample_rows


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("dbt_marts")
    db = build_raw_database(work / "warehouse.duckdb", sample_rows())
    run_dbt(["build"], db_path=db, work_dir=work, as_of=AS_OF)
    return db


def rows(db: Path, sql: str) -> list[tuple]:
    return query(db, sql)


def test_schemas_are_named_exactly(warehouse: Path) -> None:
    schemas = {
        r[0] for r in rows(warehouse, "select distinct table_schema from information_schema.tables")
    }
    assert {"raw", "audit", "staging", "intermediate", "marts", "seeds"} <= schemas
    assert not any(s.startswith("main_") for s in schemas)


def test_views_work_in_a_copy_under_another_name(warehouse: Path, tmp_path: Path) -> None:
    # the pipeline builds in a working file and publishes warehouse-<n>.duckdb: views must
    # not name the catalog they were built in
    copy = tmp_path / "published-7.duckdb"
    shutil.copy(warehouse, copy)
    views = rows(copy, "select schema_name, view_name from duckdb_views() where not internal")
    # 13 staging views; the intermediate attribution, rating- and warning-input and combining
    # views; the details mart and the id-only facts, daily totals and per-customer daily
    # totals the pages read; the warnings mart (names joined where read); the customers'
    # resources (days to expiry from the as-of date); the reconciliation with Huawei's
    # export (docs/RULES.md)
    assert {view for schema, view in views if schema != "staging"} == {
        "int_consumption_attributed",
        "int_orders_attributed",
        "int_rating_inputs",
        "int_warning_inputs",
        "int_incentives_combined",
        "int_incentives_by_day",
        "incentive_details",
        "incentive_facts",
        "incentive_daily",
        "incentive_customer_daily",
        "customer_warnings",
        "customer_resources",
        "int_reconciliation_lines",
        "reconciliation_lines",
        "reconciliation_statements",
    }
    assert len(views) == 28
    for schema, view in views:
        query(copy, f"select count(*) from {schema}.{view}")


def test_association_rejections(warehouse: Path) -> None:
    got = dict(
        rows(
            warehouse,
            "select event_id, rejection_reason from marts.association_events where not is_accepted",
        )
    )
    assert got == {
        # C3 account created 2026-01-01, offline invitation on 06-10: > 7 days
        "E05": "offline invitation: the customer account was created more than 7 days before the association",
        # C4 disassociated on 04-01 (accepted); 05-01 is within 3 months
        "E09": "second disassociation within 3 months of the previous one (2026-04-01)",
        # C4 is with D1 again since 04-05
        "E10": "customer is still associated with partner D1",
        "E11": "customer is not associated with partner SP1",
        # C7 paid order O8 on 06-09, offline invitation on 06-10
        "E13": "offline invitation: the customer had cash spend before the association",
    }


def test_incentive_details_exact(warehouse: Path) -> None:
    got = {
        r[0]: r[1:]
        for r in rows(
            warehouse,
            """select transaction_id, partner_id, billing_period, owner_partner_id, reseller_name,
                      customer_manager_name, supervisor_name, incentive_type, eligible_amount, rate,
                      incentive_amount, statement_status
               from marts.incentive_details""",
        )
    }
    n = None
    assert got == {
        # C1 with D1 on 06-05: 1000.00 x 5% (POL1, valid to 06-19) = 50.00
        "order:O1": (
            "D1",
            "202606",
            "D1",
            n,
            "Carl Manager",
            "Sue Super",
            "base",
            D("1000.00"),
            D("0.05"),
            D("50.00"),
            "issuing",
        ),
        # 06-14 08:00, still D1: 100.00 x 5% = 5.00
        "order:O6": (
            "D1",
            "202606",
            "D1",
            n,
            "Carl Manager",
            "Sue Super",
            "base",
            D("100.00"),
            D("0.05"),
            D("5.00"),
            "issuing",
        ),
        # usage of 06-14, D1 at the end of that day: 10.00 x 5% = 0.50
        "consumption:RES1:2026-06-14": (
            "D1",
            "202606",
            "D1",
            n,
            "Carl Manager",
            "Sue Super",
            "base",
            D("10.00"),
            D("0.05"),
            D("0.50"),
            "issuing",
        ),
        # C4 with D1 on 06-25: the 8% version (POL2 from 06-20): 100.00 x 8% = 8.00
        "order:O9": (
            "D1",
            "202606",
            "D1",
            n,
            "Carl Manager",
            "Sue Super",
            "base",
            D("100.00"),
            D("0.08"),
            D("8.00"),
            "issuing",
        ),
        # C2 is R1's customer: settles to D1 at the distributor reseller rate 10%:
        # 500.25 x 10% = 50.025 -> half-up 50.03
        "order:O3": (
            "D1",
            "202606",
            "R1",
            "Resell One",
            "Ron Manager",
            "Rita Super",
            "base",
            D("500.25"),
            D("0.10"),
            D("50.03"),
            "issuing",
        ),
        # refund of O3 on 07-02: -100.25 x 10% = -10.025 -> -10.03, in 202607 (open: estimated)
        "refund:O3": (
            "D1",
            "202607",
            "R1",
            "Resell One",
            "Ron Manager",
            "Rita Super",
            "base",
            D("-100.25"),
            D("0.10"),
            D("-10.03"),
            "estimated",
        ),
        # obs has no distributor policy: rate 0, row kept
        "order:O4": (
            "D1",
            "202606",
            "R1",
            "Resell One",
            "Ron Manager",
            "Rita Super",
            "base",
            D("300.00"),
            D("0"),
            D("0.00"),
            "issuing",
        ),
        # PRJ2: existing customer C2, committee 25,000 -> capped 20,000 in the start period 202606
        "project:PRJ2": (
            "D1",
            "202606",
            "R1",
            "Resell One",
            "Ron Manager",
            "Rita Super",
            "acceleration",
            D("25000.00"),
            n,
            D("20000.00"),
            "issuing",
        ),
        # C1 with SP1 from 06-15 12:00: O2 on 06-20 at 3%: 200.00 x 3% = 6.00
        "order:O2": (
            "SP1",
            "202606",
            "SP1",
            n,
            "Pia Manager",
            "Sam Super",
            "base",
            D("200.00"),
            D("0.03"),
            D("6.00"),
            "issued",
        ),
        # usage of 06-15: at the end of that day C1 is SP1's: 20.00 x 3% = 0.60
        "consumption:RES1:2026-06-15": (
            "SP1",
            "202606",
            "SP1",
            n,
            "Pia Manager",
            "Sam Super",
            "base",
            D("20.00"),
            D("0.03"),
            D("0.60"),
            "issued",
        ),
        "consumption:RES1:2026-07-01": (
            "SP1",
            "202607",
            "SP1",
            n,
            "Pia Manager",
            "Sam Super",
            "base",
            D("30.00"),
            D("0.03"),
            D("0.90"),
            "estimated",
        ),
        # PRJ1 (new customer C1, window [06-15, 08-15), booked 08-14) is after the as-of date
        # 07-10: no row until a run's as-of date reaches 08-14 (DOMAIN section 6)
        # C6 with SP1, obs, no policy -> 0.00
        "order:O7": (
            "SP1",
            "202604",
            "SP1",
            n,
            "Pia Manager",
            "Sam Super",
            "base",
            D("50.00"),
            D("0"),
            D("0.00"),
            "issued",
        ),
    }
    # not there: O5 (cancelled), O8 (C7's association was rejected), C4's 02-15 usage (before any association)


def test_incentive_statements_exact(warehouse: Path) -> None:
    got = {
        (r[0], r[1]): r[2:]
        for r in rows(
            warehouse,
            """select partner_id, billing_period, incentive_amount, status, invoice_received_at,
                      payment_due_date, paid_at, is_overdue, is_auto_confirmed, detail_rows
               from marts.incentive_statements""",
        )
    }
    t = datetime.fromisoformat
    assert got == {
        # events only: invoice 06-05 rejected 06-06, re-sent 06-08 -> due 06-08 + 15 = 06-23,
        # unpaid on 07-10 -> overdue; approved but not paid -> issuing
        ("D1", "202605"): (
            D("0.00"),
            "issuing",
            t("2026-06-08 10:00"),
            date(2026, 6, 23),
            None,
            True,
            False,
            0,
        ),
        # 50.00 + 5.00 + 0.50 + 8.00 + 50.03 + 0.00 + 20000.00 = 20113.53; generated 07-01 10:00,
        # not confirmed -> auto-confirmed 07-08 10:00 -> issuing; the paid event of 07-15 is after as_of
        ("D1", "202606"): (D("20113.53"), "issuing", None, None, None, False, True, 7),
        ("D1", "202607"): (D("-10.03"), "estimated", None, None, None, False, False, 1),
        ("SP1", "202604"): (
            D("0.00"),
            "issued",
            t("2026-05-04 10:00"),
            date(2026, 5, 19),
            t("2026-05-10 10:00"),
            False,
            False,
            1,
        ),
        # generated 07-05 09:00, auto-confirmation only on 07-12 -> pending
        ("SP1", "202605"): (D("0.00"), "pending_confirmation", None, None, None, False, False, 0),
        # 6.00 + 0.60 = 6.60; confirmed, approved, invoice 07-04 -> due 07-19, paid 07-09
        ("SP1", "202606"): (
            D("6.60"),
            "issued",
            t("2026-07-04 10:00"),
            date(2026, 7, 19),
            t("2026-07-09 10:00"),
            False,
            False,
            2,
        ),
        ("SP1", "202607"): (D("0.90"), "estimated", None, None, None, False, False, 1),
    }


def test_incentive_board(warehouse: Path) -> None:
    got = rows(
        warehouse,
        """select partner_id, billing_period, customer_manager_name, supervisor_name, status, incentive_amount
           from marts.incentive_board where partner_id = 'D1' order by 2, 3""",
    )
    assert got == [
        # Carl: 50.00 + 5.00 + 0.50 + 8.00 = 63.50; Ron: 50.03 + 0.00 + 20000.00 = 20050.03
        ("D1", "202606", "Carl Manager", "Sue Super", "issuing", D("63.50")),
        ("D1", "202606", "Ron Manager", "Rita Super", "issuing", D("20050.03")),
        ("D1", "202607", "Ron Manager", "Rita Super", "estimated", D("-10.03")),
    ]
    # R1's customer C2 settles to D1; the board keeps the owner so R1's users find it (rule 7)
    owners = rows(
        warehouse,
        "select distinct customer_manager_name, owner_partner_id from marts.incentive_board where partner_id = 'D1' order by 1",
    )
    assert owners == [("Carl Manager", "D1"), ("Ron Manager", "R1")]


def test_publication(warehouse: Path) -> None:
    # dbt run by hand: the as-of var, and no run id outside a pipeline run
    assert rows(warehouse, "select as_of_date, run_id from marts.publication") == [
        (date(2026, 7, 10), "")
    ]


def test_indicators(warehouse: Path) -> None:
    got = {
        (r[0], r[1], r[2]): r[3]
        for r in rows(
            warehouse,
            "select partner_id, reconciliation_period, indicator_code, indicator_value from marts.indicators",
        )
    }
    # D1 months run from its first activity (C4's association in 202603) to the as-of month 202607
    assert sorted({p for (partner, p, _) in got if partner == "D1"}) == [
        "202603",
        "202604",
        "202605",
        "202606",
        "202607",
    ]
    # cash spend D1 202606: 1000 + 100 + 10 (C1) + 500.25 + 300 (C2 via R1) + 100 (C4) = 2010.25
    assert got[("D1", "202606", "cash_spend")] == D("2010.25")
    # 202607: the refund -100.25; year to date 2010.25 - 100.25 = 1910.00
    assert got[("D1", "202607", "cash_spend")] == D("-100.25")
    assert got[("D1", "202607", "cash_spend_ytd")] == D("1910.00")
    assert got[("D1", "202606", "incentive_amount")] == D("20113.53")
    # active in 202606: C1 (1110.00), C2 (800.25), C4 (100.00); 202607: C2 nets -100.25 -> none
    assert got[("D1", "202606", "active_customers")] == 3
    assert got[("D1", "202607", "active_customers")] == 0
    # associations of D1 and R1 starting: 03 (C4), 04 (C4 again), 05 (C2 via R1), 06 (C1)
    assert [
        got[("D1", p, "new_customers")] for p in ["202603", "202604", "202605", "202606", "202607"]
    ] == [1, 1, 1, 1, 0]
    # ended: 04 (C4 on 04-01), 06 (C1 on 06-15)
    assert [
        got[("D1", p, "disassociated_customers")]
        for p in ["202603", "202604", "202605", "202606", "202607"]
    ] == [0, 1, 0, 1, 0]
    # SP1: 04 50.00 (O7); 06 200.00 + 20.00 = 220.00; 07 30.00
    assert [
        got[("SP1", p, "cash_spend_ytd")] for p in ["202604", "202605", "202606", "202607"]
    ] == [D("50.00"), D("50.00"), D("270.00"), D("300.00")]
    # PRJ1's acceleration row is dated 08-14, after the as-of date: no 202608 yet
    assert not [k for k in got if k[0] == "SP1" and k[1] == "202608"]
    names = rows(
        warehouse,
        "select distinct indicator_name_zh, indicator_name_en, statistical_method, statistical_period from marts.indicators where indicator_code = 'cash_spend_ytd'",
    )
    assert names == [("年度累计现金消费", "Cash spend, year to date", "cumulative sum", "year")]
    # no indicators for a reseller: it does not settle
    assert not [k for k in got if k[0] == "R1"]


def test_customer_board_monthly(warehouse: Path) -> None:
    got = rows(
        warehouse,
        "select partner_id, period, customers_at_end, new_associated, disassociated, contributed_revenue from marts.customer_board_monthly order by 1, 2",
    )
    m = lambda month: date(2026, month, 1)  # noqa: E731
    assert got == [
        ("D1", m(3), 1, 1, 0, D("0.00")),  # C4 from 03-01
        ("D1", m(4), 1, 1, 1, D("0.00")),  # C4 out on 04-01, back on 04-05
        ("D1", m(5), 1, 0, 0, D("0.00")),
        # C1 in on 06-01, out on 06-15; revenue = own customers only: 1000 + 100 + 10 + 100 (C4) = 1210.00
        ("D1", m(6), 1, 1, 1, D("1210.00")),
        ("D1", m(7), 1, 0, 0, D("0.00")),
        ("R1", m(5), 1, 1, 0, D("0.00")),
        ("R1", m(6), 1, 0, 0, D("800.25")),  # 500.25 + 300.00
        ("R1", m(7), 1, 0, 0, D("-100.25")),  # the refund
        ("SP1", m(4), 1, 1, 0, D("50.00")),
        ("SP1", m(5), 1, 0, 0, D("0.00")),
        ("SP1", m(6), 2, 1, 0, D("220.00")),  # C1 joins on 06-15; 200.00 + 20.00
        ("SP1", m(7), 2, 0, 0, D("30.00")),
    ]
    daily = rows(
        warehouse,
        "select period, customers_at_end, new_associated, disassociated from marts.customer_board_daily where partner_id = 'D1' and period in ('2026-06-01', '2026-06-15', '2026-07-10') order by 1",
    )
    assert daily == [
        (date(2026, 6, 1), 2, 1, 0),
        (date(2026, 6, 15), 1, 0, 1),
        (date(2026, 7, 10), 1, 0, 0),
    ]
    # the board runs to as_of, every day: D1 from 03-01 to 07-10 = 31 + 30 + 31 + 30 + 10 = 132 days
    assert rows(
        warehouse, "select count(*) from marts.customer_board_daily where partner_id = 'D1'"
    ) == [(132,)]
    breakdown = rows(
        warehouse,
        """select dimension_value, customers_at_end, new_associated, contributed_revenue
        from marts.customer_board_breakdown where partner_id = 'SP1' and grain = 'month' and period = '2026-06-01'
        and dimension = 'industry' order by 1""",
    )
    # C1 retail (new on 06-15, 220.00), C6 no industry -> unknown
    assert breakdown == [("retail", 1, 1, D("220.00")), ("unknown", 1, 0, D("0.00"))]
    managers = rows(
        warehouse,
        """select dimension_key, dimension_value, customers_at_end from marts.customer_board_breakdown
        where partner_id = 'SP1' and grain = 'month' and period = '2026-06-01' and dimension = 'customer_manager'""",
    )
    assert managers == [("SP1-CM1", "Pia Manager", 2)]  # keyed by staff id, labelled by name


def test_customer_warnings(warehouse: Path) -> None:
    got = rows(
        warehouse,
        """select customer_id, warning_type, partner_id, settlement_partner_id, assignee_name, severity,
                  count(*), min(warning_date), max(warning_date), list(distinct first_seen order by first_seen)
           from marts.customer_warnings group by all order by 1, 2""",
    )
    d = date.fromisoformat
    assert got == [
        # last-7 spend 0 under half of the 7 days before: 06-22..06-28 (06-14/06-15 usage in the
        # earlier week) and 07-08..07-10 (07-01 usage): two runs, two first_seen
        (
            "C1",
            "consumption_drop",
            "SP1",
            "SP1",
            "Pia Manager",
            "medium",
            10,
            d("2026-06-22"),
            d("2026-07-10"),
            [d("2026-06-22"), d("2026-07-08")],
        ),
        # balance 10.00 on 07-10; spend 06-11..07-10 = 10 + 20 + 30 = 60, daily 2.00, 7 x 2 = 14 > 10
        (
            "C1",
            "low_balance",
            "SP1",
            "SP1",
            "Pia Manager",
            "medium",
            1,
            d("2026-07-10"),
            d("2026-07-10"),
            [d("2026-07-10")],
        ),
        # balance -50.00 from the 07-09 snapshot; R1's customer, settles to D1 (reseller tab)
        (
            "C2",
            "arrears",
            "R1",
            "D1",
            "Ron Manager",
            "high",
            2,
            d("2026-07-09"),
            d("2026-07-10"),
            [d("2026-07-09")],
        ),
        # RES3 expires 07-20: within 15 days from 07-05
        (
            "C2",
            "expiring_resource",
            "R1",
            "D1",
            "Ron Manager",
            "medium",
            6,
            d("2026-07-05"),
            d("2026-07-10"),
            [d("2026-07-05")],
        ),
        # C4's only activity (usage 02-15) is more than 30 days old until O9 on 06-25; the
        # window starts at 07-10 - 89 = 04-12, so first_seen is capped there: 19 + 31 + 24 = 74 days
        (
            "C4",
            "inactive",
            "D1",
            "D1",
            "Carl Manager",
            "high",
            74,
            d("2026-04-12"),
            d("2026-06-24"),
            [d("2026-04-12")],
        ),
        # O7 on 04-10; inactive from 05-10 (04-10 + 30) to 07-10: 22 + 30 + 10 = 62 days
        (
            "C6",
            "inactive",
            "SP1",
            "SP1",
            "Pia Manager",
            "high",
            62,
            d("2026-05-10"),
            d("2026-07-10"),
            [d("2026-05-10")],
        ),
    ]


def test_sub_customers_and_access(warehouse: Path) -> None:
    got = rows(
        warehouse,
        """select viewer_partner_id, customer_id, owner_partner_id, access_level, credit_limit,
                  discount_rate, available_balance from marts.sub_customers order by 1, 2""",
    )
    assert got == [
        # D1 sees its reseller R1's customer C2 as basic info only
        ("D1", "C2", "R1", "basic", None, None, None),
        ("D1", "C4", "D1", "full", None, None, None),  # no balance snapshot for C4
        ("R1", "C2", "R1", "full", D("1000.00"), D("0.900000"), D("-50.00")),
        ("SP1", "C1", "SP1", "full", D("2000.00"), D("0.950000"), D("10.00")),
        ("SP1", "C6", "SP1", "full", None, None, None),
    ]
    staff = rows(
        warehouse,
        "select viewer_id, list(customer_id order by customer_id) from marts.customer_access where viewer_kind = 'staff' group by 1 order by 1",
    )
    assert staff == [
        ("D1-CM1", ["C4"]),
        ("D1-SUP", ["C4"]),
        ("R1-CM1", ["C2"]),
        ("R1-SUP", ["C2"]),
        ("SP1-CM1", ["C1", "C6"]),
        ("SP1-SUP", ["C1", "C6"]),
    ]


def test_customer_resources(warehouse: Path) -> None:
    got = rows(
        warehouse,
        "select resource_id, billing_mode, expire_date, days_to_expiry from marts.customer_resources order by 1",
    )
    assert got == [
        ("RES1", "on_demand", None, None),
        ("RES3", "yearly_monthly", date(2026, 7, 20), 10),
        ("RES4", "on_demand", None, None),
    ]


def test_docs_generate(warehouse: Path, tmp_path: Path) -> None:
    work = warehouse.parent
    run_dbt(["docs", "generate"], db_path=warehouse, work_dir=work, as_of=AS_OF)
    assert (work / "target" / "catalog.json").exists()
    assert (work / "target" / "manifest.json").exists()
