"""The indicator catalog drives the values: rows added to a copy of the catalog seed (and
nothing else) appear in marts.indicators with values computed by hand from the sample
rows of dbt_sample_data.py (as of 2026-07-10).

Solution provider SP1's facts there: C6 (referral) from 04-01 bought O7, 50.00 of obs on
04-10 (no policy: rate 0); C1 moved to SP1 (reseller, 3% on ecs) at 06-15 12:00, then
ordered O2, 200.00 on 06-20 (incentive 6.00) and used 20.00 on 06-15 (0.60) and 30.00 on
07-01 (0.90); PRJ1's acceleration row is dated 08-14, after the as-of date. No SP1
association ends.
"""

from __future__ import annotations

import shutil
from decimal import Decimal as D
from pathlib import Path

import pytest
from dbt_fixtures import PROJECT_DIR, build_raw_database, query, run_dbt
from dbt_sample_data import AS_OF, sample_rows

NEW_ROWS = [
    'cash_spend_qtd,季度累计现金消费,"Cash spend, quarter to date",cash_spend,cumulative sum,quarter,7,test',
    'incentive_year,年度激励金额,"Incentive, whole year",incentive,sum,year,8,test',
    "customers_associated_year,年度新增关联客户数,Customers associated in the year,associations_started,distinct count,year,9,test",
    "cash_spend_rows,现金消费笔数,Cash spend rows,cash_spend,count,month,10,test",
]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("dbt_catalog")
    project = work / "dbt_project"
    shutil.copytree(PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    catalog = project / "seeds" / "indicator_catalog.csv"
    catalog.write_text(catalog.read_text(encoding="utf-8") + "\n".join(NEW_ROWS) + "\n", "utf-8")
    db = build_raw_database(work / "warehouse.duckdb", sample_rows())
    run_dbt(
        ["build", "--exclude-resource-type", "unit_test"],
        db_path=db,
        work_dir=work,
        as_of=AS_OF,
        project_dir=project,
    )
    return db


def values(db: Path, code: str) -> dict[str, D]:
    return dict(
        query(
            db,
            """select reconciliation_period, indicator_value from marts.indicators
            where partner_id = 'SP1' and indicator_code = ? order by 1""",
            [code],
        )
    )


def test_a_cumulative_sum_by_quarter_restarts_each_quarter(warehouse: Path) -> None:
    # Q2: 04 50.00; 05 nothing: 50.00; 06 200.00 + 20.00 more: 270.00. Q3: 07 30.00
    assert values(warehouse, "cash_spend_qtd") == {
        "202604": D("50.00"),
        "202605": D("50.00"),
        "202606": D("270.00"),
        "202607": D("30.00"),
    }


def test_a_sum_over_the_year_is_the_whole_year_in_every_month(warehouse: Path) -> None:
    # 0.00 (O7, no policy) + 6.00 + 0.60 + 0.90 = 7.50, whichever month of 2026 is asked
    assert set(values(warehouse, "incentive_year").values()) == {D("7.50")}
    assert len(values(warehouse, "incentive_year")) == 4


def test_a_distinct_count_and_a_count(warehouse: Path) -> None:
    # customers whose association started in 2026: C6 (04-01) and C1 (06-15); the rejected
    # events of C3, C4 (E10) and C7 do not count
    assert set(values(warehouse, "customers_associated_year").values()) == {D("2")}
    # detail rows of cash spend: 04 O7; 06 O2 and the 06-15 usage; 07 the 07-01 usage
    assert values(warehouse, "cash_spend_rows") == {
        "202604": D("1"),
        "202605": D("0"),
        "202606": D("2"),
        "202607": D("1"),
    }


def test_new_rows_carry_their_names_and_units(warehouse: Path) -> None:
    got = query(
        warehouse,
        """select distinct indicator_code, indicator_name_en, statistical_method_zh,
            statistical_period_en, unit
        from marts.indicators where indicator_code in (?, ?, ?, ?) order by 1""",
        ["cash_spend_qtd", "incentive_year", "customers_associated_year", "cash_spend_rows"],
    )
    assert got == [
        ("cash_spend_qtd", "Cash spend, quarter to date", "累计求和", "Quarter", "cny"),
        ("cash_spend_rows", "Cash spend rows", "计数", "Month", "count"),
        (
            "customers_associated_year",
            "Customers associated in the year",
            "去重计数",
            "Year",
            "count",
        ),
        ("incentive_year", "Incentive, whole year", "求和", "Year", "cny"),
    ]
