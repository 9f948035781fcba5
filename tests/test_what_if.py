"""Policy what-if (pipelines/what_if.py, `partner-warehouse what-if`) on the hand-made
landing set, every figure computed by hand from tests/handmade_landing.py.

The base rows, as rated (rule 3): O1 D1 distributor/referral/ECS 06-10 1,000.00 x 5% = 50.00;
O4 D1 distributor/reseller/ECS 06-02 2,000.00 x 10% = 200.00; RS-1 D1 distributor/reseller/
OBS 06-10 10.00 x 8% = 0.80 and 06-11 20.00 x 8% = 1.60; RS-2 D1 distributor/referral/OBS
06-14 5.00, no policy = 0.00; O2 S1 solution_provider/referral/ECS 06-25 500.00 x 4% = 20.00;
its refund 07-03 -200.00 x 4% = -8.00. D1 202606: 252.40, S1 202606: 20.00, S1 202607: -8.00.
"""

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from handmade_site import HANDMADE_AS_OF, warehouse_in

from contract.published import published_warehouse
from pipelines.cli import main
from pipelines.what_if import ScenarioError, actual_policies, scenario_from_frame, what_if

AS_OF = date(2026, 7, 20)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(handmade_site: Path) -> Path:
    """The hand-made set built as of AS_OF (conftest): its published copy, read only."""
    assert AS_OF == HANDMADE_AS_OF
    path = published_warehouse(warehouse_in(handmade_site).published_root)
    assert path is not None
    return path


@pytest.fixture
def con(published: Path):
    with duckdb.connect(str(published), read_only=True) as connection:
        yield connection


def by_period(frame: pl.DataFrame) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    return {
        (row["partner_id"], row["billing_period"]): (
            row["actual_incentive"],
            row["scenario_incentive"],
        )
        for row in frame.iter_rows(named=True)
    }


def library(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return actual_policies(con)


def with_rate(policies: pl.DataFrame, policy_id: str, rate: str) -> pl.DataFrame:
    return policies.with_columns(
        pl.when(pl.col("policy_id") == policy_id)
        .then(pl.lit(Decimal(rate)))
        .otherwise(pl.col("rate"))
        .cast(pl.Decimal(9, 6))
        .alias("rate")
    )


@pytest.mark.parametrize("every_row", [False, True])
def test_the_actual_library_gives_exactly_the_actual_figures(con, every_row: bool) -> None:
    # every_row: the macro rates every published row again and gives the stored amounts.
    result = by_period(what_if(con, library(con), every_row=every_row))
    assert result == {
        ("D1", "202606"): (Decimal("252.40"), Decimal("252.40")),
        ("S1", "202606"): (Decimal("20.00"), Decimal("20.00")),
        ("S1", "202607"): (Decimal("-8.00"), Decimal("-8.00")),
    }
    statements = con.execute(
        "select partner_id, billing_period, incentive_amount from marts.incentive_statements"
    ).fetchall()
    assert {(p, b): (a, a) for p, b, a in statements} == result


def test_one_rate_changed_rounds_each_row_half_up(con) -> None:
    # POL-3 8% -> 6.25%: 10.00 x 6.25% = 0.625 -> 0.63; 20.00 x 6.25% = 1.25.
    # D1 202606: 50.00 + 200.00 + 0.63 + 1.25 + 0.00 = 251.88.
    result = by_period(what_if(con, with_rate(library(con), "POL-3", "0.0625")))
    assert result[("D1", "202606")] == (Decimal("252.40"), Decimal("251.88"))
    assert result[("S1", "202606")] == (Decimal("20.00"), Decimal("20.00"))


def test_a_new_version_mid_period_rates_the_days_from_its_start(con) -> None:
    # POL-3B distributor/reseller/OBS 10% from 06-11, POL-3 left open: the later start wins
    # from 06-11: 06-10 10.00 x 8% = 0.80, 06-11 20.00 x 10% = 2.00. D1: 252.80.
    # POL-4B solution_provider/referral/ECS 7% from 07-01: O2 (06-25) stays 20.00, its refund
    # (07-03) -200.00 x 7% = -14.00.
    added = scenario_from_frame(
        pl.DataFrame(
            {
                "policy_id": ["POL-3B", "POL-4B"],
                "policy_name": ["分销 代售 OBS 新版", "方案 顾问 ECS 新版"],
                "partner_type": ["distributor", "solution_provider"],
                "association_type": ["reseller", "referral"],
                "product_type": ["OBS", "ECS"],
                "rate": ["0.10", "0.07"],
                "valid_from": ["2026-06-11", "2026-07-01"],
                "valid_to": [None, None],
            }
        )
    )
    result = by_period(what_if(con, pl.concat([library(con), added])))
    assert result == {
        ("D1", "202606"): (Decimal("252.40"), Decimal("252.80")),
        ("S1", "202606"): (Decimal("20.00"), Decimal("20.00")),
        ("S1", "202607"): (Decimal("-8.00"), Decimal("-14.00")),
    }


def test_a_policy_removed_or_at_rate_zero_rates_its_rows_zero(con) -> None:
    # Without POL-2, O4's 2,000.00 earns nothing: D1 202606 252.40 - 200.00 = 52.40.
    removed = library(con).filter(pl.col("policy_id") != "POL-2")
    zero = with_rate(library(con), "POL-2", "0")
    for scenario in (removed, zero):
        for every_row in (False, True):
            assert by_period(what_if(con, scenario, every_row=every_row))[("D1", "202606")] == (
                Decimal("252.40"),
                Decimal("52.40"),
            )


def test_breakdown_by_product_type_and_customer_manager(con) -> None:
    scenario = with_rate(library(con), "POL-3", "0.0625")
    products = what_if(con, scenario, ("product_type",), partner_id="D1")
    assert products.rows() == [
        ("D1", "202606", "ECS", Decimal("250.00"), Decimal("250.00")),
        ("D1", "202606", "OBS", Decimal("2.40"), Decimal("1.88")),
    ]
    managers = what_if(con, scenario, ("customer_manager_id",), partner_id="D1")
    # CM-D: O1 50.00 and RS-2 0.00; CM-R: O4 200.00 and RS-1 (0.80 + 1.60 -> 0.63 + 1.25).
    assert managers.rows() == [
        ("D1", "202606", "CM-D", Decimal("50.00"), Decimal("50.00")),
        ("D1", "202606", "CM-R", Decimal("202.40"), Decimal("201.88")),
    ]


def test_a_bad_scenario_row_refuses_the_scenario() -> None:
    bad = pl.DataFrame(
        {
            "policy_id": ["X"],
            "partner_type": ["distributor"],
            "association_type": ["referral"],
            "product_type": ["ECS"],
            "rate": ["1.5"],
            "valid_from": ["2026-01-01"],
        }
    )
    with pytest.raises(ScenarioError, match="rate"):
        scenario_from_frame(bad)


def test_cli_prints_the_scenario_as_csv(published: Path, tmp_path: Path, capsys) -> None:
    # The landing format, Chinese headers and values: POL-2 left out, POL-3 at 6.25%.
    scenario = tmp_path / "scenario.csv"
    scenario.write_text(
        "政策ID,政策名称,伙伴类型,关联类型,产品类型,激励比例,生效日期,失效日期\n"
        "POL-1,a,总经销商,顾问销售类,ECS,0.05,2026-01-01,2026-06-19\n"
        "POL-1B,b,总经销商,顾问销售类,ECS,0.06,2026-06-20,\n"
        "POL-3,c,总经销商,代售类,OBS,0.0625,2026-01-01,\n"
        "POL-4,d,解决方案提供商,顾问销售类,ECS,0.04,2026-01-01,\n",
        encoding="utf-8",
    )
    assert main(["what-if", "--warehouse", str(published), "--policies", str(scenario)]) == 0
    # D1: 50.00 + 0 (no POL-2) + 0.63 + 1.25 + 0.00 = 51.88.
    assert capsys.readouterr().out.splitlines() == [
        "partner_id,billing_period,actual_incentive,scenario_incentive",
        "D1,202606,252.40,51.88",
        "S1,202606,20.00,20.00",
        "S1,202607,-8.00,-8.00",
    ]
    scenario.write_text(scenario.read_text().replace("0.0625", "1.5"), encoding="utf-8")
    assert main(["what-if", "--warehouse", str(published), "--policies", str(scenario)]) == 2
    assert "rate" in capsys.readouterr().err


def test_cli_forecast_of_the_open_period_and_the_next(published: Path, capsys) -> None:
    # As of 07-20, window 06-23 .. 07-20. S1: order 06-25 20.00 (20 / 28 a day), refund
    # 07-03 -8.00 (rate 0.4): 0.428571 a day net, no consumption. Residuals: 20 - 0.428571,
    # -8 - 0.428571 and 26 x -0.428571: s = 4.122464. July: -8.00 + 11 x 0.428571 = -3.29
    # +- 1.2816 x s x sqrt(11) = 17.52; August: 31 x 0.428571 = 13.29 +- 1.2816 x s x
    # sqrt(31) = 29.42. D1's rows are all in June, before the window: nothing forecast.
    assert main(["forecast", "--warehouse", str(published)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "partner_id,billing_period,actual_to_date,forecast,low,high",
        "D1,202607,0.00,0.00,0.00,0.00",
        "D1,202608,0.00,0.00,0.00,0.00",
        "S1,202607,-8.00,-3.29,-20.81,14.24",
        "S1,202608,0.00,13.29,-16.13,42.70",
    ]
