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
def policy_rated_sql(rows: str, policies: str) -> str:
    """The dbt macro `policy_rated(rows, policies)` rendered to plain SQL."""
    source = "\n".join((MACROS / name).read_text() for name in MACRO_FILES)
    module = jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(source).module
    return str(module.policy_rated(rows, policies))


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
RATING_KEY = ("settlement_partner_type", "association_type", "product_type", "transaction_date")


def _changed_keys_sql() -> str:
    """The rating keys (partner type, association type, product type, day) whose rate under
    the scenario differs from the rate under the published library: every combination a
    policy of either library names, on every day from the earliest validity to the as-of
    date, rated by the macro with each library. Only rows with these keys can change."""
    keys = ", ".join(RATING_KEY)
    return f"""
    candidate_keys as (
        select combos.*, days.transaction_date, 0 as eligible_amount
        from (
            select distinct partner_type as settlement_partner_type, association_type,
                product_type
            from (
                select partner_type, association_type, product_type from {SCENARIO_RELATION}
                union all
                select partner_type, association_type, product_type from {ACTUAL_POLICIES}
            )
        ) as combos
        cross join (
            select cast(unnest(generate_series(first_day, (select as_of_date from as_of),
                interval 1 day)) as date) as transaction_date
            from (
                select least(
                    (select min(valid_from) from {SCENARIO_RELATION}),
                    (select min(valid_from) from {ACTUAL_POLICIES})
                ) as first_day
            )
        ) as days
    ),
    keys_actual as ({policy_rated_sql("candidate_keys", ACTUAL_POLICIES)}),
    keys_scenario as ({policy_rated_sql("candidate_keys", SCENARIO_RELATION)}),
    changed_keys as (
        select {keys} from keys_actual
        join keys_scenario using ({keys})
        where keys_actual.rate <> keys_scenario.rate
    ),"""


def _rated_rows_sql(scope: str, every_row: bool) -> str:
    """The published rows up to the as-of date within `scope` (a predicate on the settlement
    partner) with the scenario's incentive beside the actual. The rows whose rating key the
    scenario rates differently are rated again by the macro; the others keep their stored
    amount, which the macro gave them at build time (`every_row`: rate every row again,
    which the tests use to show the stored amounts are the macro's)."""
    keys = ", ".join(RATING_KEY)
    changed = "" if every_row else _changed_keys_sql()
    rows_changed = (
        "base_rows"
        if every_row
        else f"(select * from base_rows semi join changed_keys using ({keys}))"
    )
    return f"""
    with
    as_of as (select max(as_of_date) as as_of_date from marts.publication),
    {changed}
    base_rows as (
        select
            r.settlement_partner_id as partner_id,
            r.billing_period,
            r.product_type,
            r.customer_manager_id,
            r.settlement_partner_type,
            r.association_type,
            r.transaction_date,
            r.eligible_amount,
            r.incentive_amount as actual_incentive
        from intermediate.int_transactions_rated as r
        where r.transaction_date <= (select as_of_date from as_of) and ({scope})
    ),
    rows_changed as (select * from {rows_changed}),
    rerated as ({policy_rated_sql("rows_changed", SCENARIO_RELATION)}),
    accelerated as (
        select
            a.settlement_partner_id as partner_id,
            a.billing_period,
            a.product_type,
            a.customer_manager_id,
            a.incentive_amount as actual_incentive
        from intermediate.int_projects_accelerated as a
        where a.transaction_date <= (select as_of_date from as_of) and ({scope})
    )
    select partner_id, billing_period, product_type, customer_manager_id,
        sum(actual_incentive) as actual_incentive, sum(actual_incentive) as scenario_incentive
    from base_rows
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
    group by all
    """


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
    scope, params = ("partner_id = ?", [partner_id]) if partner_id else ("true", [])
    # The scope is used twice (base rows, acceleration rows).
    sql = _rated_rows_sql(scope.replace("partner_id", "settlement_partner_id"), every_row)
    keys = ", ".join(("partner_id", "billing_period", *by))
    con.register(SCENARIO_RELATION, policies.select(POLICIES.columns).to_arrow())
    try:
        return con.execute(
            f"""
            select {keys},
                sum(actual_incentive)::decimal(18, 2) as actual_incentive,
                sum(scenario_incentive)::decimal(18, 2) as scenario_incentive
            from ({sql})
            group by all
            order by {keys}
            """,
            params * 2,
        ).pl()
    finally:
        con.unregister(SCENARIO_RELATION)


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
