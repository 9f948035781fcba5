"""A generated week, run day by day, equals a fresh build every day (issue 13, item 8).

The generator writes 40 drop dates (2026-06-01 to 2026-07-10); the last 7 are held back.
After a first build as of 2026-07-03, each day returns that day's drop folders to the
landing folder, loads it, and runs the daily incremental build (`--selector daily`, as the
pipeline does) with the as-of date moved to that day. On some days the landing folder also
gets what real exports do late:

- 07-05: a late consumption file: C000039 used its idle ECS on 07-02 (three days back);
- 07-06: a late association change: C000021 left P2001 on 06-29 (a week back);
- 07-07: a late policy version: distributor / reseller / OBS at 7% from 06-20 (was 4%);
- 07-08: a refund of an old order: CS2606070000004 (06-07) refunds 1,000.00 on 07-09, so the
  refund waits for the next day's as-of;
- 07-09: a corrected re-landed file: consumption of 07-04 exported again at the same path,
  C000044's usage of one ECS 100.00 higher;
- 07-10: a changed customer profile: C000044 exported again with another industry, so the
  customer board moves its whole history to the new industry.

After every day, each mart and each table the incremental runs keep is compared, sorted, with
a build of a new database loaded from the same landing folder: they must be equal to the
cent. The other tests show the comparison is not vacuous: each perturbation moved the
figures the rules say it moves, the moving as-of date confirmed a statement, warnings carry
their first_seen across days, and the runs wrote a fraction of the rated rows.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP
from decimal import Decimal as D
from pathlib import Path

import polars as pl
import pytest
from dbt_fixtures import query, run_dbt
from test_dbt_landing_sequence import loaded, write_rows

from contract.published import PUBLIC_MARTS
from contract.sources import SOURCES
from pipelines.dbt.assets import (
    batch_build_args,
    built_whole_in_last_batch,
    dropped_relations,
    full_build_batches,
)
from pipelines.dbt.project import dbt_project
from tools.generate import generate_landing

pytestmark = pytest.mark.slow

START = date(2026, 6, 1)
DAYS = 40
WEEK = [START + timedelta(days=DAYS - 7 + i) for i in range(7)]
FIRST_AS_OF = WEEK[0] - timedelta(days=1)
# The as-of date reaches dbt as PARTNER_WAREHOUSE_AS_OF, as in a pipeline run; the var only
# stays constant so that dbt keeps its partial parse between days.
PARSE_AS_OF = FIRST_AS_OF.isoformat()
UNIT_TESTS_OUT = ["--exclude-resource-type", "unit_test"]
DAILY = ["build", *UNIT_TESTS_OUT, "--selector", "daily"]
# The fresh build only has to produce the tables; its data tests change nothing compared.
FRESH = ["build", *UNIT_TESTS_OUT, "--exclude-resource-type", "test"]
# It evaluates the warnings by buckets of customers, as a full build of a large set does
# (macro warning_buckets; the days evaluate in one query each): about 8 customers a bucket.
FRESH_VARS = {"warning_customer_days_per_bucket": 700}

# The tables incremental runs keep, without the column that names the run that wrote a row.
KEPT_TABLES = {
    "intermediate.int_transactions_rated": "* exclude (_written_by)",
    "intermediate.int_incentive_daily": "* exclude (_written_by)",
    "intermediate.int_incentive_half_months": "* exclude (_written_by)",
    # in_sorted_part says where a row lies (the sorted part or the tail), not what it is.
    "intermediate.int_incentive_customer_daily": "* exclude (in_sorted_part)",
    "intermediate.int_customer_daily": "* exclude (_written_by)",
    "intermediate.int_customer_periods": "* exclude (_written_by)",
    "intermediate.int_board_revenue_daily": "*",
    "intermediate.int_customer_spend_daily": "*",
    "intermediate.int_customer_warnings_evaluated": "*",
    "intermediate.int_customer_latest_snapshot": "*",
    "intermediate.int_customer_activity_bounds": "*",
}

LATE_USAGE = date(2026, 7, 2)
LATE_CUSTOMER, LATE_RESOURCE = "C000039", "ecs-00000134"  # on-demand, unused in the window
LEAVING_CUSTOMER, LEFT_AT = "C000021", "2026-06-29 10:00:00"
REFUNDED_ORDER, REFUND_AT, REFUND = "CS2606070000004", "2026-07-09 09:00:00", D("1000.00")
CORRECTED_FILE = "consumption/2026-07-04/consumption.parquet"
CORRECTED_RESOURCE, CORRECTION = "ecs-00000160", D("100.00")  # C000044's
PROFILE_CUSTOMER, PROFILE_DAY = "C000044", date(2026, 7, 1)
# The policy file shipped with the generator: distributor / reseller rates.
OBS_RATE, NEW_OBS_RATE, ECS_RATE = D("0.04"), D("0.07"), D("0.06")
NEW_OBS_FROM = date(2026, 6, 20)


def cents(amount: D) -> D:
    return amount.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def late_consumption(landing: Path, db: Path, drop: str) -> None:
    # As much as C000039 spent in the 7 days before the 7 that end on 07-02: its spend of
    # those 7 days is then not under half of that any more.
    (earlier,) = query(
        db,
        "select sum(paid_amount) from raw.consumption "
        "where customer_id = ? and usage_date between ? and ?",
        [LATE_CUSTOMER, LATE_USAGE - timedelta(days=13), LATE_USAGE - timedelta(days=7)],
    )[0]
    amount = str(earlier)
    row = [LATE_USAGE.isoformat(), LATE_CUSTOMER, LATE_RESOURCE, "ECS", amount, "0.00", amount]
    write_rows(landing, "consumption", drop, "late.csv", [row])


def late_disassociation(landing: Path, db: Path, drop: str) -> None:
    row = ["AE-LATE-1", LEAVING_CUSTOMER, "P2001", "disassociate", "", "", "", LEFT_AT]
    write_rows(landing, "associations", drop, "late.csv", [row])


def late_policy_version(landing: Path, db: Path, drop: str) -> None:
    row = [
        "POL0004-2",
        "2026年总经销商代售类 OBS 激励政策（6月20日起调整版）",
        "distributor",
        "reseller",
        "OBS",
        str(NEW_OBS_RATE),
        NEW_OBS_FROM.isoformat(),
        "",
    ]
    write_rows(landing, "incentive_policies", drop, "policies.csv", [row])


def old_order_refund(landing: Path, db: Path, drop: str) -> None:
    columns = (
        "order_no, customer_id, product_type, product_name, order_time, list_amount, "
        "discount_amount, voucher_amount, paid_amount, order_status, refund_time, "
        "refund_amount, project_id"
    )
    (order,) = query(db, f"select {columns} from raw.orders where order_no = ?", [REFUNDED_ORDER])
    assert order[9] == "paid"
    text = ["" if v is None else str(v) for v in order]
    text[9:12] = ["refunded", REFUND_AT, str(REFUND)]
    write_rows(landing, "orders", drop, "refund.csv", [text])


def corrected_re_export(landing: Path, db: Path, drop: str) -> None:
    path = landing / CORRECTED_FILE
    frame = pl.read_parquet(path)
    is_corrected = pl.col("resource_id") == CORRECTED_RESOURCE
    assert frame.filter(is_corrected).height == 1
    more = pl.lit(CORRECTION).cast(pl.Decimal(18, 2))
    frame = frame.with_columns(
        pl.when(is_corrected).then(pl.col(c) + more).otherwise(pl.col(c)).alias(c)
        for c in ("consumption_amount", "paid_amount")
    )
    frame.write_parquet(path)


def changed_profile(landing: Path, db: Path, drop: str) -> None:
    columns = SOURCES["customers"].columns
    industry = columns.index("industry")
    (row,) = query(
        db,
        f"select {', '.join(columns)} from raw.customers where customer_id = ?",
        [PROFILE_CUSTOMER],
    )
    ((other,),) = query(
        db, "select min(industry) from raw.customers where industry != ?", [row[industry]]
    )
    text = ["" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for v in row]
    text[industry] = other
    write_rows(landing, "customers", drop, "profile.csv", [text])


PERTURBATIONS = {
    date(2026, 7, 5): late_consumption,
    date(2026, 7, 6): late_disassociation,
    date(2026, 7, 7): late_policy_version,
    date(2026, 7, 8): old_order_refund,
    date(2026, 7, 9): corrected_re_export,
    date(2026, 7, 10): changed_profile,
}


def held_back(landing: Path, holding: Path, day: date) -> None:
    for folder in sorted(landing.glob(f"*/{day.isoformat()}")):
        target = holding / folder.parent.name / day.isoformat()
        target.parent.mkdir(parents=True, exist_ok=True)
        folder.rename(target)


def returned(holding: Path, landing: Path, day: date) -> None:
    for folder in sorted(holding.glob(f"*/{day.isoformat()}")):
        folder.rename(landing / folder.parent.name / day.isoformat())


def compared_tables(db: Path) -> dict[str, str]:
    """Every mart (tables and views) and the kept incremental tables, with their columns."""
    marts = query(
        db,
        "select table_name from information_schema.tables where table_schema = 'marts' order by 1",
    )
    return {**{f"marts.{name}": "*" for (name,) in marts}, **KEPT_TABLES}


def snapshot(db: Path) -> dict[str, list[tuple]]:
    return {
        table: query(db, f"select {columns} from {table} order by all")
        for table, columns in compared_tables(db).items()
    }


def differences(incremental: list[tuple], fresh: list[tuple]) -> str:
    """The rows only one build has (at most 10 of each), for a readable failure."""
    extra = list((Counter(incremental) - Counter(fresh)).elements())
    missing = list((Counter(fresh) - Counter(incremental)).elements())
    lines = [f"only incremental ({len(extra)}):", *map(repr, extra[:10])]
    lines += [f"only fresh ({len(missing)}):", *map(repr, missing[:10])]
    return "\n".join(lines)


def invocation_id(work: Path) -> str:
    results = json.loads((work / "target" / "run_results.json").read_text())
    return results["metadata"]["invocation_id"]


@dataclass
class Day:
    as_of: date
    db: Path  # a copy of the incremental warehouse after the day's run
    mismatches: dict[str, str]  # table -> differing rows
    written: int  # rated rows the day's run wrote
    rated: int  # rated rows in all


def fresh_snapshot(landing: Path, work: Path) -> dict[str, list[tuple]]:
    """A new database loaded from the landing folder and built whole (the as-of date comes
    from the environment, as for the incremental build)."""
    db = work / "fresh.duckdb"
    db.unlink(missing_ok=True)
    loaded(db, landing)
    run_dbt(FRESH, db_path=db, work_dir=work, as_of=PARSE_AS_OF, extra_vars=FRESH_VARS)
    return snapshot(db)


def checked_day(landing: Path, db: Path, work: Path, as_of: date, copy: Path) -> Day:
    incremental = snapshot(db)
    fresh = fresh_snapshot(landing, work / "fresh")
    assert incremental.keys() == fresh.keys()
    mismatches = {
        table: differences(rows, fresh[table])
        for table, rows in incremental.items()
        if rows != fresh[table]
    }
    run = invocation_id(work / "incremental")
    ((written, rated),) = query(
        db,
        "select count(*) filter (where _written_by = ?), count(*) "
        "from intermediate.int_transactions_rated",
        [run],
    )
    shutil.copyfile(db, copy)
    return Day(as_of, copy, mismatches, written, rated)


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> dict[date, Day]:
    root = tmp_path_factory.mktemp("week")
    landing, holding = root / "landing", root / "holding"
    generate_landing(landing, scale=0.2, start=START, days=DAYS)
    for day in WEEK:
        held_back(landing, holding, day)
    for name in ("incremental", "fresh"):
        (root / name).mkdir()
    db = root / "incremental" / "warehouse.duckdb"
    days = {}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PARTNER_WAREHOUSE_AS_OF", FIRST_AS_OF.isoformat())
        loaded(db, landing)
        # The first build has no incremental state: a full refresh, as a pipeline run does.
        # It is the fresh build of its files, so the comparisons start with the first day.
        run_dbt(
            ["build", *UNIT_TESTS_OUT, "--full-refresh"],
            db_path=db,
            work_dir=root / "incremental",
            as_of=PARSE_AS_OF,
        )
        for day in WEEK:
            env.setenv("PARTNER_WAREHOUSE_AS_OF", day.isoformat())
            returned(holding, landing, day)
            if day in PERTURBATIONS:
                PERTURBATIONS[day](landing, db, day.isoformat())
            loaded(db, landing)
            run_dbt(DAILY, db_path=db, work_dir=root / "incremental", as_of=PARSE_AS_OF)
            days[day] = checked_day(landing, db, root, day, root / f"{day}.duckdb")
    return days


def test_every_day_equals_a_fresh_build(week: dict[date, Day]) -> None:
    found = {
        f"{day}: {table}": rows
        for day, checked in week.items()
        for table, rows in checked.mismatches.items()
    }
    assert not found, "\n\n".join(f"{where}\n{rows}" for where, rows in found.items())


def test_the_comparison_covers_every_mart_and_kept_table(week: dict[date, Day]) -> None:
    last = week[WEEK[-1]].db
    tables = compared_tables(last)
    assert set(KEPT_TABLES) <= set(tables)
    assert incremental_models() <= set(KEPT_TABLES)
    for mart in PUBLIC_MARTS:
        assert f"marts.{mart}" in tables
        assert query(last, f"select count(*) from marts.{mart}")[0][0] > 0, mart


def incremental_models() -> set[str]:
    """`schema.name` of every model the project materializes incrementally."""
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return {
        f"{node['schema']}.{node['name']}"
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"]["materialized"] == "incremental"
    }


def statement(db: Path, statement_id: str) -> D:
    rows = query(
        db,
        "select incentive_amount from marts.incentive_statements where statement_id = ?",
        [statement_id],
    )
    return rows[0][0]


def has_warning(db: Path, warning_date: date, customer: str, warning_type: str) -> bool:
    return bool(
        query(
            db,
            "select count(*) from marts.customer_warnings "
            "where warning_date = ? and customer_id = ? and warning_type = ?",
            [warning_date, customer, warning_type],
        )[0][0]
    )


def test_the_late_consumption_clears_a_past_warning(week: dict[date, Day]) -> None:
    before, after = week[date(2026, 7, 4)].db, week[date(2026, 7, 5)].db
    assert has_warning(before, LATE_USAGE, LATE_CUSTOMER, "consumption_drop")
    assert not has_warning(after, LATE_USAGE, LATE_CUSTOMER, "consumption_drop")
    # 07-01's 7 days end before the late usage: that day's warning stays
    day_before = LATE_USAGE - timedelta(days=1)
    assert has_warning(after, day_before, LATE_CUSTOMER, "consumption_drop")


def test_the_late_disassociation_withdraws_the_customers_incentive(
    week: dict[date, Day],
) -> None:
    before, after = week[date(2026, 7, 5)].db, week[date(2026, 7, 6)].db
    # Consumption counts for the association at the end of its day: from 06-29 C000021's
    # usage belongs to nobody; what it earned P1001 (P2001's distributor) in June goes.
    earned = query(
        before,
        "select sum(incentive_amount), count(*) from marts.incentive_details "
        "where customer_id = ? and transaction_date >= ? and billing_period = '202606'",
        [LEAVING_CUSTOMER, date(2026, 6, 29)],
    )[0]
    assert earned[1] > 0 and earned[0] > 0
    assert statement(after, "P1001-202606") == statement(before, "P1001-202606") - earned[0]
    assert query(
        after,
        "select count(*) from marts.incentive_details where customer_id = ? and transaction_date >= ?",
        [LEAVING_CUSTOMER, date(2026, 6, 29)],
    ) == [(0,)]
    disassociated = (
        "select disassociated from marts.customer_board_monthly "
        "where partner_id = 'P2001' and period = '2026-06-01'"
    )
    assert query(after, disassociated)[0][0] == query(before, disassociated)[0][0] + 1


def test_the_late_policy_version_re_rates_the_days_it_covers(week: dict[date, Day]) -> None:
    before, after = week[date(2026, 7, 6)].db, week[date(2026, 7, 7)].db
    covered = query(
        before,
        "select eligible_amount from marts.incentive_details "
        "where partner_id = 'P1001' and association_type = 'reseller' and product_type = 'OBS' "
        "and incentive_type = 'base' and transaction_date between ? and ?",
        [NEW_OBS_FROM, date(2026, 6, 30)],
    )
    assert len(covered) > 0
    change = sum(cents(e * NEW_OBS_RATE) - cents(e * OBS_RATE) for (e,) in covered)
    assert change != 0
    assert statement(after, "P1001-202606") == statement(before, "P1001-202606") + change


def test_the_refund_waits_for_its_date_then_counts_in_july(week: dict[date, Day]) -> None:
    refund_rows = (
        "select partner_id, billing_period, eligible_amount, rate, incentive_amount "
        "from marts.incentive_details where order_no = ? and transaction_type = 'refund'"
    )
    landed, due = week[date(2026, 7, 8)].db, week[date(2026, 7, 9)].db
    assert query(landed, refund_rows, [REFUNDED_ORDER]) == []
    # C000042 is P2002's (reseller) customer: settled to P1001 at the ECS rate, 6%
    assert query(due, refund_rows, [REFUNDED_ORDER]) == [
        ("P1001", "202607", -REFUND, ECS_RATE, -cents(REFUND * ECS_RATE))
    ]


def test_the_corrected_file_replaces_its_row(week: dict[date, Day]) -> None:
    row = (
        "select eligible_amount, incentive_amount from marts.incentive_details "
        "where resource_id = ? and transaction_date = ? and transaction_type = 'consumption'"
    )
    args = [CORRECTED_RESOURCE, date(2026, 7, 4)]
    ((old, old_incentive),) = query(week[date(2026, 7, 8)].db, row, args)
    assert old_incentive == cents(old * ECS_RATE)
    new = old + CORRECTION
    assert query(week[date(2026, 7, 9)].db, row, args) == [(new, cents(new * ECS_RATE))]


def test_warnings_carry_first_seen_across_days(week: dict[date, Day]) -> None:
    for day in WEEK:
        db = week[day].db
        ((today, carried),) = query(
            db,
            "select count(*), count(*) filter (where first_seen < warning_date) "
            "from marts.customer_warnings where warning_date = ?",
            [day],
        )
        assert today > 0 and carried > 0, day


def test_each_day_wrote_a_fraction_of_the_rated_rows(week: dict[date, Day]) -> None:
    for day in WEEK:
        checked = week[day]
        assert 0 < checked.written < checked.rated / 5, (day, checked.written, checked.rated)


def test_the_moving_as_of_date_confirms_a_statement(week: dict[date, Day]) -> None:
    # P1001's June statement was generated on 07-03 at 11:07 and never confirmed: rule 5
    # confirms it 7 days later, on 07-10, with no new file about it.
    status = "select status from marts.incentive_statements where statement_id = 'P1001-202606'"
    assert query(week[date(2026, 7, 9)].db, status) == [("pending_confirmation",)]
    assert query(week[date(2026, 7, 10)].db, status) == [("issuing",)]


def test_a_changed_profile_moves_the_customers_board_history(week: dict[date, Day]) -> None:
    """07-01 is not a day the 07-10 run recomputes: C000044's revenue of that day moved
    from its old industry to its new one, and no other value changed."""
    before, after = week[WEEK[-2]].db, week[WEEK[-1]].db
    ((owner, revenue),) = query(
        before,
        "select owner_partner_id, sum(eligible_amount) from intermediate.int_customer_daily "
        "where customer_id = ? and transaction_date = ? group by 1",
        [PROFILE_CUSTOMER, PROFILE_DAY],
    )
    assert revenue > 0
    (old_industry,), (new_industry,) = (
        query(db, "select industry from raw.customers where customer_id = ?", [PROFILE_CUSTOMER])[0]
        for db in (before, after)
    )
    assert old_industry != new_industry

    def industries(db: Path) -> dict[str, D]:
        return dict(
            query(
                db,
                "select dimension_key, contributed_revenue from intermediate.int_board_revenue_daily "
                "where partner_id = ? and dimension = 'industry' and transaction_date = ?",
                [owner, PROFILE_DAY],
            )
        )

    was, now = industries(before), industries(after)
    assert now.get(new_industry, D(0)) - was.get(new_industry, D(0)) == revenue
    assert was[old_industry] - now.get(old_industry, D(0)) == revenue
    assert {k: v for k, v in now.items() if k not in (old_industry, new_industry)} == {
        k: v for k, v in was.items() if k not in (old_industry, new_industry)
    }


def test_a_full_build_in_batches_equals_the_days(
    week: dict[date, Day], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 13, item 7: the last day's raw layer (the first build's loads, then a load a day,
    with the late and corrected files) built whole again in batches of loads, as a full run
    does, equals the day built incrementally (itself equal to a fresh build)."""
    last = week[WEEK[-1]]
    db = tmp_path / "batched.duckdb"
    shutil.copyfile(last.db, db)
    ((transactions,),) = query(
        db, "select (select count(*) from raw.orders) + (select count(*) from raw.consumption)"
    )
    batches = full_build_batches(db, transactions // 20)
    assert len(batches) >= 4
    assert dropped_relations(db, built_whole_in_last_batch(dbt_project.manifest_path))
    monkeypatch.setenv("PARTNER_WAREHOUSE_AS_OF", WEEK[-1].isoformat())
    for number, through in enumerate(batches):
        monkeypatch.setenv(
            "PARTNER_WAREHOUSE_LOADED_THROUGH", "" if through is None else str(through)
        )
        # the last batch without its data tests: what is compared is the tables
        args = batch_build_args("duckdb", number, len(batches))
        if number == len(batches) - 1:
            args += ["--exclude-resource-type", "test"]
        run_dbt(args, db_path=db, work_dir=tmp_path, as_of=PARSE_AS_OF)
    ((writers,),) = query(
        db, "select count(distinct _written_by) from intermediate.int_transactions_rated"
    )
    assert writers >= 3
    batched, days = snapshot(db), snapshot(last.db)
    assert batched.keys() == days.keys()
    mismatches = {
        table: differences(rows, days[table])
        for table, rows in batched.items()
        if rows != days[table]
    }
    assert not mismatches, "\n\n".join(f"{table}\n{rows}" for table, rows in mismatches.items())
