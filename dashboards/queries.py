"""Every SQL query of the dashboards: functions returning polars frames, without Streamlit.

Who sees what (DOMAIN rule 7) is enforced here, in SQL, never by hiding widgets:

- Customer-level rows (incentive details, warnings, sub-customers, resources) are joined
  to `marts.customer_access` for the logged-in viewer (`viewer_kind`, `viewer_id`) and
  filtered to the viewer's partner. A customer the viewer has no access row for is
  never returned. Where the access is `basic` (a distributor looking at its resellers'
  customers) the amount, credit, discount and balance columns are NULL in the SQL
  result itself.
- Incentive details and the incentive board are the rows the partner settles or whose
  customer it owned at the transaction's time (rule 7): a reseller never settles, its
  customers' rows settle to its distributor (`partner_id`), so it finds them by
  `owner_partner_id`; staff are cut to their own (customer manager) or their team's
  (supervisor) rows.
- Other partner-level aggregates (statements, indicators, customer board) are the
  partner's own figures: filtered by `partner_id`; statements and indicators are for
  partner admins only (the WHERE clause is false for staff); the customer board of staff
  is cut to their own or their team's rows.
- Staff are matched by id, never by name: two managers of one partner may share a name.
- "Today" is the publication's as-of date (`publication`), never the reader's clock: the
  same published file gives the same pages whenever they are opened.

Every value from a user goes in as a `?` parameter; LIKE patterns escape `\\`, `%`, `_`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import duckdb
import polars as pl

from contract.roles import ROLES

STATEMENT_STATUSES = ("estimated", "pending_confirmation", "issuing", "issued")  # S1, in order

# The distributor's own incentive on a basic-access (reseller's) customer row is shown:
# DOMAIN rule 1 settles a reseller's customers' incentive to the distributor, so those rows
# are lines of the distributor's own statement and must add up to it. Rule 7 hides the
# customer's credit, discount and balance, which stay hidden (see docs/RULES.md).
BASIC_ACCESS_SHOWS_INCENTIVE = True


@dataclass(frozen=True)
class Viewer:
    """The logged-in user, as far as data access is concerned."""

    username: str
    role: str
    partner_id: str
    staff_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}")
        if self.role != "partner_admin" and not self.staff_id:
            raise ValueError(f"a {self.role} needs a staff_id")

    @property
    def is_admin(self) -> bool:
        return self.role == "partner_admin"

    @property
    def viewer_kind(self) -> str:
        return "partner" if self.is_admin else "staff"

    @property
    def viewer_id(self) -> str:
        return self.partner_id if self.is_admin else str(self.staff_id)


def _access_cte(viewer: Viewer) -> tuple[str, list[object]]:
    sql = """access AS (
        SELECT customer_id, bool_or(access_level = 'full') AS is_full
        FROM marts.customer_access
        WHERE viewer_kind = ? AND viewer_id = ?
        GROUP BY customer_id
    )"""
    return sql, [viewer.viewer_kind, viewer.viewer_id]


def _team_cte(viewer: Viewer) -> tuple[str, list[object]]:
    """The staff ids whose figures a staff viewer sees: themselves, and a supervisor's team."""
    sql = """team AS (
        SELECT staff_id FROM marts.staff_directory
        WHERE partner_id = ? AND (staff_id = ? OR (? = 'supervisor' AND supervisor_id = ?))
    )"""
    return sql, [viewer.partner_id, viewer.staff_id, viewer.role, viewer.staff_id]


def like_pattern(text: str) -> str:
    """A LIKE pattern (ESCAPE '\\') matching `text` anywhere, literally."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _in(column: str, values: tuple[object, ...], params: list[object]) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' for _ in values)})"


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> pl.DataFrame:
    return con.execute(sql, params).pl()


def _settled_or_owned(alias: str, viewer: Viewer, params: list[object]) -> str:
    """Rows the viewer's partner settles, or whose customer it owned at the transaction's
    time: a distributor's own and its resellers' customers, a reseller's own customers."""
    params += [viewer.partner_id, viewer.partner_id]
    return f"({alias}.partner_id = ? OR {alias}.owner_partner_id = ?)"


# ---------------------------------------------------------------- publication


@dataclass(frozen=True)
class Publication:
    """What the published file was computed for: its as-of date is the pages' "today"."""

    as_of_date: date
    run_id: str


def publication(con: duckdb.DuckDBPyConnection) -> Publication:
    """The as-of date and run id of the published file (`marts.publication`, one row)."""
    row = con.execute("SELECT as_of_date, run_id FROM marts.publication", []).fetchone()
    if row is None:
        raise LookupError("marts.publication is empty: the file was not published by a run")
    return Publication(row[0], row[1] or "")


@dataclass(frozen=True)
class SettlementPartner:
    partner_id: str
    partner_name: str


def settlement_partner(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> SettlementPartner | None:
    """The distributor a reseller's incentive rows settle to (rule 1); None for a partner
    that settles for itself."""
    row = con.execute(
        """SELECT p.parent_partner_id, coalesce(parent.partner_name, p.parent_partner_id)
        FROM marts.partner_directory p
        LEFT JOIN marts.partner_directory parent ON parent.partner_id = p.parent_partner_id
        WHERE p.partner_id = ? AND p.partner_type = 'reseller' AND p.parent_partner_id IS NOT NULL""",
        [viewer.partner_id],
    ).fetchone()
    return SettlementPartner(row[0], row[1]) if row else None


# ---------------------------------------------------------------- incentive details


@dataclass(frozen=True)
class SearchField:
    """A detail column a search filters. A name is matched in a small directory first (`?`
    is the LIKE pattern) and the details are filtered by an IN list of the matching ids:
    matching text on every detail row took about 1 s per search at 10M rows."""

    column: str
    directory: str | None = None


_LIKE = "ILIKE ? ESCAPE '\\'"
SEARCH_PREDICATES: dict[str, SearchField] = {
    "order_no": SearchField("d.order_no"),
    "customer": SearchField(
        "d.customer_id",
        "SELECT customer_id FROM marts.customer_directory "
        f"WHERE customer_name {_LIKE} OR account_name {_LIKE}",
    ),
    "reseller": SearchField(
        "d.reseller_id",
        f"SELECT partner_id FROM marts.partner_directory WHERE partner_name {_LIKE}",
    ),
    "manager": SearchField(
        "d.customer_manager_id",
        f"SELECT staff_id FROM marts.staff_directory WHERE staff_name {_LIKE}",
    ),
    "statement": SearchField("d.statement_id"),
}
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "any": tuple(SEARCH_PREDICATES),
    **{name: (name,) for name in SEARCH_PREDICATES},
}
# Beyond this many matching ids the directory stays a subquery (an IN list that long would
# not narrow the scan anyway).
MAX_LISTED_IDS = 1000


def _search_predicate(
    con: duckdb.DuckDBPyConnection, field: SearchField, pattern: str, params: list[object]
) -> str:
    if field.directory is None:
        params.append(pattern)
        return f"{field.column} {_LIKE}"
    directory_params = [pattern] * field.directory.count("?")
    ids = [row[0] for row in con.execute(field.directory, directory_params).fetchall()]
    if len(ids) > MAX_LISTED_IDS:
        params.extend(directory_params)
        return f"{field.column} IN ({field.directory})"
    if not ids:
        return "FALSE"
    return _in(field.column, tuple(ids), params)


@dataclass(frozen=True)
class DetailFilter:
    search: str = ""
    search_in: str = "any"
    years: tuple[int, ...] = ()
    periods: tuple[str, ...] = ()
    product_types: tuple[str, ...] = ()
    association_types: tuple[str, ...] = ()
    billing_modes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    statement_id: str | None = None
    transaction_id: str | None = None


@dataclass(frozen=True)
class DayCount:
    """Rows of the selection on one (billing period, transaction date), in page order."""

    billing_period: str
    transaction_date: date
    rows: int


@dataclass(frozen=True)
class DetailTotals:
    rows: int
    incentive_amount: Decimal
    hidden_rows: int = 0
    # Rows per day, newest first: a page is sought to the days that hold it (`_page_days`).
    days: tuple[DayCount, ...] = ()


_MASK = "d.is_full" if not BASIC_ACCESS_SHOWS_INCENTIVE else "TRUE"

# Names and the statement are joined to the rows of one page (`page`), never to the whole
# selection: counted, summed and sorted on ids only (`marts.incentive_facts`).
DETAIL_COLUMNS = f"""
    d.transaction_id, d.transaction_type, d.order_no, st.statement_id, d.billing_period,
    d.transaction_date, d.customer_id, c.customer_name, c.account_name,
    r.partner_name AS reseller_name, m.staff_name AS customer_manager_name,
    sv.staff_name AS supervisor_name, d.product_type, d.association_type,
    d.billing_mode, d.incentive_type,
    CASE WHEN d.is_full THEN d.eligible_amount END AS eligible_amount,
    CASE WHEN d.is_full THEN d.rate END AS rate,
    CASE WHEN {_MASK} THEN d.incentive_amount END AS incentive_amount,
    st.status AS statement_status, d.is_full AS full_access"""

_DETAIL_NAMES = """
    LEFT JOIN marts.customer_directory c ON c.customer_id = d.customer_id
    LEFT JOIN marts.partner_directory r ON r.partner_id = d.reseller_id
    LEFT JOIN marts.staff_directory m ON m.staff_id = d.customer_manager_id
    LEFT JOIN marts.staff_directory sv ON sv.staff_id = d.supervisor_id
    LEFT JOIN marts.incentive_statements st
        ON st.partner_id = d.partner_id AND st.billing_period = d.billing_period"""


FACTS = "marts.incentive_facts"
DAILY = "marts.incentive_daily"


def _detail_scope(viewer: Viewer, table: str = FACTS) -> tuple[list[str], str, list[object]]:
    """(CTEs, FROM clause, parameters) of the detail rows the viewer may see.

    A detail row belongs to whom it was attributed at the transaction's time (rule 1), not
    to whom the customer belongs today: a partner admin sees every row it settles, in full
    where it owned the customer and as basic where a reseller did, and every row of the
    customers it owned (a reseller's, settled to its distributor), in full; a staff viewer
    sees the rows whose customer manager is themselves or, for a supervisor, on their team.
    The partner cut itself is in `_details_from`.
    """
    # is_full is a plain projection: as a LATERAL subquery it made DuckDB decorrelate it with
    # a join over every detail row (1.2 s of a 1.9 s search at 10M rows).
    if viewer.is_admin:
        return (
            [],
            f"""FROM (SELECT *, owner_partner_id = ?::VARCHAR AS is_full FROM {table}) d""",
            [viewer.partner_id],
        )
    cte, params = _team_cte(viewer)
    return (
        [cte],
        f"""FROM (SELECT *, TRUE AS is_full FROM {table}) d
        JOIN team t ON t.staff_id = d.customer_manager_id""",
        params,
    )


def _statement_cells(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, condition: str, values: list[object]
) -> tuple[str, list[object]]:
    """A predicate on (partner_id, billing_period) for the statements matching `condition`:
    the statement a detail row belongs to is its settlement partner and period, so a
    statement filter becomes a range the fact's zone maps can skip on. Only the statements
    of the viewer's partner and its distributor can hold rows the viewer sees."""
    rows = con.execute(
        f"""SELECT s.partner_id, s.billing_period FROM marts.incentive_statements s
        WHERE (s.partner_id = ? OR s.partner_id = (
            SELECT parent_partner_id FROM marts.partner_directory WHERE partner_id = ?))
          AND {condition}""",
        [viewer.partner_id, viewer.partner_id, *values],
    ).fetchall()
    if not rows:
        return "FALSE", []
    params: list[object] = []
    cells = []
    for partner_id, period in rows:
        cells.append("(d.partner_id = ? AND d.billing_period = ?)")
        params += [partner_id, period]
    return "(" + " OR ".join(cells) + ")", params


def _search_clause(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, search_in: str, text: str, params: list[object]
) -> str:
    fields = SEARCH_FIELDS.get(search_in, SEARCH_FIELDS["any"])
    pattern = like_pattern(text)
    predicates = []
    for name in fields:
        if name == "statement":
            sql, values = _statement_cells(con, viewer, f"s.statement_id {_LIKE}", [pattern])
            params.extend(values)
            predicates.append(sql)
        else:
            predicates.append(_search_predicate(con, SEARCH_PREDICATES[name], pattern, params))
    return "(" + " OR ".join(predicates) + ")"


def _details_from(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter, table: str = FACTS
) -> tuple[list[str], str, list[object]]:
    """(CTEs, FROM ... WHERE clause, parameters) of the filtered, visible rows of `table`
    (the rows, or their daily groups: `_totals_table`)."""
    ctes, from_, params = _detail_scope(viewer, table)
    where = [_settled_or_owned("d", viewer, params)]
    if flt.search.strip():
        where.append(_search_clause(con, viewer, flt.search_in, flt.search.strip(), params))
    for column, values in (
        ("d.year", flt.years),
        ("d.billing_period", flt.periods),
        ("d.product_type", flt.product_types),
        ("d.association_type", flt.association_types),
        ("d.billing_mode", flt.billing_modes),
    ):
        if values:
            where.append(_in(column, values, params))
    statement_conditions: list[tuple[str, list[object]]] = []
    if flt.statuses:
        statement_conditions.append((_in("s.status", flt.statuses, []), list(flt.statuses)))
    if flt.statement_id is not None:
        statement_conditions.append(("s.statement_id = ?", [flt.statement_id]))
    for condition, values in statement_conditions:
        sql, cell_params = _statement_cells(con, viewer, condition, values)
        where.append(sql)
        params.extend(cell_params)
    if flt.transaction_id is not None:
        where.append("d.transaction_id = ?")
        params.append(flt.transaction_id)
    return ctes, f"{from_} WHERE {' AND '.join(where)}", params


def _with(ctes: list[str]) -> str:
    return f"WITH {', '.join(ctes)}" if ctes else ""


_DETAIL_ORDER = "ORDER BY d.billing_period DESC, d.transaction_date DESC, d.transaction_id"


def _page_days(totals: DetailTotals, limit: int, offset: int) -> tuple[list[DayCount], int]:
    """The days that hold rows offset..offset+limit of the selection, and the offset of the
    page's first row inside them. Pages are in day order (period, date, newest first), so a
    page reads a few days, which the fact's zone maps find, instead of sorting every row
    before it (OFFSET over the whole selection grew with the page number)."""
    days: list[DayCount] = []
    before = 0
    inside = 0
    for day in totals.days:
        if before + day.rows > offset and before < offset + limit:
            if not days:
                inside = offset - before
            days.append(day)
        before += day.rows
    return days, inside


def _days_predicate(days: list[DayCount], params: list[object]) -> str:
    if not days:
        return "FALSE"
    dates = [day.transaction_date for day in days]
    periods = [day.billing_period for day in days]
    params += [min(dates), max(dates), min(periods), max(periods)]
    cells = []
    for day in days:
        cells.append("(d.billing_period = ? AND d.transaction_date = ?)")
        params += [day.billing_period, day.transaction_date]
    return (
        "d.transaction_date BETWEEN ? AND ? AND d.billing_period BETWEEN ? AND ? "
        f"AND ({' OR '.join(cells)})"
    )


def _rows_sql(
    ctes: list[str], base: str, params: list[object], days: list[DayCount], cut: str = ""
) -> str:
    """The rows of `base` on `days` in page order (`cut`: a LIMIT/OFFSET), with names joined
    to those rows only; `params` gets the days' values."""
    rows = f"page AS (SELECT d.* {base} AND {_days_predicate(days, params)} {_DETAIL_ORDER} {cut})"
    return f"""{_with([*ctes, rows])}
        SELECT {DETAIL_COLUMNS} FROM page d {_DETAIL_NAMES} {_DETAIL_ORDER}"""


def _day_chunks(days: tuple[DayCount, ...], rows: int) -> Iterator[list[DayCount]]:
    """Consecutive days holding about `rows` rows each (a day with more rows is a chunk of
    its own: a chunk never splits a day); no days: one empty chunk (its frame has the
    columns, an export its header)."""
    if not days:
        yield []
        return
    chunk: list[DayCount] = []
    held = 0
    for day in days:
        if chunk and held + day.rows > rows:
            yield chunk
            chunk, held = [], 0
        chunk.append(day)
        held += day.rows
    if chunk:
        yield chunk


def incentive_details_page(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    flt: DetailFilter,
    limit: int,
    offset: int,
    totals: DetailTotals | None = None,
) -> pl.DataFrame:
    """One page of the filtered incentive detail rows. `totals` of the same filter (the page
    shows them anyway) say which days hold the page; without them they are counted first."""
    totals = totals if totals is not None else incentive_details_totals(con, viewer, flt)
    days, inside = _page_days(totals, limit, offset)
    ctes, base, params = _details_from(con, viewer, flt)
    sql = _rows_sql(ctes, base, params, days, "LIMIT ? OFFSET ?")
    return _frame(con, sql, [*params, int(limit), int(inside)])


def incentive_details_chunks(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    flt: DetailFilter,
    rows: int,
    totals: DetailTotals | None = None,
) -> Iterator[pl.DataFrame]:
    """Every filtered row in page order, as frames of about `rows` rows (whole days): an
    export of any size holds one chunk at a time, here and in DuckDB, which sorts a chunk,
    never the whole selection."""
    totals = totals if totals is not None else incentive_details_totals(con, viewer, flt)
    ctes, base, params = _details_from(con, viewer, flt)
    for days in _day_chunks(totals.days, rows):
        chunk_params = list(params)
        sql = _rows_sql(ctes, base, chunk_params, days)
        yield _frame(con, sql, chunk_params).drop("full_access")


# Searches the daily groups can answer: they keep the reseller, the manager and the
# settlement partner and period (the statement), but not the customer or the order.
_DAILY_SEARCHES = ("reseller", "manager", "statement")


def _totals_table(flt: DetailFilter) -> str:
    """The daily groups when they hold every column the filter reads, else the rows."""
    searched = bool(flt.search.strip()) and flt.search_in not in _DAILY_SEARCHES
    return FACTS if searched or flt.transaction_id is not None else DAILY


def incentive_details_totals(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter
) -> DetailTotals:
    """Row count and incentive total of the filtered rows (hidden amounts not summed), and
    the rows per day that pages are found by, in one pass over the daily groups (or the
    rows, when a customer or an order is searched)."""
    table = _totals_table(flt)
    ctes, base, params = _details_from(con, viewer, flt, table)
    rows = "d.detail_rows" if table == DAILY else "1"
    sql = f"""{_with(ctes)} SELECT d.billing_period, d.transaction_date, sum({rows}),
        coalesce(sum(CASE WHEN {_MASK} THEN d.incentive_amount END), 0)::DECIMAL(18,2),
        coalesce(sum({rows}) FILTER (WHERE NOT {_MASK}), 0) {base}
        GROUP BY 1, 2 HAVING sum({rows}) > 0 ORDER BY 1 DESC, 2 DESC"""
    groups = con.execute(sql, params).fetchall()
    return DetailTotals(
        rows=sum(int(g[2]) for g in groups),
        incentive_amount=sum((Decimal(g[3]) for g in groups), Decimal("0.00")),
        hidden_rows=sum(int(g[4]) for g in groups),
        days=tuple(DayCount(g[0], g[1], int(g[2])) for g in groups),
    )


def incentive_details_export(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter, max_rows: int
) -> pl.DataFrame:
    """The first `max_rows` rows an export of the selection holds, as one frame."""
    frames: list[pl.DataFrame] = []
    held = 0
    for chunk in incentive_details_chunks(con, viewer, flt, max_rows):
        frames.append(chunk)
        held += chunk.height
        if held >= max_rows:
            break
    return pl.concat(frames).head(max_rows)


# The landing source of each transaction type, and how a detail row finds its record there.
_SOURCE_OF = {
    "order": ("orders", "order_no = ?", ("order_no",)),
    "refund": ("orders", "order_no = ?", ("order_no",)),
    "consumption": (
        "consumption",
        "resource_id = ? AND usage_date = ?",
        ("resource_id", "transaction_date"),
    ),
    "project": ("projects", "project_id = ?", ("project_id",)),
}
LINEAGE = ("_file", "_row_number", "_partition_date", "_load_id")
# Raw amounts are the customer's spend: hidden where access is basic (rule 7), as the
# eligible amount and rate of the detail row are.
SPEND_TYPES = ("DECIMAL",)


@dataclass(frozen=True)
class SourceRecord:
    """Where one detail row's amount comes from: the landed record and the rule applied."""

    detail: dict[str, object]
    source: str
    file: str | None
    row_number: int | None
    partition_date: date | None
    values: dict[str, object]
    # Raw columns not shown to this viewer (spend of a basic-access customer, rule 7).
    hidden: tuple[str, ...]
    rule: dict[str, object]


def _raw_record(
    con: duckdb.DuckDBPyConnection, source: str, where: str, params: list[object], full: bool
) -> tuple[dict[str, object], tuple[str, ...]]:
    """The current landed row (`raw.<source>`) and the columns hidden from this viewer."""
    cursor = con.execute(f"SELECT * FROM raw.{source} WHERE {where} LIMIT 1", params)
    names = [column[0] for column in cursor.description]
    types = [str(column[1]) for column in cursor.description]
    row = cursor.fetchone()
    if row is None:
        return {}, ()
    hidden = tuple(
        name
        for name, kind in zip(names, types, strict=True)
        if not full and kind.startswith(SPEND_TYPES)
    )
    values = {
        name: (None if name in hidden else value) for name, value in zip(names, row, strict=True)
    }
    return values, hidden


def _rule_of(
    con: duckdb.DuckDBPyConnection, fact: dict[str, object], full: bool
) -> dict[str, object]:
    """Owner, settlement partner and the policy (rate) or the project cap of one row."""
    rule = {
        "owner_partner_id": fact["owner_partner_id"],
        "owner_partner_name": fact["owner_partner_name"],
        "settlement_partner_id": fact["partner_id"],
        "settlement_partner_name": fact["settlement_partner_name"],
        "association_type": fact["association_type"],
        "incentive_type": fact["incentive_type"],
    }
    if fact["incentive_type"] == "acceleration":
        row = con.execute(
            """SELECT c.is_new_customer, p.value FROM raw.customers c
            JOIN seeds.business_parameters p ON p.parameter = CASE WHEN c.is_new_customer
                THEN 'new_customer_acceleration_cap' ELSE 'existing_customer_acceleration_cap' END
            WHERE c.customer_id = ?""",
            [fact["customer_id"]],
        ).fetchone()
        rule |= {
            "project_id": fact["project_id"],
            "is_new_customer": row[0] if row else None,
            "cap": Decimal(str(row[1])) if row else None,
        }
        return rule
    policy = con.execute(
        """SELECT policy_name, valid_from, valid_to FROM raw.incentive_policies
        WHERE policy_id = ?""",
        [fact["policy_id"]],
    ).fetchone()
    rule |= {
        "policy_id": fact["policy_id"],
        "policy_name": policy[0] if policy else None,
        # The rate the row was rated with (the policy file may have changed since).
        "rate": fact["rate"] if full else None,
        "policy_valid_from": policy[1] if policy else None,
        "policy_valid_to": policy[2] if policy else None,
    }
    return rule


def source_record(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, transaction_id: str
) -> SourceRecord | None:
    """The landed record behind one detail row the viewer may see (None otherwise): file,
    row number and raw values (spend hidden where access is basic), and the rule that
    produced the amount."""
    page = incentive_details_page(con, viewer, DetailFilter(transaction_id=transaction_id), 1, 0)
    if page.is_empty():
        return None
    detail = page.row(0, named=True)
    fact = con.execute(
        """SELECT f.*, o.partner_name AS owner_partner_name,
            s.partner_name AS settlement_partner_name
        FROM marts.incentive_facts f
        LEFT JOIN marts.partner_directory o ON o.partner_id = f.owner_partner_id
        LEFT JOIN marts.partner_directory s ON s.partner_id = f.partner_id
        WHERE f.transaction_id = ? AND f.billing_period = ?""",
        [transaction_id, detail["billing_period"]],
    )
    names = [column[0] for column in fact.description]
    fact_row = dict(zip(names, fact.fetchone() or (), strict=False))
    full = bool(detail["full_access"])
    source, where, keys = _SOURCE_OF[str(detail["transaction_type"])]
    raw, hidden = _raw_record(con, source, where, [fact_row[key] for key in keys], full)
    lineage = {name: raw.pop(name, None) for name in LINEAGE}
    return SourceRecord(
        detail=detail,
        source=source,
        file=lineage["_file"],  # type: ignore[arg-type]
        row_number=lineage["_row_number"],  # type: ignore[arg-type]
        partition_date=lineage["_partition_date"],  # type: ignore[arg-type]
        values=raw,
        hidden=hidden,
        rule=_rule_of(con, fact_row, full),
    )


@dataclass(frozen=True)
class DetailOptions:
    years: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    product_types: list[str] = field(default_factory=list)
    association_types: list[str] = field(default_factory=list)
    billing_modes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


def incentive_detail_options(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> DetailOptions:
    """The values the filters offer, from the rows the viewer may see (their daily groups)."""
    ctes, base, params = _details_from(con, viewer, DetailFilter(), DAILY)
    visible = f"""visible AS (SELECT d.year, d.billing_period, d.partner_id, d.product_type,
        d.association_type, d.billing_mode {base})"""
    sql = f"""{_with([*ctes, visible])} SELECT
        list(DISTINCT d.year ORDER BY d.year DESC),
        list(DISTINCT d.billing_period ORDER BY d.billing_period DESC),
        list(DISTINCT d.product_type ORDER BY d.product_type),
        list(DISTINCT d.association_type ORDER BY d.association_type),
        list(DISTINCT d.billing_mode ORDER BY d.billing_mode),
        list(DISTINCT st.status ORDER BY st.status)
        FROM visible d LEFT JOIN marts.incentive_statements st
            ON st.partner_id = d.partner_id AND st.billing_period = d.billing_period"""
    row = con.execute(sql, params).fetchone() or ([],) * 6
    return DetailOptions(*[[v for v in (values or []) if v is not None] for values in row])


# ---------------------------------------------------------------- incentive board


def _board_from(
    viewer: Viewer, year: int | None, supervisor_id: str | None, customer_manager_id: str | None
) -> tuple[str, list[object]]:
    params: list[object] = []
    where = [_settled_or_owned("b", viewer, params)]
    if viewer.role == "supervisor":
        where.append("b.supervisor_id = ?")
        params.append(viewer.staff_id)
    elif viewer.role == "customer_manager":
        where.append("b.customer_manager_id = ?")
        params.append(viewer.staff_id)
    if year is not None:
        where.append("b.year = ?")
        params.append(int(year))
    if supervisor_id:
        where.append("b.supervisor_id = ?")
        params.append(supervisor_id)
    if customer_manager_id:
        where.append("b.customer_manager_id = ?")
        params.append(customer_manager_id)
    return f"FROM marts.incentive_board b WHERE {' AND '.join(where)}", params


def board_years(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[int]:
    base, params = _board_from(viewer, None, None, None)
    rows = con.execute(f"SELECT DISTINCT b.year {base} ORDER BY 1 DESC", params).fetchall()
    return [int(r[0]) for r in rows if r[0] is not None]


def board_people(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Supervisors and customer managers on the viewer's board (for the filters)."""
    base, params = _board_from(viewer, None, None, None)
    sql = f"""SELECT DISTINCT b.supervisor_id, b.supervisor_name,
        b.customer_manager_id, b.customer_manager_name {base}
        ORDER BY b.supervisor_name NULLS LAST, b.customer_manager_name NULLS LAST"""
    return _frame(con, sql, params)


def incentive_board_trend(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    year: int,
    supervisor_id: str | None = None,
    customer_manager_id: str | None = None,
) -> pl.DataFrame:
    """Incentive amount per billing period of the year (months without rows are absent)."""
    base, params = _board_from(viewer, year, supervisor_id, customer_manager_id)
    sql = f"""SELECT b.billing_period, sum(b.incentive_amount)::DECIMAL(18,2) AS incentive_amount
        {base} GROUP BY 1 ORDER BY 1"""
    return _frame(con, sql, params)


def incentive_board_by_status(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    year: int,
    supervisor_id: str | None = None,
    customer_manager_id: str | None = None,
) -> pl.DataFrame:
    base, params = _board_from(viewer, year, supervisor_id, customer_manager_id)
    sql = f"""SELECT b.status, sum(b.incentive_amount)::DECIMAL(18,2) AS incentive_amount
        {base} GROUP BY 1 ORDER BY 2 DESC"""
    return _frame(con, sql, params)


def incentive_board_summary(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    year: int,
    supervisor_id: str | None = None,
    customer_manager_id: str | None = None,
) -> pl.DataFrame:
    """Per supervisor and customer manager (by id: namesakes stay apart): the year's
    incentive by status and in total. A status without rows is 0, not missing: nothing
    is pending confirmation (docs/RULES.md, "Dashboards")."""
    base, params = _board_from(viewer, year, supervisor_id, customer_manager_id)
    by_status = ",\n        ".join(
        f"coalesce(sum(b.incentive_amount) FILTER (WHERE b.status = '{status}'), 0)"
        f"::DECIMAL(18,2) AS {status}"
        for status in STATEMENT_STATUSES
    )
    sql = f"""SELECT b.supervisor_id, b.supervisor_name, b.customer_manager_id,
        b.customer_manager_name,
        {by_status},
        sum(b.incentive_amount)::DECIMAL(18,2) AS incentive_amount
        {base} GROUP BY ALL ORDER BY incentive_amount DESC, 2, 4, 1, 3"""
    return _frame(con, sql, params)


# ---------------------------------------------------------------- statements


def incentive_statements(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """The partner's statements, newest first (partner admins only)."""
    sql = """SELECT s.statement_id, s.partner_name, s.billing_period, s.incentive_amount,
        s.status, s.generated_at, s.confirmed_at, s.invoice_received_at, s.payment_due_date,
        s.paid_at, s.is_overdue, s.detail_rows
        FROM marts.incentive_statements s
        WHERE s.partner_id = ? AND ? = 'partner_admin'
        ORDER BY s.billing_period DESC"""
    return _frame(con, sql, [viewer.partner_id, viewer.role])


# ---------------------------------------------------------------- indicators


def indicator_periods(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[str]:
    rows = con.execute(
        """SELECT DISTINCT reconciliation_period FROM marts.indicators
        WHERE partner_id = ? AND ? = 'partner_admin' ORDER BY 1 DESC""",
        [viewer.partner_id, viewer.role],
    ).fetchall()
    return [r[0] for r in rows]


def indicators(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, periods: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Indicator values of the partner (partner admins only), by period and catalog order,
    with the names of their method and period in both languages and their unit (`cny` or
    `count`)."""
    params: list[object] = [viewer.partner_id, viewer.role]
    extra = f"AND {_in('i.reconciliation_period', periods, params)}" if periods else ""
    sql = f"""SELECT i.reconciliation_period, i.indicator_code, i.indicator_name_zh,
        i.indicator_name_en, i.statistical_method, i.statistical_period,
        i.statistical_method_zh, i.statistical_method_en, i.statistical_period_zh,
        i.statistical_period_en, i.indicator_value, i.unit
        FROM marts.indicators i
        WHERE i.partner_id = ? AND ? = 'partner_admin' {extra}
        ORDER BY i.reconciliation_period DESC, i.sort_order, i.indicator_code"""
    return _frame(con, sql, params)


# ---------------------------------------------------------------- customer board

BOARD_DIMENSIONS = ("industry", "region", "association_type", "customer_kind", "customer_manager")


def customer_board(con: duckdb.DuckDBPyConnection, viewer: Viewer, grain: str) -> pl.DataFrame:
    """Customers at end, new, disassociated and revenue per period (oldest first).

    A partner admin gets the partner's board; staff get the sum of the customer-manager
    breakdown over themselves (or their team)."""
    if grain not in ("day", "month"):
        raise ValueError(grain)
    if viewer.is_admin:
        table = "marts.customer_board_daily" if grain == "day" else "marts.customer_board_monthly"
        sql = f"""SELECT period, customers_at_end, new_associated, disassociated,
            contributed_revenue FROM {table} WHERE partner_id = ? ORDER BY period"""
        return _frame(con, sql, [viewer.partner_id])
    cte, params = _team_cte(viewer)
    sql = f"""WITH {cte}
        SELECT k.period, sum(k.customers_at_end)::BIGINT AS customers_at_end,
            sum(k.new_associated)::BIGINT AS new_associated,
            sum(k.disassociated)::BIGINT AS disassociated,
            sum(k.contributed_revenue)::DECIMAL(18,2) AS contributed_revenue
        FROM marts.customer_board_breakdown k
        WHERE k.partner_id = ? AND k.grain = ? AND k.dimension = 'customer_manager'
          AND k.dimension_key IN (SELECT staff_id FROM team)
        GROUP BY 1 ORDER BY 1"""
    return _frame(con, sql, [*params, viewer.partner_id, grain])


def customer_board_breakdown(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, grain: str, dimension: str, period: date
) -> pl.DataFrame:
    """One period's breakdown by a dimension (staff: only their own / team's managers)."""
    cte, params = _team_cte(viewer)
    staff_only = (
        ""
        if viewer.is_admin
        else "AND k.dimension = 'customer_manager' AND k.dimension_key IN (SELECT staff_id FROM team)"
    )
    sql = f"""WITH {cte}
        SELECT k.dimension_key, k.dimension_value, k.customers_at_end, k.new_associated, k.disassociated,
            k.contributed_revenue
        FROM marts.customer_board_breakdown k
        WHERE k.partner_id = ? AND k.grain = ? AND k.dimension = ? AND k.period = ? {staff_only}
        ORDER BY k.customers_at_end DESC, k.dimension_value, k.dimension_key"""
    return _frame(con, sql, [*params, viewer.partner_id, grain, dimension, period])


# ---------------------------------------------------------------- warnings


def _page_cut(limit: int | None, offset: int, params: list[object]) -> str:
    """LIMIT/OFFSET of one page (None: every row)."""
    if limit is None:
        return ""
    params += [int(limit), int(offset)]
    return "LIMIT ? OFFSET ?"


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> int:
    row = con.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()
    return int(row[0]) if row else 0


# The typed figures of a warning's detail (marts.customer_warnings), hidden with it.
WARNING_FIGURES = (
    "detail_amount",
    "detail_reference_amount",
    "detail_ratio",
    "detail_days",
    "detail_date",
    "detail_count",
    "detail_items",
)


def _warnings_sql(viewer: Viewer, resellers_customers: bool) -> tuple[str, list[object]]:
    """The latest day's warnings of the viewer's customers (or, a distributor's tab, of its
    resellers' customers), with `detail` and its figures NULL where access is basic."""
    cte, params = _access_cte(viewer)
    if resellers_customers:
        owner = "w.partner_id <> ? AND w.settlement_partner_id = ?"
        params += [viewer.partner_id, viewer.partner_id]
    else:
        owner = "w.partner_id = ?"
        params.append(viewer.partner_id)
    sql = f"""WITH {cte},
        scoped AS (
            SELECT w.*, a.is_full FROM marts.customer_warnings w
            JOIN access a ON a.customer_id = w.customer_id
            WHERE {owner}
        )
        SELECT warning_date, category, warning_type, severity, customer_id, customer_name,
            partner_id AS owner_partner_id, assignee_name,
            first_seen, CASE WHEN is_full THEN detail END AS detail,
            {", ".join(f"CASE WHEN is_full THEN {c} END AS {c}" for c in WARNING_FIGURES)}
        FROM scoped WHERE warning_date = (SELECT max(warning_date) FROM scoped)"""
    return sql, params


_WARNING_ORDER = """ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
    first_seen, customer_name, warning_type, customer_id"""


def customer_warnings(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    resellers_customers: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> pl.DataFrame:
    """The latest day's warnings, most severe first; one page of them when `limit` is set."""
    sql, params = _warnings_sql(viewer, resellers_customers)
    cut = _page_cut(limit, offset, params)
    return _frame(con, f"{sql} {_WARNING_ORDER} {cut}", params)


def customer_warning_counts(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, resellers_customers: bool = False
) -> pl.DataFrame:
    """Warnings of the latest day per category and type (the chart, and the page's total)."""
    sql, params = _warnings_sql(viewer, resellers_customers)
    return _frame(
        con,
        f"""SELECT warning_date, category, warning_type, count(*) AS warnings FROM ({sql})
        GROUP BY ALL ORDER BY category, warning_type""",
        params,
    )


# ---------------------------------------------------------------- sub-customers, resources


def _sub_customers_sql(viewer: Viewer) -> tuple[str, list[object]]:
    cte, params = _access_cte(viewer)
    sql = f"""WITH {cte}
        SELECT s.customer_id, s.customer_name, s.account_name, s.association_type,
            s.owner_partner_id, coalesce(p.partner_name, s.owner_partner_id)
                AS owner_partner_name,
            s.associated_at, s.is_own_customer, s.industry, s.region,
            a.is_full AS is_full_access,
            CASE WHEN a.is_full THEN s.credit_limit END AS credit_limit,
            CASE WHEN a.is_full THEN s.discount_rate END AS discount_rate,
            CASE WHEN a.is_full THEN s.available_balance END AS available_balance
        FROM marts.sub_customers s JOIN access a ON a.customer_id = s.customer_id
        LEFT JOIN marts.partner_directory p ON p.partner_id = s.owner_partner_id
        WHERE s.viewer_partner_id = ?"""
    return sql, [*params, viewer.partner_id]


def sub_customers(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int | None = None, offset: int = 0
) -> pl.DataFrame:
    """Every customer the viewer sees (one page when `limit` is set); credit, discount and
    balance only with full access."""
    sql, params = _sub_customers_sql(viewer)
    cut = _page_cut(limit, offset, params)
    order = "ORDER BY s.is_own_customer DESC, s.customer_name, s.customer_id"
    return _frame(con, f"{sql} {order} {cut}", params)


def sub_customers_count(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> int:
    return _count(con, *_sub_customers_sql(viewer))


# A resource expiring within this many days of the as-of date is highlighted (rule 6's
# expiring_resource window).
EXPIRING_SOON_DAYS = 15


def _resources_sql(viewer: Viewer) -> tuple[str, list[object]]:
    cte, params = _access_cte(viewer)
    sql = f"""WITH {cte},
        as_of AS (SELECT as_of_date FROM marts.publication)
        SELECT r.customer_id, s.customer_name, r.resource_id, r.product_type, r.billing_mode,
            r.start_date, r.expire_date, r.status,
            datediff('day', as_of.as_of_date, r.expire_date) AS days_to_expiry,
            coalesce(datediff('day', as_of.as_of_date, r.expire_date) BETWEEN 0 AND ?, FALSE)
                AS expiring_soon,
            r.expire_date < as_of.as_of_date AS expired
        FROM marts.customer_resources r
        CROSS JOIN as_of
        JOIN access a ON a.customer_id = r.customer_id AND a.is_full
        JOIN marts.sub_customers s
            ON s.customer_id = r.customer_id AND s.viewer_partner_id = ?"""
    return sql, [*params, EXPIRING_SOON_DAYS, viewer.partner_id]


def customer_resources(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int | None = None, offset: int = 0
) -> pl.DataFrame:
    """Resources of the viewer's full-access customers (one page when `limit` is set), with
    days to expiry counted from the publication's as-of date: soonest future expiry first,
    then the expired, then those without an expiry (on demand)."""
    sql, params = _resources_sql(viewer)
    cut = _page_cut(limit, offset, params)
    order = """ORDER BY expire_date IS NULL, expired, expire_date, customer_name,
        resource_id"""
    return _frame(con, f"SELECT * EXCLUDE (expired) FROM ({sql}) {order} {cut}", params)


def customer_resources_count(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> int:
    return _count(con, *_resources_sql(viewer))


# ---------------------------------------------------------------- data quality (admins only)
#
# The audit tables describe files, not customers: the load counts, files not loaded and
# withdrawn files are shown to every partner admin. A quarantined row carries raw values, so
# it is shown to the partner(s) it names (its partner_id, or the partner with full access to
# its customer_id) and, when it names no known partner or customer (a whole file, a row whose
# ids are missing or unknown), to every partner admin: nobody else could fix it. A rejected
# association event is shown to the partner it named. Staff get no rows (docs/RULES.md,
# "Data quality").


def _optional_columns(
    con: duckdb.DuckDBPyConnection, table: str, alias: str, columns: dict[str, str]
) -> str:
    """`alias.column` for each column the table has, else a typed null under its name: a copy
    published before the column existed still opens (its rows say what they said then)."""
    schema, name = table.split(".")
    present = {
        row[0]
        for row in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?",
            [schema, name],
        ).fetchall()
    }
    return ", ".join(
        f"{alias}.{column}" if column in present else f"CAST(NULL AS {sql_type}) AS {column}"
        for column, sql_type in columns.items()
    )


# The coded reasons (pipelines/ingest/reasons.py, int_association_events_validated), worded
# per language by dashboards/reasons.py.
QUARANTINE_CODES = {"reason_code": "VARCHAR", "reason_details": "VARCHAR"}
REJECTION_CODES = {
    "rejection_code": "VARCHAR",
    "rejection_partner_id": "VARCHAR",
    "rejection_since": "DATE",
    "rejection_limit": "INTEGER",
}


def _admin_only(viewer: Viewer, params: list[object]) -> str:
    params.append(viewer.role)
    return "? = 'partner_admin'"


def file_loads_by_day(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Per source and drop date: files loaded, files quarantined whole, files withdrawn,
    rows landed, loaded and quarantined (newest day first)."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    sql = f"""WITH whole_files AS (
            SELECT source, partition_date, count(DISTINCT file) AS files_quarantined
            FROM audit.quarantine WHERE row_number IS NULL AND column_name IS NULL
            GROUP BY ALL
        ),
        loads AS (
            SELECT l.source, l.partition_date, count(*) AS files,
                sum(l.rows_landed) AS rows_landed, sum(l.rows_loaded) AS rows_loaded,
                sum(l.rows_quarantined) AS rows_quarantined
            FROM audit.load_log l GROUP BY ALL
        ),
        withdrawn AS (
            SELECT source, partition_date, count(*) AS files_withdrawn
            FROM audit.file_withdrawals GROUP BY ALL
        ),
        days AS (
            SELECT source, partition_date FROM loads
            UNION SELECT source, partition_date FROM withdrawn
        )
        SELECT d.source, d.partition_date,
            coalesce(l.files, 0) - coalesce(w.files_quarantined, 0) AS files_loaded,
            coalesce(w.files_quarantined, 0) AS files_quarantined,
            coalesce(x.files_withdrawn, 0) AS files_withdrawn,
            coalesce(l.rows_landed, 0) AS rows_landed,
            coalesce(l.rows_loaded, 0) AS rows_loaded,
            coalesce(l.rows_quarantined, 0) AS rows_quarantined
        FROM days d
        LEFT JOIN loads l USING (source, partition_date)
        LEFT JOIN whole_files w USING (source, partition_date)
        LEFT JOIN withdrawn x USING (source, partition_date)
        WHERE {admin}
        ORDER BY d.partition_date DESC NULLS LAST, d.source"""
    return _frame(con, sql, params)


def quarantined_rows(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, sources: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Quarantined rows and files the viewer's partner may see, with their reasons and raw
    values; `sources` narrows to those sources (all when empty)."""
    params: list[object] = [viewer.partner_id, viewer.partner_id]
    admin = _admin_only(viewer, params)
    source_filter = f"AND {_in('q.source', sources, params)}" if sources else ""
    codes = _optional_columns(con, "audit.quarantine", "q", QUARANTINE_CODES)
    sql = f"""WITH owners AS (
            SELECT customer_id, list(DISTINCT viewer_id) AS partner_ids
            FROM marts.customer_access
            WHERE viewer_kind = 'partner' AND access_level = 'full'
            GROUP BY customer_id
        ),
        named AS (
            SELECT q.*, p.partner_id AS named_partner, o.partner_ids AS customer_owners
            FROM audit.quarantine q
            LEFT JOIN marts.partner_directory p
                ON p.partner_id = json_extract_string(q.raw_record, '$.partner_id')
            LEFT JOIN owners o
                ON o.customer_id = json_extract_string(q.raw_record, '$.customer_id')
        ),
        visible AS (
            SELECT * FROM named
            WHERE (named_partner IS NULL AND customer_owners IS NULL)
                OR named_partner = ? OR list_contains(customer_owners, ?)
        )
        SELECT q.source, q.partition_date, q.file, q.row_number, q.column_name, q.reason,
            {codes}, q.raw_record
        FROM visible q
        WHERE {admin} {source_filter}
        ORDER BY q.partition_date DESC NULLS LAST, q.source, q.file, q.row_number NULLS FIRST,
            q.column_name"""
    return _frame(con, sql, params)


def rejected_associations(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """The viewer partner's association events the rules rejected, with the reason."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    codes = _optional_columns(con, "marts.association_events", "e", REJECTION_CODES)
    sql = f"""SELECT e.event_time, e.event_id, e.customer_id, c.customer_name, e.event_type,
            e.association_type, e.invitation_channel, s.staff_name AS customer_manager_name,
            e.rejection_reason, {codes}
        FROM marts.association_events e
        LEFT JOIN marts.customer_directory c ON c.customer_id = e.customer_id
        LEFT JOIN marts.staff_directory s ON s.staff_id = e.customer_manager_id
        WHERE {admin} AND e.partner_id = ? AND NOT e.is_accepted
        ORDER BY e.event_time DESC, e.event_id"""
    return _frame(con, sql, [*params, viewer.partner_id])


def files_not_loaded(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Files under the landing folder that the last run did not load, and why."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    codes = _optional_columns(con, "audit.files_not_loaded", "f", QUARANTINE_CODES)
    sql = f"""SELECT f.file, f.reason, {codes} FROM audit.files_not_loaded f WHERE {admin}
        ORDER BY f.file"""
    return _frame(con, sql, params)


def withdrawn_files(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Files whose rows a run withdrew (removed from the landing folder, or replaced)."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    sql = f"""SELECT withdrawn_at, source, partition_date, file, reason, rows_withdrawn
        FROM audit.file_withdrawals WHERE {admin}
        ORDER BY withdrawn_at DESC, file"""
    return _frame(con, sql, params)
