"""Policy what-if (pipelines/what_if.py, `partner-warehouse what-if`) on the hand-made
landing set, every figure computed by hand from tests/handmade_landing.py.

The base rows, as rated (rule 3): O1 D1 distributor/referral/ECS 06-10 1,000.00 x 5% = 50.00;
O4 D1 distributor/reseller/ECS 06-02 2,000.00 x 10% = 200.00; RS-1 D1 distributor/reseller/
OBS 06-10 10.00 x 8% = 0.80 and 06-11 20.00 x 8% = 1.60; RS-2 D1 distributor/referral/OBS
06-14 5.00, no policy = 0.00; O2 S1 solution_provider/referral/ECS 06-25 500.00 x 4% = 20.00;
its refund 07-03 -200.00 x 4% = -8.00. D1 202606: 252.40, S1 202606: 20.00, S1 202607: -8.00.

The cents set (fixture `cents_published`) adds to it, for C2 via R1 settled to D1
(distributor/reseller/OBS 8%, CM-R), rows with cents in July: order O5 07-02 30.25 x 8% =
2.42, refunded 10.25 on 07-08: -0.82; consumption RS-1 07-06 10.25: 0.82, 07-07 0.75: 0.06,
07-18 1.50: 0.12 (in the as-of date's half-month, 07-16..31). D1 202607: 2.60.
"""

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from handmade_site import HANDMADE_AS_OF, copied_site, warehouse_in

from contract.published import published_warehouse
from contract.sources import SOURCES
from pipelines.cli import main
from pipelines.run import run_pipeline
from pipelines.what_if import (
    BREAKDOWNS,
    RATING_COMBINATION,
    ScenarioError,
    _changed_keys_sql,
    _macros,
    actual_policies,
    rated_whole_percent_sql,
    round_money_sql,
    scenario_from_frame,
    what_if,
)

AS_OF = date(2026, 7, 20)
pytestmark = pytest.mark.slow


def amount_whole_yuan_sql(amount: str) -> str:
    return str(_macros().amount_whole_yuan(amount))  # type: ignore[attr-defined]


def cents_rated_sql(amount: str, percent: int) -> str:
    return str(_macros().cents_rated(amount, percent))  # type: ignore[attr-defined]


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


# Rows with cents, a refund and ties at whole percents (module docstring): 10.25 and 0.75
# at 6% are 0.615 and 0.045, half-up 0.62 and 0.05.
CENTS_DROP = "2026-07-19"
CENTS_ORDERS = [
    ["O5", "C2", "OBS", "对象存储 包年", "2026-07-02 10:00:00", "30.25", "0.00", "0.00", "30.25",
     "refunded", "2026-07-08 10:00:00", "10.25", ""],
]  # fmt: skip
CENTS_CONSUMPTION = [
    ["2026-07-06", "C2", "RS-1", "OBS", "10.25", "0.00", "10.25"],
    ["2026-07-07", "C2", "RS-1", "OBS", "0.75", "0.00", "0.75"],
    ["2026-07-18", "C2", "RS-1", "OBS", "1.50", "0.00", "1.50"],
]


@pytest.fixture(scope="module")
def cents_published(handmade_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made set with the cents rows landed in a third drop and run again as of
    AS_OF (an incremental run: int_incentive_half_months kept by difference)."""
    warehouse = copied_site(handmade_site, tmp_path_factory.mktemp("cents-site"))
    landing = Path(warehouse.landing_dir)
    for source, rows in (("orders", CENTS_ORDERS), ("consumption", CENTS_CONSUMPTION)):
        folder = landing / source / CENTS_DROP
        folder.mkdir(parents=True)
        columns = SOURCES[source].columns
        pl.DataFrame(rows, schema=columns, orient="row").write_csv(folder / f"{source}.csv")
    summary = run_pipeline(warehouse, AS_OF)
    assert summary.success, summary.error
    path = published_warehouse(warehouse.published_root)
    assert path is not None
    return path


@pytest.fixture
def cents_con(cents_published: Path):
    with duckdb.connect(str(cents_published), read_only=True) as connection:
        yield connection


def rated_half_months(
    con: duckdb.DuckDBPyConnection, scenario: pl.DataFrame
) -> dict[tuple[str, ...], set[tuple[date, bool]]]:
    """Per changed combination, its changed half-months and whether they are rated from
    int_incentive_half_months (True) or row by row."""
    con.register("what_if_policies", scenario.to_arrow())
    try:
        keys = con.execute(_changed_keys_sql()).pl()
    finally:
        con.unregister("what_if_policies")
    halves: dict[tuple[str, ...], set[tuple[date, bool]]] = {}
    for row in keys.unique([*RATING_COMBINATION, "half_month_start"]).iter_rows(named=True):
        combination = tuple(row[c] for c in RATING_COMBINATION)
        halves.setdefault(combination, set()).add((row["half_month_start"], row["by_half_month"]))
    return halves


def test_cents_rows_round_half_up_per_row_from_the_half_months(cents_con) -> None:
    # POL-3 8% -> 6% (a whole percent): 07-02 30.25 x 6% = 1.815 -> 1.82; the refund
    # -10.25 x 6% = -0.615 -> -0.62 (away from zero, as the order); 07-06 10.25 -> 0.62;
    # 07-07 0.75 -> 0.045 -> 0.05; 07-18 1.50 -> 0.09. D1 202607: 1.96 (the unrounded sum
    # 32.50 x 6% = 1.95: the rows are rounded one by one). June: 10.00 and 20.00 -> 0.60
    # and 1.20: D1 202606 250.00 + 1.80 = 251.80.
    scenario = with_rate(library(cents_con), "POL-3", "0.06")
    result = by_period(what_if(cents_con, scenario))
    assert result[("D1", "202606")] == (Decimal("252.40"), Decimal("251.80"))
    assert result[("D1", "202607")] == (Decimal("2.60"), Decimal("1.96"))
    # The whole half-months up to 07-15 by half-month; 07-16..31 holds the as-of date
    # (07-20): its rows one by one.
    halves = rated_half_months(cents_con, scenario)[("distributor", "reseller", "OBS")]
    assert (date(2026, 6, 1), True) in halves
    assert (date(2026, 7, 1), True) in halves
    assert (date(2026, 7, 16), False) in halves


def test_a_rate_not_a_whole_percent_rates_the_rows_one_by_one(cents_con) -> None:
    # POL-3 at 6.5%: 30.25 -> 1.96625 -> 1.97; -10.25 -> -0.67; 10.25 -> 0.67; 0.75 ->
    # 0.04875 -> 0.05; 1.50 -> 0.0975 -> 0.10. D1 202607: 2.12.
    scenario = with_rate(library(cents_con), "POL-3", "0.065")
    assert by_period(what_if(cents_con, scenario))[("D1", "202607")] == (
        Decimal("2.60"),
        Decimal("2.12"),
    )
    halves = rated_half_months(cents_con, scenario)[("distributor", "reseller", "OBS")]
    assert not any(by_half_month for _, by_half_month in halves)


def new_version(policy_id: str, rate: str, valid_from: str) -> pl.DataFrame:
    """A version of a distributor/reseller/OBS policy from `valid_from` (the later start wins)."""
    return scenario_from_frame(
        pl.DataFrame(
            {
                "policy_id": [policy_id],
                "policy_name": ["分销 代售 OBS 新版"],
                "partner_type": ["distributor"],
                "association_type": ["reseller"],
                "product_type": ["OBS"],
                "rate": [rate],
                "valid_from": [valid_from],
                "valid_to": [None],
            }
        )
    )


def scenarios(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    actual = library(con)
    rates = {f"POL-3 at {rate}": with_rate(actual, "POL-3", rate) for rate in RATES}
    return {
        **rates,
        "POL-4 at 7% (the refund's)": with_rate(actual, "POL-4", "0.07"),
        "POL-2 removed": actual.filter(pl.col("policy_id") != "POL-2"),
        "a version from 07-05 (inside a half-month)": pl.concat(
            [actual, new_version("POL-3C", "0.05", "2026-07-05")]
        ),
        "a version from 07-16 (the as-of date's half-month)": pl.concat(
            [actual, new_version("POL-3D", "0.03", "2026-07-16")]
        ),
        "a version from 07-01 at 6.25%": pl.concat(
            [actual, new_version("POL-3E", "0.0625", "2026-07-01")]
        ),
    }


RATES = ("0", "0.01", "0.06", "0.07", "0.13", "0.5", "0.99", "1")


def test_the_half_months_give_the_figures_of_every_row_rated_again(cents_con) -> None:
    # The reference rates every row with the macro policy_rated; the half-month path must
    # give the same cents for every partner, period, product type and manager.
    for name, scenario in scenarios(cents_con).items():
        fast = what_if(cents_con, scenario, BREAKDOWNS)
        reference = what_if(cents_con, scenario, BREAKDOWNS, every_row=True)
        assert fast.equals(reference), name


def test_the_half_months_sum_every_rated_row(cents_con) -> None:
    # Kept by difference over two runs: the same rows, incentive and eligible amount (whole
    # yuan plus the cents at 100%) as the rated transactions, per partner and period.
    (mismatches,) = cents_con.execute(
        """
        select count(*) from (
            select settlement_partner_id, billing_period, count(*) as rows,
                sum(incentive_amount) as incentive, sum(eligible_amount) as eligible
            from intermediate.int_transactions_rated group by all
        ) as rated
        full outer join (
            select settlement_partner_id, billing_period, sum(detail_rows) as rows,
                sum(incentive_amount) as incentive, sum(whole_yuan + cents_rated_100) as eligible
            from intermediate.int_incentive_half_months group by all
        ) as half_months using (settlement_partner_id, billing_period)
        where rated.rows is distinct from half_months.rows
            or rated.incentive is distinct from half_months.incentive
            or rated.eligible is distinct from half_months.eligible
        """
    ).fetchone()
    assert mismatches == 0


def test_a_whole_percent_rates_whole_yuan_and_cents_as_round_money_rates_the_amount() -> None:
    # The identity the half-months rest on, for every cents value of either sign, every
    # whole percent and a few whole yuan: round_money(e x r) = w x r + round_money(c x r),
    # both sides rendered from the dbt macros (rule 3's rounding in one place).
    whole = amount_whole_yuan_sql("amount")
    sql = f"""
        with amounts as (
            select cast(sign * (yuan * 100 + cents) * 0.01 as decimal(18, 2)) as amount,
                cast(percent * 0.01 as decimal(9, 6)) as rate, percent
            from range(0, 100) as c(cents), range(0, 101) as p(percent),
                (values (-1), (1)) as s(sign), (values (0), (3), (1234567)) as y(yuan)
        )
        select count(*), count(*) filter (
            where {round_money_sql("amount * rate")}
                <> {rated_whole_percent_sql(whole, cents_rated_sql("amount", 7), "rate")}
                and percent = 7
        ) + count(*) filter (
            where {round_money_sql("amount * rate")}
                <> ({whole}) * rate + {round_money_sql(f"(amount - ({whole})) * rate")}
        )
        from amounts
    """
    with duckdb.connect() as con:
        rows, mismatches = con.execute(sql).fetchone()
    assert rows == 100 * 101 * 2 * 3
    assert mismatches == 0


def test_a_copy_published_before_the_half_months_rates_the_rows_one_by_one(
    cents_published: Path, cents_con, tmp_path: Path
) -> None:
    # A copy published before int_incentive_half_months existed (until the next run) gives
    # the same figures, every changed row rated one by one.
    older = tmp_path / "older.duckdb"
    shutil.copyfile(cents_published, older)
    with duckdb.connect(str(older)) as con:
        con.execute("drop table intermediate.int_incentive_half_months")
    scenario = with_rate(library(cents_con), "POL-3", "0.06")
    with duckdb.connect(str(older), read_only=True) as con:
        assert what_if(con, scenario, BREAKDOWNS).equals(what_if(cents_con, scenario, BREAKDOWNS))


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
