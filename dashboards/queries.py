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

Every value from a user goes in as a `?` parameter; a search text is matched literally
(`contains_text`: `%` and `_` are characters).
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
    sql = """access as (
        select customer_id, bool_or(access_level = 'full') as is_full
        from marts.customer_access
        where viewer_kind = ? and viewer_id = ?
        group by customer_id
    )"""
    return sql, [viewer.viewer_kind, viewer.viewer_id]


def _team_cte(viewer: Viewer) -> tuple[str, list[object]]:
    """The staff ids whose figures a staff viewer sees: themselves, and a supervisor's team."""
    sql = """team as (
        select staff_id from marts.staff_directory
        where partner_id = ? and (staff_id = ? or (? = 'supervisor' and supervisor_id = ?))
    )"""
    return sql, [viewer.partner_id, viewer.staff_id, viewer.role, viewer.staff_id]


def contains_text(column: str, *, lowered: bool = False) -> str:
    """`column` (already lower-cased: `lowered`) holds the search text (`?`) anywhere,
    ignoring case. The text is literal: `%` and `_` are characters, not wildcards. Read
    with contains(), which is several times faster than ILIKE with an escape: at 100M rows
    the staged orders took 31 ms a lookup, 6 ms now; the customer directory 25 ms, 9 ms."""
    target = column if lowered else f"lower({column})"
    return f"contains({target}, lower(?))"


def _in(column: str, values: tuple[object, ...], params: list[object]) -> str:
    params.extend(values)
    return f"{column} in ({', '.join('?' for _ in values)})"


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> pl.DataFrame:
    return con.execute(sql, params).pl()


def _settled_or_owned(alias: str, viewer: Viewer, params: list[object]) -> str:
    """Rows the viewer's partner settles, or whose customer it owned at the transaction's
    time: a distributor's own and its resellers' customers, a reseller's own customers."""
    params += [viewer.partner_id, viewer.partner_id]
    return f"({alias}.partner_id = ? or {alias}.owner_partner_id = ?)"


# ---------------------------------------------------------------- publication


@dataclass(frozen=True)
class Publication:
    """What the published file was computed for: its as-of date is the pages' "today"."""

    as_of_date: date
    run_id: str


def publication(con: duckdb.DuckDBPyConnection) -> Publication:
    """The as-of date and run id of the published file (`marts.publication`, one row)."""
    row = con.execute("select as_of_date, run_id from marts.publication", []).fetchone()
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
        """select
            partners.parent_partner_id,
            coalesce(parents.partner_name, partners.parent_partner_id) as parent_partner_name
        from marts.partner_directory as partners
        left join marts.partner_directory as parents
            on partners.parent_partner_id = parents.partner_id
        where partners.partner_id = ? and partners.partner_type = 'reseller'
            and partners.parent_partner_id is not null""",
        [viewer.partner_id],
    ).fetchone()
    return SettlementPartner(row[0], row[1]) if row else None


# ---------------------------------------------------------------- incentive details


@dataclass(frozen=True)
class SearchField:
    """A detail column a search filters. A name is matched in a small directory first (`?`
    is the search text) and the details are filtered by an IN list of the matching ids:
    matching text on every detail row took about 1 s per search at 10M rows. `days`: the
    transaction dates the matching rows can have, looked up first so that the rows' zone
    maps skip every other day (the facts are written in date order)."""

    column: str
    directory: str | None = None
    days: str | None = None


# An order's rows are dated by its order time and, refunded, its refund time (macro
# attributed_orders: transaction_date = cast(transaction_time as date)), as staged: both
# read in one pass over the orders.
_ORDER_DAYS = f"""select distinct order_days.transaction_date from (
        select unnest([cast(order_time as date), cast(refund_time as date)]) as transaction_date
        from staging.stg_raw__orders where {contains_text("order_no")}
    ) as order_days
    where order_days.transaction_date is not null"""
SEARCH_PREDICATES: dict[str, SearchField] = {
    "order_no": SearchField("details.order_no", days=_ORDER_DAYS),
    "customer": SearchField(
        "details.customer_id",
        "select customer_id from marts.customer_directory where "
        f"{contains_text('customer_name_lower', lowered=True)} "
        f"or {contains_text('account_name_lower', lowered=True)}",
    ),
    "reseller": SearchField(
        "details.reseller_id",
        f"select partner_id from marts.partner_directory where {contains_text('partner_name')}",
    ),
    "manager": SearchField(
        "details.customer_manager_id",
        f"select staff_id from marts.staff_directory where {contains_text('staff_name')}",
    ),
    "statement": SearchField("details.statement_id"),
}
SEARCH_FIELDS: dict[str, tuple[str, ...]] = {
    "any": tuple(SEARCH_PREDICATES),
    **{name: (name,) for name in SEARCH_PREDICATES},
}
# Beyond this many matching ids the directory stays a subquery (an IN list that long would
# not narrow the scan anyway).
MAX_LISTED_IDS = 1000


def _search_predicate(
    con: duckdb.DuckDBPyConnection, field: SearchField, text: str, params: list[object]
) -> str:
    if field.directory is None:
        days = _matching_days(con, field, text)
        if days is not None and not days:
            return "false"
        params.append(text)
        if days is None:
            return contains_text(field.column)
        on_days = _in("details.transaction_date", days, params)
        return f"{contains_text(field.column)} and {on_days}"
    directory_params = [text] * field.directory.count("?")
    ids = [row[0] for row in con.execute(field.directory, directory_params).fetchall()]
    if len(ids) > MAX_LISTED_IDS:
        params.extend(directory_params)
        return f"{field.column} in ({field.directory})"
    if not ids:
        return "false"
    return _in(field.column, tuple(ids), params)


def _matching_days(
    con: duckdb.DuckDBPyConnection, field: SearchField, text: str
) -> tuple[date, ...] | None:
    """The days `field.days` finds for `text` (None: the field has no such lookup, or it
    finds more days than an IN list narrows)."""
    if field.days is None:
        return None
    days = con.execute(field.days, [text] * field.days.count("?")).fetchall()
    if len(days) > MAX_LISTED_IDS:
        return None
    return tuple(sorted(row[0] for row in days))


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


_MASK = "details.is_full" if not BASIC_ACCESS_SHOWS_INCENTIVE else "true"

# Names and the statement are joined to the rows of one page (`page`), never to the whole
# selection: counted, summed and sorted on ids only (`marts.incentive_facts`).
DETAIL_COLUMNS = f"""
    details.transaction_id, details.transaction_type, details.order_no, statements.statement_id,
    details.billing_period, details.transaction_date, details.customer_id,
    customers.customer_name, customers.account_name,
    resellers.partner_name as reseller_name, managers.staff_name as customer_manager_name,
    supervisors.staff_name as supervisor_name, details.product_type, details.association_type,
    details.billing_mode, details.incentive_type,
    case when details.is_full then details.eligible_amount end as eligible_amount,
    case when details.is_full then details.rate end as rate,
    case when {_MASK} then details.incentive_amount end as incentive_amount,
    statements.status as statement_status, details.is_full as full_access"""

_DETAIL_NAMES = """
    left join marts.customer_directory as customers on details.customer_id = customers.customer_id
    left join marts.partner_directory as resellers on details.reseller_id = resellers.partner_id
    left join marts.staff_directory as managers on details.customer_manager_id = managers.staff_id
    left join marts.staff_directory as supervisors on details.supervisor_id = supervisors.staff_id
    left join marts.incentive_statements as statements
        on
            details.partner_id = statements.partner_id
            and details.billing_period = statements.billing_period"""


FACTS = "marts.incentive_facts"
DAILY = "marts.incentive_daily"
CUSTOMER_DAILY = "marts.incentive_customer_daily"


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
            f"""from (select *, owner_partner_id = ?::varchar as is_full from {table}) as details""",
            [viewer.partner_id],
        )
    cte, params = _team_cte(viewer)
    return (
        [cte],
        f"""from (select *, true as is_full from {table}) as details
        inner join team on details.customer_manager_id = team.staff_id""",
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
        f"""select statements.partner_id, statements.billing_period
    from marts.incentive_statements as statements
        where (statements.partner_id = ? or statements.partner_id = (
            select own.parent_partner_id from marts.partner_directory as own
            where own.partner_id = ?))
          and {condition}""",
        [viewer.partner_id, viewer.partner_id, *values],
    ).fetchall()
    if not rows:
        return "false", []
    params: list[object] = []
    cells = []
    for partner_id, period in rows:
        cells.append("(details.partner_id = ? and details.billing_period = ?)")
        params += [partner_id, period]
    return "(" + " or ".join(cells) + ")", params


def _search_clause(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, search_in: str, text: str, params: list[object]
) -> str:
    fields = SEARCH_FIELDS.get(search_in, SEARCH_FIELDS["any"])
    predicates = []
    for name in fields:
        if name == "statement":
            sql, values = _statement_cells(
                con, viewer, contains_text("statements.statement_id"), [text]
            )
            params.extend(values)
            predicates.append(sql)
        else:
            predicates.append(_search_predicate(con, SEARCH_PREDICATES[name], text, params))
    # A field nothing matched is left out: `false or customer_id in (...)` hid the IN list
    # from the scan's zone maps (137 ms instead of 8 at 10M rows).
    matched = [p for p in predicates if p != "false"]
    return "(" + " or ".join(matched) + ")" if matched else "false"


def _details_from(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter, table: str = FACTS
) -> tuple[list[str], str, list[object]]:
    """(CTEs, FROM ... WHERE clause, parameters) of the filtered, visible rows of `table`
    (the rows, or their daily groups: `_totals_table`)."""
    ctes, from_, params = _detail_scope(viewer, table)
    where = [_settled_or_owned("details", viewer, params)]
    if flt.search.strip():
        where.append(_search_clause(con, viewer, flt.search_in, flt.search.strip(), params))
    for column, values in (
        ("details.year", flt.years),
        ("details.billing_period", flt.periods),
        ("details.product_type", flt.product_types),
        ("details.association_type", flt.association_types),
        ("details.billing_mode", flt.billing_modes),
    ):
        if values:
            where.append(_in(column, values, params))
    statement_conditions: list[tuple[str, list[object]]] = []
    if flt.statuses:
        statement_conditions.append(
            (_in("statements.status", flt.statuses, []), list(flt.statuses))
        )
    if flt.statement_id is not None:
        statement_conditions.append(("statements.statement_id = ?", [flt.statement_id]))
    for condition, values in statement_conditions:
        sql, cell_params = _statement_cells(con, viewer, condition, values)
        where.append(sql)
        params.extend(cell_params)
    if flt.transaction_id is not None:
        where.append("details.transaction_id = ?")
        params.append(flt.transaction_id)
    return ctes, f"{from_} where {' and '.join(where)}", params


def _with(ctes: list[str]) -> str:
    return f"with {', '.join(ctes)}" if ctes else ""


_DETAIL_ORDER = "order by details.billing_period desc, details.transaction_date desc, details.transaction_id asc"
# The page order read from its end: a page past the middle of its days is the first rows of
# this order (`_days_cut`).
_DETAIL_ORDER_REVERSED = (
    "order by details.billing_period asc, details.transaction_date asc, details.transaction_id desc"
)


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
        return "false"
    dates = [day.transaction_date for day in days]
    periods = [day.billing_period for day in days]
    params += [min(dates), max(dates), min(periods), max(periods)]
    cells = []
    for day in days:
        cells.append("(details.billing_period = ? and details.transaction_date = ?)")
        params += [day.billing_period, day.transaction_date]
    return (
        "details.transaction_date between ? and ? and details.billing_period between ? and ? "
        f"and ({' or '.join(cells)})"
    )


@dataclass(frozen=True)
class PageCut:
    """Rows `offset`..`offset + limit` of the page's days, counted from their first row in
    page order or, `reversed`, from their last."""

    limit: int
    offset: int
    reversed: bool = False


def _days_cut(days: list[DayCount], limit: int, inside: int) -> PageCut:
    """How to read `limit` rows from row `inside` of `days`: a LIMIT/OFFSET keeps every row
    up to its end in a sort (DuckDB's top-N holds offset + limit rows), so a page in the
    later half of its days is read from their end: the last page of a 10,000-row day sorts
    50 rows, not 10,000 (185 -> ~50 ms for the largest statement's last page at 100M)."""
    held = sum(day.rows for day in days)
    if inside + limit <= held - inside:
        return PageCut(limit, inside)
    return PageCut(max(0, min(limit, held - inside)), max(0, held - inside - limit), True)


def _rows_sql(
    ctes: list[str],
    base: str,
    params: list[object],
    days: list[DayCount],
    cut: PageCut | None = None,
) -> str:
    """The rows of `base` on `days` in page order (`cut`: which of them), with names joined
    to those rows only; `params` gets the days' values and the cut's."""
    order = _DETAIL_ORDER_REVERSED if cut is not None and cut.reversed else _DETAIL_ORDER
    rows = f"page as (select details.* {base} and {_days_predicate(days, params)} {order}"
    if cut is not None:
        rows += " limit ? offset ?"
        params += [cut.limit, cut.offset]
    rows += ")"
    return f"""{_with([*ctes, rows])}
        select {DETAIL_COLUMNS} from page as details {_DETAIL_NAMES} {_DETAIL_ORDER}"""


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
    sql = _rows_sql(ctes, base, params, days, _days_cut(days, int(limit), int(inside)))
    return _frame(con, sql, params)


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


def _totals_table(con: duckdb.DuckDBPyConnection, flt: DetailFilter) -> str:
    """The daily groups when they hold every column the filter reads; the per-customer
    daily groups (sorted by customer: a search reads the matching customers' row groups)
    when a customer is searched, or any field and no order number matches (the other
    fields are columns of those groups); else the rows."""
    text = flt.search.strip()
    if flt.transaction_id is not None:
        return FACTS
    if not text or flt.search_in in _DAILY_SEARCHES:
        return DAILY
    if flt.search_in == "customer":
        return CUSTOMER_DAILY
    if flt.search_in != "any":
        return FACTS
    no_order = _matching_days(con, SEARCH_PREDICATES["order_no"], text) == ()
    return CUSTOMER_DAILY if no_order else FACTS


def incentive_details_totals(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter
) -> DetailTotals:
    """Row count and incentive total of the filtered rows (hidden amounts not summed), and
    the rows per day that pages are found by, in one pass over the daily groups (per
    customer when a customer is searched; the rows when an order is)."""
    table = _totals_table(con, flt)
    ctes, base, params = _details_from(con, viewer, flt, table)
    rows = "1" if table == FACTS else "details.detail_rows"
    sql = f"""{_with(ctes)} select details.billing_period, details.transaction_date,
        sum({rows}) as detail_rows,
        coalesce(sum(case when {_MASK} then details.incentive_amount end), 0)::decimal(18,2)
            as incentive_amount,
        coalesce(sum({rows}) filter (where not {_MASK}), 0) as hidden_rows {base}
        group by 1, 2 having sum({rows}) > 0 order by 1 desc, 2 desc"""
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
        "resource_id = ? and usage_date = ?",
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
    cursor = con.execute(f"select * from raw.{source} where {where} limit 1", params)
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
            """select customers.is_new_customer, parameters.value from raw.customers
            inner join seeds.business_parameters as parameters
                on case when customers.is_new_customer then 'new_customer_acceleration_cap'
                    else 'existing_customer_acceleration_cap' end = parameters.parameter
            where customers.customer_id = ?""",
            [fact["customer_id"]],
        ).fetchone()
        rule |= {
            "project_id": fact["project_id"],
            "is_new_customer": row[0] if row else None,
            "cap": Decimal(str(row[1])) if row else None,
        }
        return rule
    policy = con.execute(
        """select policy_name, valid_from, valid_to from raw.incentive_policies
        where policy_id = ?""",
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
        """select facts.*, owners.partner_name as owner_partner_name,
            settlement_partners.partner_name as settlement_partner_name
        from marts.incentive_facts as facts
        left join marts.partner_directory as owners on facts.owner_partner_id = owners.partner_id
        left join marts.partner_directory as settlement_partners
            on facts.partner_id = settlement_partners.partner_id
        where facts.transaction_id = ? and facts.billing_period = ?""",
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
    visible = f"""visible as (
        select details.year, details.billing_period, details.partner_id, details.product_type,
        details.association_type, details.billing_mode {base})"""
    sql = f"""{_with([*ctes, visible])} select
        list(distinct details.year order by details.year desc) as years,
        list(distinct details.billing_period order by details.billing_period desc) as billing_periods,
        list(distinct details.product_type order by details.product_type) as product_types,
        list(distinct details.association_type order by details.association_type) as association_types,
        list(distinct details.billing_mode order by details.billing_mode) as billing_modes,
        list(distinct statements.status order by statements.status) as statuses
        from visible as details left join marts.incentive_statements as statements
            on details.partner_id = statements.partner_id
                and details.billing_period = statements.billing_period"""
    row = con.execute(sql, params).fetchone() or ([],) * 6
    return DetailOptions(*[[v for v in (values or []) if v is not None] for values in row])


# ---------------------------------------------------------------- incentive board


def _board_from(
    viewer: Viewer, year: int | None, supervisor_id: str | None, customer_manager_id: str | None
) -> tuple[str, list[object]]:
    params: list[object] = []
    where = [_settled_or_owned("board", viewer, params)]
    if viewer.role == "supervisor":
        where.append("board.supervisor_id = ?")
        params.append(viewer.staff_id)
    elif viewer.role == "customer_manager":
        where.append("board.customer_manager_id = ?")
        params.append(viewer.staff_id)
    if year is not None:
        where.append("board.year = ?")
        params.append(int(year))
    if supervisor_id:
        where.append("board.supervisor_id = ?")
        params.append(supervisor_id)
    if customer_manager_id:
        where.append("board.customer_manager_id = ?")
        params.append(customer_manager_id)
    return f"from marts.incentive_board as board where {' and '.join(where)}", params


def board_years(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[int]:
    base, params = _board_from(viewer, None, None, None)
    rows = con.execute(f"select distinct board.year {base} order by 1 desc", params).fetchall()
    return [int(r[0]) for r in rows if r[0] is not None]


def board_people(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Supervisors and customer managers on the viewer's board (for the filters)."""
    base, params = _board_from(viewer, None, None, None)
    sql = f"""select distinct board.supervisor_id, board.supervisor_name,
        board.customer_manager_id, board.customer_manager_name {base}
        order by board.supervisor_name nulls last, board.customer_manager_name nulls last"""
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
    sql = f"""select board.billing_period,
    sum(board.incentive_amount)::decimal(18,2) as incentive_amount
        {base} group by 1 order by 1"""
    return _frame(con, sql, params)


def incentive_board_by_status(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    year: int,
    supervisor_id: str | None = None,
    customer_manager_id: str | None = None,
) -> pl.DataFrame:
    base, params = _board_from(viewer, year, supervisor_id, customer_manager_id)
    sql = f"""select board.status, sum(board.incentive_amount)::decimal(18,2) as incentive_amount
        {base} group by 1 order by 2 desc"""
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
        f"coalesce(sum(board.incentive_amount) filter (where board.status = '{status}'), 0)"
        f"::decimal(18,2) as {status}"
        for status in STATEMENT_STATUSES
    )
    sql = f"""select board.supervisor_id, board.supervisor_name, board.customer_manager_id,
        board.customer_manager_name,
        {by_status},
        sum(board.incentive_amount)::decimal(18,2) as incentive_amount
        {base} group by all
        order by incentive_amount desc, board.supervisor_name asc, board.customer_manager_name asc,
            board.supervisor_id asc, board.customer_manager_id asc"""
    return _frame(con, sql, params)


# ---------------------------------------------------------------- statements


def incentive_statements(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """The partner's statements, newest first (partner admins only)."""
    sql = """select statements.statement_id, statements.partner_name, statements.billing_period,
            statements.incentive_amount, statements.status, statements.generated_at,
            statements.confirmed_at, statements.invoice_received_at, statements.payment_due_date,
            statements.paid_at, statements.is_overdue, statements.detail_rows
        from marts.incentive_statements as statements
        where statements.partner_id = ? and ? = 'partner_admin'
        order by statements.billing_period desc"""
    return _frame(con, sql, [viewer.partner_id, viewer.role])


# ---------------------------------------------------------------- indicators


def indicator_periods(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> list[str]:
    rows = con.execute(
        """select distinct reconciliation_period from marts.indicators
        where partner_id = ? and ? = 'partner_admin' order by 1 desc""",
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
    extra = f"and {_in('indicators.reconciliation_period', periods, params)}" if periods else ""
    sql = f"""select indicators.reconciliation_period, indicators.indicator_code,
            indicators.indicator_name_zh, indicators.indicator_name_en,
            indicators.statistical_method, indicators.statistical_period,
            indicators.statistical_method_zh, indicators.statistical_method_en,
            indicators.statistical_period_zh, indicators.statistical_period_en,
            indicators.indicator_value, indicators.unit
        from marts.indicators
        where indicators.partner_id = ? and ? = 'partner_admin' {extra}
        order by indicators.reconciliation_period desc, indicators.sort_order asc,
            indicators.indicator_code asc"""
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
        sql = f"""select period, customers_at_end, new_associated, disassociated,
            contributed_revenue from {table} where partner_id = ? order by period"""
        return _frame(con, sql, [viewer.partner_id])
    cte, params = _team_cte(viewer)
    sql = f"""with {cte}
        select breakdown.period, sum(breakdown.customers_at_end)::bigint as customers_at_end,
            sum(breakdown.new_associated)::bigint as new_associated,
            sum(breakdown.disassociated)::bigint as disassociated,
            sum(breakdown.contributed_revenue)::decimal(18,2) as contributed_revenue
        from marts.customer_board_breakdown as breakdown
        where breakdown.partner_id = ? and breakdown.grain = ?
            and breakdown.dimension = 'customer_manager'
          and breakdown.dimension_key in (select team.staff_id from team)
        group by 1 order by 1"""
    return _frame(con, sql, [*params, viewer.partner_id, grain])


def customer_board_breakdown(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, grain: str, dimension: str, period: date
) -> pl.DataFrame:
    """One period's breakdown by a dimension (staff: only their own / team's managers)."""
    ctes: list[str] = []
    params: list[object] = []
    staff_only = ""
    if not viewer.is_admin:
        cte, params = _team_cte(viewer)
        ctes.append(cte)
        staff_only = """and breakdown.dimension = 'customer_manager'
            and breakdown.dimension_key in (select team.staff_id from team)"""
    sql = f"""{_with(ctes)}
        select breakdown.dimension_key, breakdown.dimension_value, breakdown.customers_at_end,
            breakdown.new_associated, breakdown.disassociated, breakdown.contributed_revenue
        from marts.customer_board_breakdown as breakdown
        where breakdown.partner_id = ? and breakdown.grain = ? and breakdown.dimension = ?
            and breakdown.period = ? {staff_only}
        order by breakdown.customers_at_end desc, breakdown.dimension_value asc,
            breakdown.dimension_key asc"""
    return _frame(con, sql, [*params, viewer.partner_id, grain, dimension, period])


# ---------------------------------------------------------------- warnings


def _page_cut(limit: int | None, offset: int, params: list[object]) -> str:
    """LIMIT/OFFSET of one page (None: every row)."""
    if limit is None:
        return ""
    params += [int(limit), int(offset)]
    return "limit ? offset ?"


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list[object]) -> int:
    row = con.execute(
        f"select count(*) as selected_rows from ({sql}) as selection", params
    ).fetchone()
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
        owner = "warnings.partner_id <> ? and warnings.settlement_partner_id = ?"
        params += [viewer.partner_id, viewer.partner_id]
    else:
        owner = "warnings.partner_id = ?"
        params.append(viewer.partner_id)
    sql = f"""with {cte},
        scoped as (
            select warnings.*, access.is_full from marts.customer_warnings as warnings
            inner join access on warnings.customer_id = access.customer_id
            where {owner}
        )
        select warning_date, category, warning_type, severity, customer_id, customer_name,
            partner_id as owner_partner_id, assignee_name,
            first_seen, case when is_full then detail end as detail,
            {", ".join(f"case when is_full then {c} end as {c}" for c in WARNING_FIGURES)}
        from scoped
        where warning_date = (select max(latest.warning_date) from scoped as latest)"""
    return sql, params


_WARNING_ORDER = """order by case severity when 'high' then 0 when 'medium' then 1 else 2 end,
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
        f"""select warning_date, category, warning_type, count(*) as warnings
    from ({sql}) as latest_warnings
        group by all order by category, warning_type""",
        params,
    )


# ---------------------------------------------------------------- sub-customers, resources


def _sub_customers_sql(viewer: Viewer) -> tuple[str, list[object]]:
    cte, params = _access_cte(viewer)
    sql = f"""with {cte}
        select sub_customers.customer_id, sub_customers.customer_name, sub_customers.account_name,
            sub_customers.association_type, sub_customers.owner_partner_id,
            coalesce(owners.partner_name, sub_customers.owner_partner_id) as owner_partner_name,
            sub_customers.associated_at, sub_customers.is_own_customer, sub_customers.industry,
            sub_customers.region, access.is_full as is_full_access,
            case when access.is_full then sub_customers.credit_limit end as credit_limit,
            case when access.is_full then sub_customers.discount_rate end as discount_rate,
            case when access.is_full then sub_customers.available_balance end as available_balance
        from marts.sub_customers inner join access on sub_customers.customer_id = access.customer_id
        left join marts.partner_directory as owners
            on sub_customers.owner_partner_id = owners.partner_id
        where sub_customers.viewer_partner_id = ?"""
    return sql, [*params, viewer.partner_id]


def sub_customers(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int | None = None, offset: int = 0
) -> pl.DataFrame:
    """Every customer the viewer sees (one page when `limit` is set); credit, discount and
    balance only with full access."""
    sql, params = _sub_customers_sql(viewer)
    cut = _page_cut(limit, offset, params)
    order = (
        "order by sub_customers.is_own_customer desc, sub_customers.customer_name asc,"
        " sub_customers.customer_id asc"
    )
    return _frame(con, f"{sql} {order} {cut}", params)


def sub_customers_count(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> int:
    return _count(con, *_sub_customers_sql(viewer))


# A resource expiring within this many days of the as-of date is highlighted (rule 6's
# expiring_resource window).
EXPIRING_SOON_DAYS = 15


def _resources_sql(viewer: Viewer) -> tuple[str, list[object]]:
    cte, params = _access_cte(viewer)
    sql = f"""with {cte},
        as_of as (select as_of_date from marts.publication)
        select resources.customer_id, sub_customers.customer_name, resources.resource_id,
            resources.product_type, resources.billing_mode, resources.start_date,
            resources.expire_date, resources.status,
            datediff('day', as_of.as_of_date, resources.expire_date) as days_to_expiry,
            coalesce(datediff('day', as_of.as_of_date, resources.expire_date) between 0 and ?, false)
                as expiring_soon,
            resources.expire_date < as_of.as_of_date as expired
        from marts.customer_resources as resources
        cross join as_of
        inner join access on resources.customer_id = access.customer_id and access.is_full
        inner join marts.sub_customers
            on resources.customer_id = sub_customers.customer_id
                and sub_customers.viewer_partner_id = ?"""
    return sql, [*params, EXPIRING_SOON_DAYS, viewer.partner_id]


def customer_resources(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, limit: int | None = None, offset: int = 0
) -> pl.DataFrame:
    """Resources of the viewer's full-access customers (one page when `limit` is set), with
    days to expiry counted from the publication's as-of date: soonest future expiry first,
    then the expired, then those without an expiry (on demand)."""
    sql, params = _resources_sql(viewer)
    cut = _page_cut(limit, offset, params)
    order = """order by expire_date is null, expired, expire_date, customer_name,
        resource_id"""
    return _frame(
        con, f"select * exclude (expired) from ({sql}) as resources {order} {cut}", params
    )


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
            "select column_name from duckdb_columns() where schema_name = ? and table_name = ?",
            [schema, name],
        ).fetchall()
    }
    return ", ".join(
        f"{alias}.{column}"
        if column in present
        else f"cast(null as {sql_type.lower()}) as {column}"
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
    sql = f"""with whole_files as (
            select source, partition_date, count(distinct file) as files_quarantined
            from audit.quarantine where row_number is null and column_name is null
            group by all
        ),
        loads as (
            select loads.source, loads.partition_date, count(*) as files,
                sum(loads.rows_landed) as rows_landed, sum(loads.rows_loaded) as rows_loaded,
                sum(loads.rows_quarantined) as rows_quarantined
            from audit.load_log as loads group by all
        ),
        withdrawn as (
            select source, partition_date, count(*) as files_withdrawn
            from audit.file_withdrawals group by all
        ),
        days as (
            select source, partition_date from loads
            union select source, partition_date from withdrawn
        )
        select days.source, days.partition_date,
            coalesce(loads.files, 0) - coalesce(whole_files.files_quarantined, 0) as files_loaded,
            coalesce(whole_files.files_quarantined, 0) as files_quarantined,
            coalesce(withdrawn.files_withdrawn, 0) as files_withdrawn,
            coalesce(loads.rows_landed, 0) as rows_landed,
            coalesce(loads.rows_loaded, 0) as rows_loaded,
            coalesce(loads.rows_quarantined, 0) as rows_quarantined
        from days
        left join loads
            on days.source = loads.source and days.partition_date = loads.partition_date
        left join whole_files
            on days.source = whole_files.source and days.partition_date = whole_files.partition_date
        left join withdrawn
            on days.source = withdrawn.source and days.partition_date = withdrawn.partition_date
        where {admin}
        order by days.partition_date desc nulls last, days.source asc"""
    return _frame(con, sql, params)


def quarantined_rows(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, sources: tuple[str, ...] = ()
) -> pl.DataFrame:
    """Quarantined rows and files the viewer's partner may see, with their reasons and raw
    values; `sources` narrows to those sources (all when empty)."""
    params: list[object] = [viewer.partner_id, viewer.partner_id]
    admin = _admin_only(viewer, params)
    source_filter = f"and {_in('quarantine.source', sources, params)}" if sources else ""
    codes = _optional_columns(con, "audit.quarantine", "quarantine", QUARANTINE_CODES)
    sql = f"""with owners as (
            select customer_id, list(distinct viewer_id) as partner_ids
            from marts.customer_access
            where viewer_kind = 'partner' and access_level = 'full'
            group by customer_id
        ),
        named as (
            select quarantine.*, partners.partner_id as named_partner,
                owners.partner_ids as customer_owners
            from audit.quarantine
            left join marts.partner_directory as partners
                on json_extract_string(quarantine.raw_record, '$.partner_id') = partners.partner_id
            left join owners
                on json_extract_string(quarantine.raw_record, '$.customer_id') = owners.customer_id
        ),
        visible as (
            select * from named
            where (named_partner is null and customer_owners is null)
                or named_partner = ? or list_contains(customer_owners, ?)
        )
        select quarantine.source, quarantine.partition_date, quarantine.file, quarantine.row_number,
            quarantine.column_name, quarantine.reason, {codes}, quarantine.raw_record
        from visible as quarantine
        where {admin} {source_filter}
        order by quarantine.partition_date desc nulls last, quarantine.source asc,
            quarantine.file asc, quarantine.row_number asc nulls first,
            quarantine.column_name asc"""
    return _frame(con, sql, params)


def rejected_associations(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """The viewer partner's association events the rules rejected, with the reason."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    codes = _optional_columns(con, "marts.association_events", "events", REJECTION_CODES)
    sql = f"""select events.event_time, events.event_id, events.customer_id,
            customers.customer_name, events.event_type, events.association_type,
            events.invitation_channel, managers.staff_name as customer_manager_name,
            events.rejection_reason, {codes}
        from marts.association_events as events
        left join marts.customer_directory as customers
            on events.customer_id = customers.customer_id
        left join marts.staff_directory as managers
            on events.customer_manager_id = managers.staff_id
        where {admin} and events.partner_id = ? and not events.is_accepted
        order by events.event_time desc, events.event_id asc"""
    return _frame(con, sql, [*params, viewer.partner_id])


def files_not_loaded(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Files under the landing folder that the last run did not load, and why."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    codes = _optional_columns(con, "audit.files_not_loaded", "files", QUARANTINE_CODES)
    sql = f"""select files.file, files.reason, {codes} from audit.files_not_loaded as files
        where {admin} order by files.file asc"""
    return _frame(con, sql, params)


def withdrawn_files(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Files whose rows a run withdrew (removed from the landing folder, or replaced)."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    sql = f"""select withdrawn_at, source, partition_date, file, reason, rows_withdrawn
        from audit.file_withdrawals where {admin}
        order by withdrawn_at desc, file asc"""
    return _frame(con, sql, params)
