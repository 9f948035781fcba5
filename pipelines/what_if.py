"""Policy what-if: the published incentive rows rated again under a scenario's policy library.

The rule is not restated here: the SQL is rendered from the dbt macro that rates the
warehouse (`policy_rated`, dbt_project/macros/rating.sql) against a scenario policy table
registered on the connection. Nothing is written: the published copy is read only.

What changes under a scenario is the base incentive of orders, refunds and consumption
(rule 3); the acceleration incentive of projects does not depend on the policy library and
counts the same in both columns (docs/RULES.md, "What-if").
"""

from __future__ import annotations

import functools
from datetime import date
from pathlib import Path

import duckdb
import jinja2
import polars as pl

from contract.sources import SOURCES
from pipelines.ingest.read import UnreadableFile, read_csv
from pipelines.ingest.reasons import ReasonCode, joined_details, reason
from pipelines.ingest.validate import ROW_ID, validated

MACROS = Path(__file__).resolve().parents[1] / "dbt_project" / "macros"
# The macro's own file and the rule macros it calls (policy_covers, round_money, open_ended).
MACRO_FILES = ("business_rules.sql", "rating.sql")
POLICIES = SOURCES["incentive_policies"]
SCENARIO_RELATION = "what_if_policies"
# The dimensions a scenario can be broken down by, besides partner and period.
BREAKDOWNS = ("product_type", "customer_manager_id")


class ScenarioError(ValueError):
    """A scenario policy file that cannot be used, said in words for its author (English),
    with its reasons coded for a reader in another language (pipelines/ingest/reasons.py):
    `details` the `reason_details` of the file or of the first bad row, `rows` how many rows
    are bad (0: the file as a whole), `row` the first one, `file` the file's name."""

    def __init__(
        self,
        message: str,
        *,
        details: str | None = None,
        rows: int = 0,
        row: int | None = None,
        file: str | None = None,
    ) -> None:
        super().__init__(message)
        self.details, self.rows, self.row, self.file = details, rows, row, file


@functools.cache
def _macros() -> object:
    """The rule macros (MACRO_FILES) as a Jinja module, outside dbt."""
    source = "\n".join((MACROS / name).read_text() for name in MACRO_FILES)
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(source).module


@functools.cache
def policy_rated_sql(rows: str, policies: str) -> str:
    """The dbt macro `policy_rated(rows, policies)` rendered to plain SQL."""
    return str(_macros().policy_rated(rows, policies))  # type: ignore[attr-defined]


@functools.cache
def round_money_sql(expr: str) -> str:
    """The dbt macro `round_money(expr)` (rule 3's rounding, the one policy_rated applies)."""
    return str(_macros().round_money(expr))  # type: ignore[attr-defined]


@functools.cache
def rated_whole_percent_sql(whole_yuan: str, cents_rated: str, rate: str) -> str:
    """The dbt macro `rated_whole_percent`: the per-row incentive of the rows of a group of
    int_incentive_half_months under a whole-percent rate, summed."""
    return str(_macros().rated_whole_percent(whole_yuan, cents_rated, rate))  # type: ignore[attr-defined]


@functools.cache
def cents_rated_column(percent: int) -> str:
    """The dbt macro `cents_rated_column`: the column of int_incentive_half_months holding
    the rows' cents rated at `percent` %."""
    return str(_macros().cents_rated_column(percent)).strip()  # type: ignore[attr-defined]


@functools.cache
def half_month_start_sql(day: str) -> str:
    """The dbt macro `half_month_start`: the half-month int_incentive_half_months groups a
    day's rows in."""
    return str(_macros().half_month_start(day))  # type: ignore[attr-defined]


@functools.cache
def is_whole_percent_sql(rate: str) -> str:
    """The dbt macro `is_whole_percent`: whether int_incentive_half_months has a column for
    `rate`."""
    return str(_macros().is_whole_percent(rate))  # type: ignore[attr-defined]


def scenario_from_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The policy rows of `frame` (text or typed columns of the incentive_policies landing
    format) typed and validated with the landing contract; a bad row refuses the scenario."""
    missing = [c for c in POLICIES.required_columns if c not in frame.columns]
    if missing:
        required = [[c, POLICIES.chinese_headers()[c]] for c in missing]
        raise ScenarioError(
            f"the policy file lacks the columns: {', '.join(missing)}",
            details=joined_details(
                [
                    reason(
                        ReasonCode.MISSING_COLUMNS,
                        required=required,
                        found=", ".join(frame.columns),
                    )
                ]
            ),
        )
    text = frame.with_columns(
        [pl.lit(None, dtype=pl.String).alias(c) for c in POLICIES.columns if c not in frame.columns]
    ).select(
        *[pl.col(c).cast(pl.String) for c in POLICIES.columns],
        (pl.int_range(pl.len(), dtype=pl.Int64) + 2).alias("_row_number"),
        pl.lit("scenario").alias("_file"),
    )
    text = text.with_columns(pl.col("_row_number").alias(ROW_ID))
    checked = validated(text, set(), POLICIES)
    if not checked.bad.is_empty():
        first = checked.bad.row(0, named=True)
        raise ScenarioError(
            f"{checked.bad.height} policy row(s) cannot be used; row {first[ROW_ID]}: "
            f"{first['reason']}",
            details=first["reason_details"],
            rows=checked.bad.height,
            row=first[ROW_ID],
        )
    return checked.good.select(POLICIES.columns)


def scenario_from_file(path: Path) -> pl.DataFrame:
    """A scenario policy file (CSV, English or Chinese headers, as landed) validated."""
    try:
        landed = read_csv(path, POLICIES)
    except UnreadableFile as exc:
        raise ScenarioError(
            f"cannot read the policy file {path.name}: {exc}",
            details=joined_details(exc.reasons),
            file=path.name,
        ) from exc
    except OSError as exc:
        raise ScenarioError(f"cannot read the policy file {path.name}: {exc}") from exc
    return scenario_from_frame(landed.frame.drop("_row_number"))


ACTUAL_POLICIES = "staging.stg_raw__incentive_policies"
RATING_COMBINATION = ("settlement_partner_type", "association_type", "product_type")
RATING_KEY = (*RATING_COMBINATION, "transaction_date")
CHANGED_RELATION = "what_if_changed_keys"
# The combinations and half-months rated from int_incentive_half_months, with their rate.
HALF_MONTH_RELATION = "what_if_whole_half_months"
HALF_MONTHS = "intermediate.int_incentive_half_months"
AS_OF_SQL = "(select max(as_of_date) from marts.publication)"
# The half-month of the day after the as-of date: the earlier ones end by the as-of date.
OPEN_HALF_MONTH_SQL = f"({half_month_start_sql(f'({AS_OF_SQL} + 1)')})"


def _changed_keys_sql() -> str:
    """The rating keys (partner type, association type, product type, day) whose rate under
    the scenario differs from the rate under the published library, with the scenario's rate:
    every combination (partner type, association type, product type) whose policy rows
    differ between the two libraries (the policy in force on a key depends on its
    combination's rows only), on every day from the earliest validity to the as-of date,
    rated by the macro with each library. Only rows with these keys can change.

    Each key says whether its rows are rated from int_incentive_half_months (`by_half_month`):
    when every day of its half-month is a changed key of its combination with one scenario
    rate, a whole percent (macro rated_whole_percent, exact then), and the half-month ended
    by the as-of date (its rows are all counted: none is after the as-of date). A half-month
    that starts before the first day rated has days whose rate did not change: not whole."""
    keys = ", ".join(RATING_KEY)
    combination = ", ".join(RATING_COMBINATION)
    policy = ", ".join(POLICIES.columns)
    half_month = half_month_start_sql("transaction_date")
    return f"""
    with
    calendar as (
        select cast(unnest(generate_series(first_day, {AS_OF_SQL}, interval 1 day))
            as date) as transaction_date
        from (
            select least(
                (select min(valid_from) from {SCENARIO_RELATION}),
                (select min(valid_from) from {ACTUAL_POLICIES})
            ) as first_day
        )
    ),
    candidate_keys as (
        select combos.*, calendar.transaction_date, 0 as eligible_amount
        from (
            select distinct partner_type as settlement_partner_type, association_type,
                product_type
            from (
                (select {policy} from {SCENARIO_RELATION}
                except select {policy} from {ACTUAL_POLICIES})
                union all
                (select {policy} from {ACTUAL_POLICIES}
                except select {policy} from {SCENARIO_RELATION})
            )
        ) as combos
        cross join calendar
    ),
    keys_actual as ({policy_rated_sql("candidate_keys", ACTUAL_POLICIES)}),
    keys_scenario as ({policy_rated_sql("candidate_keys", SCENARIO_RELATION)}),
    changed as (
        select {keys}, keys_scenario.rate, {half_month} as half_month_start
        from keys_actual
        join keys_scenario using ({keys})
        where keys_actual.rate <> keys_scenario.rate
    ),
    whole_half_months as (
        select half_month_start, count(*) as days
        from (select transaction_date, {half_month} as half_month_start from calendar)
        group by half_month_start
        having min(transaction_date) = half_month_start
            and half_month_start < {OPEN_HALF_MONTH_SQL}
    ),
    rated_half_months as (
        select {combination}, half_month_start
        from changed
        inner join whole_half_months using (half_month_start)
        group by {combination}, half_month_start, whole_half_months.days
        having count(*) = whole_half_months.days and min(rate) = max(rate)
            and {is_whole_percent_sql("min(rate)")}
    )
    select changed.*, rated_half_months.half_month_start is not null as by_half_month
    from changed
    left join rated_half_months using ({combination}, half_month_start)
    """


def _summed_by(alias: str) -> str:
    """The columns a scenario's figures are summed by (BREAKDOWNS within settlement partner
    and period), from the table `alias`: every source of the evaluation selects them alike."""
    return (
        f"{alias}.settlement_partner_id as partner_id, {alias}.billing_period, "
        f"{alias}.product_type, {alias}.customer_manager_id"
    )


def _rows_to_rate_sql(scope: str, days: tuple[date, date] | None) -> str:
    """The published base rows in `scope` to rate again: all of them (`days` None), or those
    whose rating key changed and is not rated by half-month, read only between those
    keys' first and last day (the table is written in date order, so the bounds skip the
    other days' row groups), each with its key's rate under the scenario (`rate`)."""
    rows = f"""
        select
            {_summed_by("r")},
            r.settlement_partner_type,
            r.association_type,
            r.transaction_date,
            r.eligible_amount,
            r.incentive_amount as actual_incentive
        from intermediate.int_transactions_rated as r
        where r.transaction_date <= {AS_OF_SQL} and ({scope})"""
    if days is None:
        return rows
    first, last = days
    return f"""
        select r.*, {CHANGED_RELATION}.rate from ({rows}
            and r.transaction_date between date '{first.isoformat()}'
                and date '{last.isoformat()}'
        ) as r
        inner join {CHANGED_RELATION} using ({", ".join(RATING_KEY)})"""


def _half_months_sql(scope: str, percents: tuple[int, ...]) -> str:
    """The difference between the scenario's and the stored incentive of the rows of the
    half-months rated from int_incentive_half_months (HALF_MONTH_RELATION, at the whole
    `percents`), per partner, period, product type and customer manager: each group's rows
    rated at once by the macro rated_whole_percent, exactly the sum of their own amounts.
    The table is written by combination then half-month, so the join's few keys skip the
    other combinations' row groups; only the columns of `percents` are read."""
    cents = " ".join(f"when {k} then h.{cents_rated_column(k)}" for k in percents)
    rated = rated_whole_percent_sql("h.whole_yuan", f"(case w.percent {cents} end)", "w.rate")
    return f"""
        select
            {_summed_by("h")},
            {rated} - h.incentive_amount as difference
        from {HALF_MONTHS} as h
        inner join {HALF_MONTH_RELATION} as w
            using ({", ".join(RATING_COMBINATION)}, half_month_start)
        where ({scope})"""


def _actual_sql(scope: str, open_half: date | None, as_of: date) -> str:
    """The stored base incentive in `scope` up to the as-of date: per half-month in
    int_incentive_half_months before `open_half`, per day in int_incentive_daily from it
    (`open_half` None: a copy published without int_incentive_half_months, every day)."""
    days = f"""
        select
            {_summed_by("d")},
            d.incentive_amount as actual_incentive
        from intermediate.int_incentive_daily as d
        where d.transaction_date between date '{(open_half or date.min).isoformat()}'
            and date '{as_of.isoformat()}' and ({scope})"""
    if open_half is None:
        return days
    return f"""
        select
            {_summed_by("h")},
            h.incentive_amount as actual_incentive
        from {HALF_MONTHS} as h
        where h.half_month_start < date '{open_half.isoformat()}' and ({scope})
        union all
        {days}"""


def _scenario_sql(
    scope: str,
    days: tuple[date, date] | None,
    percents: tuple[int, ...],
    open_half: date | None,
    as_of: date,
) -> str:
    """Actual and scenario incentive per partner, period, product type and customer manager
    in `scope`. The actual incentive is the stored one, summed per half-month in
    int_incentive_half_months for the half-months ended by the as-of date and per day in
    int_incentive_daily for the days of the open one (both equal to the rows' sums: tests
    `half_months_equal_transactions`, `aggregates_equal_transactions`), so the cost is
    that of the rows rated again, not of the partner's history. `open_half` and `as_of`
    come as literals: DuckDB skips the row groups of other days for a literal bound, not
    for a subquery's (12 -> 3 ms at 10M). The rows rated again add the difference between
    their amount under the scenario and their stored amount. Every row (`days` None) is
    rated by the macro `policy_rated`. Otherwise the changed rows of the whole half-months
    changed to one whole-percent rate are rated per half-month group (`_half_months_sql`,
    at `percents`), and the other changed rows (`_rows_to_rate_sql`) each take their key's
    rate (`_changed_keys_sql`) and the macro's rounding: joining millions of rows to the
    policies cost 180 ms of a 200 ms evaluation at 10M, and rating the 650,776 changed
    rows one by one 50 ms more."""
    rerated = (
        policy_rated_sql("rows_to_rate", SCENARIO_RELATION)
        if days is None
        else f"""select *, {round_money_sql("eligible_amount * rate")} as incentive_amount
        from rows_to_rate"""
    )
    half_months = (
        ""
        if days is None or not percents
        else f"""
    union all
    select partner_id, billing_period, product_type, customer_manager_id, 0, sum(difference)
    from ({_half_months_sql(scope, percents)})
    group by all"""
    )
    return f"""
    with
    rows_to_rate as ({_rows_to_rate_sql(scope, days)}),
    rerated as ({rerated}),
    actual as ({_actual_sql(scope, open_half, as_of)}),
    accelerated as (
        select
            {_summed_by("a")},
            a.incentive_amount as actual_incentive
        from intermediate.int_projects_accelerated as a
        where a.transaction_date <= {AS_OF_SQL} and ({scope})
    )
    select partner_id, billing_period, product_type, customer_manager_id,
        sum(actual_incentive) as actual_incentive, sum(actual_incentive) as scenario_incentive
    from actual
    group by all
    union all
    select partner_id, billing_period, product_type, customer_manager_id,
        0, sum(incentive_amount - actual_incentive)
    from rerated
    group by all
    union all
    select partner_id, billing_period, product_type, customer_manager_id,
        sum(actual_incentive), sum(actual_incentive)
    from accelerated
    group by all{half_months}
    """


def _keys_to_rate(
    con: duckdb.DuckDBPyConnection, half_months: bool
) -> tuple[tuple[date, date], tuple[int, ...]]:
    """Registers the changed rating keys rated row by row (CHANGED_RELATION) and the
    half-months rated from int_incentive_half_months (HALF_MONTH_RELATION; none without
    `half_months`), and returns the first and last day of the former (none: an empty range,
    no row is read) and the whole percents of the latter."""
    changed = con.execute(_changed_keys_sql()).pl()
    if not half_months:
        changed = changed.with_columns(pl.lit(False).alias("by_half_month"))
    rows = changed.filter(~pl.col("by_half_month")).select(*RATING_KEY, "rate")
    halves = (
        changed.filter(pl.col("by_half_month"))
        .select(*RATING_COMBINATION, "half_month_start", "rate")
        .unique()
        .with_columns((pl.col("rate") * 100).cast(pl.Int64).alias("percent"))
    )
    con.register(CHANGED_RELATION, rows.to_arrow())
    con.register(HALF_MONTH_RELATION, halves.to_arrow())
    percents = tuple(sorted(halves["percent"].unique().to_list()))
    if rows.is_empty():
        return (date.max, date.min), percents
    return (rows["transaction_date"].min(), rows["transaction_date"].max()), percents


def _open_half_month(con: duckdb.DuckDBPyConnection) -> tuple[date | None, date]:
    """The first day of the half-month of the day after the as-of date (the half-months
    before it ended by the as-of date; None when the copy has no int_incentive_half_months)
    and the as-of date."""
    open_half, as_of, half_months = con.execute(
        f"""select {OPEN_HALF_MONTH_SQL}, {AS_OF_SQL}, exists (
            select 1 from duckdb_tables()
            where schema_name = 'intermediate' and table_name = '{HALF_MONTHS.split(".")[1]}'
        )"""
    ).fetchone()  # type: ignore[misc]
    return (open_half if half_months else None), as_of


def what_if(
    con: duckdb.DuckDBPyConnection,
    policies: pl.DataFrame,
    by: tuple[str, ...] = (),
    *,
    partner_id: str | None = None,
    every_row: bool = False,
) -> pl.DataFrame:
    """`partner_id, billing_period, *by, actual_incentive, scenario_incentive` per settlement
    partner and billing period (and each of `by`, from BREAKDOWNS), under the scenario library
    `policies` (validated, typed). `partner_id` limits it to one settlement partner;
    `every_row` rates every row again, not only those whose rate the scenario changes."""
    unknown = set(by) - set(BREAKDOWNS)
    if unknown:
        raise ValueError(f"no breakdown by {sorted(unknown)}")
    # a named parameter: the scope is used in each part of the query
    scope, params = (
        ("settlement_partner_id = $partner_id", {"partner_id": partner_id})
        if partner_id
        else ("true", {})
    )
    keys = ", ".join(("partner_id", "billing_period", *by))
    con.register(SCENARIO_RELATION, policies.select(POLICIES.columns).to_arrow())
    try:
        # A copy published before int_incentive_half_months existed (until the next run):
        # every changed row rated one by one, the actual column from the days.
        open_half, as_of = _open_half_month(con)
        days, percents = (
            (None, ()) if every_row else _keys_to_rate(con, half_months=open_half is not None)
        )
        return con.execute(
            f"""
            select {keys},
                sum(actual_incentive)::decimal(18, 2) as actual_incentive,
                sum(scenario_incentive)::decimal(18, 2) as scenario_incentive
            from ({_scenario_sql(scope, days, percents, open_half, as_of)})
            group by all
            order by {keys}
            """,
            params,
        ).pl()
    finally:
        con.unregister(SCENARIO_RELATION)
        if not every_row:
            con.unregister(CHANGED_RELATION)
            con.unregister(HALF_MONTH_RELATION)


def actual_policies(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """The policy library the published copy was rated with (the starting point of a
    scenario)."""
    return con.execute(
        f"select {', '.join(POLICIES.columns)} from staging.stg_raw__incentive_policies "
        "order by policy_id"
    ).pl()


def scenario_from_file_bytes(data: bytes, name: str) -> pl.DataFrame:
    """A scenario policy file given as its bytes (an upload) validated, read as a landed file."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        return scenario_from_file(path)
