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

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import duckdb
import polars as pl

ROLES = ("partner_admin", "supervisor", "customer_manager")

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


@dataclass(frozen=True)
class DetailTotals:
    rows: int
    incentive_amount: Decimal
    hidden_rows: int = 0


_MASK = "d.is_full" if not BASIC_ACCESS_SHOWS_INCENTIVE else "TRUE"

DETAIL_COLUMNS = f"""
    d.transaction_id, d.transaction_type, d.order_no, d.statement_id, d.billing_period,
    d.transaction_date, d.customer_id, d.customer_name, d.account_name, d.reseller_name,
    d.customer_manager_name, d.supervisor_name, d.product_type, d.association_type,
    d.billing_mode, d.incentive_type,
    CASE WHEN d.is_full THEN d.eligible_amount END AS eligible_amount,
    CASE WHEN d.is_full THEN d.rate END AS rate,
    CASE WHEN {_MASK} THEN d.incentive_amount END AS incentive_amount,
    d.statement_status, d.is_full AS full_access"""


def _detail_scope(viewer: Viewer) -> tuple[str, str, list[object]]:
    """(WITH clause, FROM clause, parameters) of the detail rows the viewer may see.

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
            "",
            """FROM (SELECT *, owner_partner_id = ?::VARCHAR AS is_full
                FROM marts.incentive_details) d""",
            [viewer.partner_id],
        )
    cte, params = _team_cte(viewer)
    return (
        f"WITH {cte}",
        """FROM (SELECT *, TRUE AS is_full FROM marts.incentive_details) d
        JOIN team t ON t.staff_id = d.customer_manager_id""",
        params,
    )


def _details_from(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter
) -> tuple[str, str, list[object]]:
    """(WITH clause, FROM ... WHERE clause, parameters) of the filtered, visible rows."""
    with_, from_, params = _detail_scope(viewer)
    where = [_settled_or_owned("d", viewer, params)]
    if flt.search.strip():
        fields = SEARCH_FIELDS.get(flt.search_in, SEARCH_FIELDS["any"])
        pattern = like_pattern(flt.search.strip())
        predicates = [
            _search_predicate(con, SEARCH_PREDICATES[field], pattern, params) for field in fields
        ]
        where.append("(" + " OR ".join(predicates) + ")")
    for column, values in (
        ("d.year", flt.years),
        ("d.billing_period", flt.periods),
        ("d.product_type", flt.product_types),
        ("d.association_type", flt.association_types),
        ("d.billing_mode", flt.billing_modes),
        ("d.statement_status", flt.statuses),
    ):
        if values:
            where.append(_in(column, values, params))
    if flt.statement_id is not None:
        where.append("d.statement_id = ?")
        params.append(flt.statement_id)
    return with_, f"{from_} WHERE {' AND '.join(where)}", params


_DETAIL_ORDER = "ORDER BY d.billing_period DESC, d.transaction_date DESC, d.transaction_id"


def incentive_details_page(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter, limit: int, offset: int
) -> pl.DataFrame:
    """One page of the filtered incentive detail rows (LIMIT/OFFSET in SQL)."""
    with_, base, params = _details_from(con, viewer, flt)
    sql = f"{with_} SELECT {DETAIL_COLUMNS} {base} {_DETAIL_ORDER} LIMIT ? OFFSET ?"
    return _frame(con, sql, [*params, int(limit), int(offset)])


def incentive_details_totals(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter
) -> DetailTotals:
    """Row count and incentive total of the filtered rows (hidden amounts not summed)."""
    with_, base, params = _details_from(con, viewer, flt)
    sql = f"""{with_} SELECT count(*),
        coalesce(sum(CASE WHEN {_MASK} THEN d.incentive_amount END), 0)::DECIMAL(18,2),
        count(*) FILTER (WHERE NOT {_MASK}) {base}"""
    rows, amount, hidden = con.execute(sql, params).fetchone()  # type: ignore[misc]
    return DetailTotals(int(rows), Decimal(amount), int(hidden))


def incentive_details_export(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, flt: DetailFilter, max_rows: int
) -> pl.DataFrame:
    """Every filtered row (up to `max_rows`), in page order, for CSV/Excel export."""
    with_, base, params = _details_from(con, viewer, flt)
    sql = f"{with_} SELECT {DETAIL_COLUMNS} {base} {_DETAIL_ORDER} LIMIT ?"
    return _frame(con, sql, [*params, int(max_rows)]).drop("full_access")


@dataclass(frozen=True)
class DetailOptions:
    years: list[int] = field(default_factory=list)
    periods: list[str] = field(default_factory=list)
    product_types: list[str] = field(default_factory=list)
    association_types: list[str] = field(default_factory=list)
    billing_modes: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


def incentive_detail_options(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> DetailOptions:
    """The values the filters offer, from the rows the viewer may see."""
    with_, base, params = _details_from(con, viewer, DetailFilter())
    sql = f"""{with_} SELECT
        list_sort(list_distinct(list(d.year)), 'DESC'),
        list_sort(list_distinct(list(d.billing_period)), 'DESC'),
        list_sort(list_distinct(list(d.product_type))),
        list_sort(list_distinct(list(d.association_type))),
        list_sort(list_distinct(list(d.billing_mode))),
        list_sort(list_distinct(list(d.statement_status))) {base}"""
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
    incentive by status and in total."""
    base, params = _board_from(viewer, year, supervisor_id, customer_manager_id)
    sql = f"""SELECT b.supervisor_id, b.supervisor_name, b.customer_manager_id,
        b.customer_manager_name,
        sum(b.incentive_amount) FILTER (WHERE b.status = 'estimated')::DECIMAL(18,2) AS estimated,
        sum(b.incentive_amount) FILTER (WHERE b.status = 'pending_confirmation')::DECIMAL(18,2)
            AS pending_confirmation,
        sum(b.incentive_amount) FILTER (WHERE b.status = 'issuing')::DECIMAL(18,2) AS issuing,
        sum(b.incentive_amount) FILTER (WHERE b.status = 'issued')::DECIMAL(18,2) AS issued,
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
    """Indicator values of the partner (partner admins only), by period and catalog order."""
    params: list[object] = [viewer.partner_id, viewer.role]
    extra = f"AND {_in('i.reconciliation_period', periods, params)}" if periods else ""
    sql = f"""SELECT i.reconciliation_period, i.indicator_code, i.indicator_name_zh,
        i.indicator_name_en, i.statistical_method, i.statistical_period, i.indicator_value
        FROM marts.indicators i
        WHERE i.partner_id = ? AND ? = 'partner_admin' {extra}
        ORDER BY i.reconciliation_period DESC, i.indicator_code"""
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


def customer_warnings(
    con: duckdb.DuckDBPyConnection, viewer: Viewer, resellers_customers: bool = False
) -> pl.DataFrame:
    """The latest day's warnings of the viewer's customers, or (a distributor's tab) of its
    resellers' customers. `detail` may carry amounts: NULL where access is basic."""
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
            first_seen, CASE WHEN is_full THEN detail END AS detail
        FROM scoped WHERE warning_date = (SELECT max(warning_date) FROM scoped)
        ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
            first_seen, customer_name, warning_type"""
    return _frame(con, sql, params)


# ---------------------------------------------------------------- sub-customers, resources


def sub_customers(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Every customer the viewer sees; credit, discount and balance only with full access."""
    cte, params = _access_cte(viewer)
    sql = f"""WITH {cte}
        SELECT s.customer_id, s.customer_name, s.account_name, s.association_type,
            s.owner_partner_id, s.associated_at, s.is_own_customer, s.industry, s.region,
            CASE WHEN a.is_full THEN s.credit_limit END AS credit_limit,
            CASE WHEN a.is_full THEN s.discount_rate END AS discount_rate,
            CASE WHEN a.is_full THEN s.available_balance END AS available_balance
        FROM marts.sub_customers s JOIN access a ON a.customer_id = s.customer_id
        WHERE s.viewer_partner_id = ?
        ORDER BY s.is_own_customer DESC, s.customer_name, s.customer_id"""
    return _frame(con, sql, [*params, viewer.partner_id])


# A resource expiring within this many days of the as-of date is highlighted (rule 6's
# expiring_resource window).
EXPIRING_SOON_DAYS = 15


def customer_resources(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Resources of the viewer's full-access customers, with days to expiry counted from
    the publication's as-of date: soonest future expiry first, then the expired, then those
    without an expiry (on demand)."""
    cte, params = _access_cte(viewer)
    sql = f"""WITH {cte},
        as_of AS (SELECT as_of_date FROM marts.publication)
        SELECT r.customer_id, s.customer_name, r.resource_id, r.product_type, r.billing_mode,
            r.start_date, r.expire_date, r.status,
            datediff('day', as_of.as_of_date, r.expire_date) AS days_to_expiry,
            coalesce(datediff('day', as_of.as_of_date, r.expire_date) BETWEEN 0 AND ?, FALSE)
                AS expiring_soon
        FROM marts.customer_resources r
        CROSS JOIN as_of
        JOIN access a ON a.customer_id = r.customer_id AND a.is_full
        JOIN marts.sub_customers s
            ON s.customer_id = r.customer_id AND s.viewer_partner_id = ?
        ORDER BY r.expire_date IS NULL, r.expire_date < as_of.as_of_date, r.expire_date,
            s.customer_name, r.resource_id"""
    return _frame(con, sql, [*params, EXPIRING_SOON_DAYS, viewer.partner_id])


# ---------------------------------------------------------------- data quality (admins only)
#
# The audit tables describe files, not customers: the load counts, files not loaded and
# withdrawn files are shown to every partner admin. A quarantined row carries raw values, so
# it is shown to the partner(s) it names (its partner_id, or the partner with full access to
# its customer_id) and, when it names no known partner or customer (a whole file, a row whose
# ids are missing or unknown), to every partner admin: nobody else could fix it. A rejected
# association event is shown to the partner it named. Staff get no rows (docs/RULES.md,
# "Data quality").


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
            q.raw_record
        FROM visible q
        WHERE {admin} {source_filter}
        ORDER BY q.partition_date DESC NULLS LAST, q.source, q.file, q.row_number NULLS FIRST,
            q.column_name"""
    return _frame(con, sql, params)


def rejected_associations(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """The viewer partner's association events the rules rejected, with the reason."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    sql = f"""SELECT e.event_time, e.event_id, e.customer_id, c.customer_name, e.event_type,
            e.association_type, e.invitation_channel, s.staff_name AS customer_manager_name,
            e.rejection_reason
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
    sql = f"""SELECT file, reason FROM audit.files_not_loaded WHERE {admin} ORDER BY file"""
    return _frame(con, sql, params)


def withdrawn_files(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """Files whose rows a run withdrew (removed from the landing folder, or replaced)."""
    params: list[object] = []
    admin = _admin_only(viewer, params)
    sql = f"""SELECT withdrawn_at, source, partition_date, file, reason, rows_withdrawn
        FROM audit.file_withdrawals WHERE {admin}
        ORDER BY withdrawn_at DESC, file"""
    return _frame(con, sql, params)
