"""Security: parameterized SQL everywhere, hostile input in every user-supplied argument,
rule 7 in SQL for every role, spreadsheet formula injection in exports, and no password or
hash in any output or log."""

from __future__ import annotations

import ast
import inspect
import io
import logging
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from figures import record

from dashboards import auth, export
from dashboards import queries as q
from dashboards import warehouse as dash_warehouse
from dashboards.users import add_user, load_users

# The dashboards' fixture warehouse (tests/dashboards), on sys.path only when pytest also
# collects that folder. (No conftest.py here: the dashboards' tests import theirs by name.)
sys.path.append(str(Path(__file__).resolve().parents[1] / "dashboards"))
from fixture_warehouse import publish

REPO = Path(__file__).resolve().parents[2]
ADMIN_OPTIONS = ["--role", "partner_admin", "--partner-id", "D1"]
PASSWORD = "Correct-Horse-9-battery"
# The fixture warehouse's partners and staff (tests/dashboards/fixture_warehouse.py).
VIEWERS = {
    "distributor admin": q.Viewer("admin-d1", "partner_admin", "D1"),
    "reseller admin": q.Viewer("admin-r1", "partner_admin", "R1"),
    "supervisor": q.Viewer("sup1", "supervisor", "D1", "SUP1"),
    "customer manager": q.Viewer("cm1", "customer_manager", "D1", "CM1"),
}
HOSTILE = [
    "' OR 1=1 --",
    "'; DROP TABLE marts.sub_customers; --",
    "%' OR '1'='1",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "D1' --",
    "1); SELECT * FROM marts.customer_access; --",
    "' UNION SELECT customer_id, NULL FROM marts.sub_customers --",
    "\x00",
    "ＤＲＯＰ ＴＡＢＬＥ",
    "x" * 5000,
]


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("published")
    publish(folder, 1)
    cursor = dash_warehouse.current(folder).cursor()
    yield cursor
    cursor.close()


# ---------------------------------------------------------------- parameterized SQL


def interpolated_parameters() -> list[str]:
    """Every f-string value in dashboards/queries.py that comes from a function's own
    parameters (user input reaches the functions as parameters), as `function: name`."""
    tree = ast.parse(inspect.getsource(q))
    found = []
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        parameters = {a.arg for a in function.args.args + function.args.kwonlyargs}
        for fstring in (n for n in ast.walk(function) if isinstance(n, ast.JoinedStr)):
            for value in (v for v in fstring.values if isinstance(v, ast.FormattedValue)):
                names = {n.id for n in ast.walk(value.value) if isinstance(n, ast.Name)}
                found += [f"{function.name}: {name}" for name in sorted(names & parameters)]
    return found


def test_no_user_value_is_formatted_into_sql() -> None:
    # Each reviewed: `_in` formats a column name its callers take from literal tuples
    # (checked below) and one `?` per value; `indicators` hands `periods` to `_in`, which
    # binds them; `Viewer.__post_init__` formats an error message, not SQL;
    # `_search_predicate` formats `field.column` and `field.directory`, which are the
    # constants of SEARCH_PREDICATES (checked below), and binds the text and the ids;
    # `contains_text` formats a column name its callers pass as a literal and binds the
    # text;
    # `_settled_or_owned` formats a table alias its callers pass as a literal and binds the
    # partner ids. `_count`, `_rows_sql` and `_with` assemble SQL other functions built
    # (CTEs, FROM/WHERE with `?`, one of two constant orders, a bound LIMIT/OFFSET) and
    # `_days_predicate` binds every day's values; `_detail_scope` formats the table
    # constants FACTS or DAILY; `_raw_record` formats a source name and a WHERE clause
    # from the constant `_SOURCE_OF` and binds the keys; `_statement_cells` formats
    # conditions its callers pass as literals or from `_in`, and binds the values; `quarantined_rows` hands `sources` to
    # `_in`, which binds them; `_optional_columns` formats a table alias its callers pass as
    # a literal, with column names and types from the constants QUARANTINE_CODES and
    # REJECTION_CODES, and binds the table's name. A new entry here is a new way for input
    # to reach SQL text: bind it as a parameter instead.
    assert sorted(set(interpolated_parameters())) == [
        "__post_init__: self",
        "_count: sql",
        "_detail_scope: table",
        "_in: column",
        "_in: values",
        "_optional_columns: alias",
        "_raw_record: source",
        "_raw_record: where",
        "_rows_sql: base",
        "_rows_sql: ctes",
        "_rows_sql: days",
        "_rows_sql: params",
        "_search_predicate: field",
        "_settled_or_owned: alias",
        "_statement_cells: condition",
        "_with: ctes",
        "contains_text: column",
        "indicators: periods",
        "quarantined_rows: sources",
    ]
    assert all(isinstance(field, q.SearchField) for field in q.SEARCH_PREDICATES.values())
    tree = ast.parse(inspect.getsource(q))
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "_in"
    ]
    assert calls
    for call in calls:
        first = call.args[0]
        assert (
            isinstance(first, ast.Constant)
            or (isinstance(first, ast.Name) and first.id == "column")
            or ast.unparse(first) == "field.column"
        ), ast.dump(first)
    # Every execute passes its values separately from its SQL text.
    executes = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr in ("execute", "sql")
    ]
    assert executes
    for call in executes:
        assert len(call.args) == 2, ast.unparse(call)


def hostile_calls(viewer: q.Viewer, text: str) -> dict[str, object]:
    """Every query the dashboards make, with `text` in each argument a user can set."""
    day = date(2026, 11, 1)
    return {
        "details page": lambda c: q.incentive_details_page(
            c, viewer, q.DetailFilter(search=text), 50, 0
        ),
        "details statement": lambda c: q.incentive_details_export(
            c, viewer, q.DetailFilter(statement_id=text), 100
        ),
        "details periods": lambda c: q.incentive_details_totals(
            c, viewer, q.DetailFilter(periods=(text,), product_types=(text,), statuses=(text,))
        ),
        "details types": lambda c: q.incentive_details_export(
            c,
            viewer,
            q.DetailFilter(association_types=(text,), billing_modes=(text,), search_in=text),
            100,
        ),
        "source record": lambda c: q.source_record(c, viewer, text),
        "details search in statements": lambda c: q.incentive_details_totals(
            c, viewer, q.DetailFilter(search=text, search_in="statement")
        ),
        "board supervisor": lambda c: q.incentive_board_trend(c, viewer, 2026, text, None),
        "board manager": lambda c: q.incentive_board_summary(c, viewer, 2026, None, text),
        "indicator periods": lambda c: q.indicators(c, viewer, (text,)),
        "breakdown dimension": lambda c: q.customer_board_breakdown(c, viewer, "month", text, day),
    }


@pytest.mark.parametrize("role", list(VIEWERS))
def test_hostile_text_in_every_user_argument_finds_nothing_and_breaks_nothing(con, role):
    viewer = VIEWERS[role]
    before = con.execute("select count(*) from marts.sub_customers").fetchone()
    tried = 0
    for text in HOSTILE:
        for name, call in hostile_calls(viewer, text).items():
            result = call(con)
            tried += 1
            if name == "details types":  # an unknown search field falls back to "any"
                assert result.is_empty(), (name, text)
            elif isinstance(result, q.DetailTotals):
                assert result.rows == 0, (name, text)
            elif name == "source record":
                assert result is None, (name, text)
            else:
                assert result.is_empty(), (name, text)
        with pytest.raises(ValueError):
            q.customer_board(con, viewer, text)  # the grain is checked against a list
        tried += 1
    assert con.execute("select count(*) from marts.sub_customers").fetchone() == before
    record("hostile", role=role, inputs=tried)


def test_a_forged_viewer_cannot_widen_its_access(con):
    for forged in (
        q.Viewer("x", "partner_admin", "D1' OR '1'='1"),
        q.Viewer("x", "supervisor", "D1", "SUP1' OR '1'='1"),
        q.Viewer("x", "customer_manager", "' OR 1=1 --", "CM1"),
    ):
        assert q.sub_customers(con, forged).is_empty()
        assert q.incentive_details_export(con, forged, q.DetailFilter(), 100).is_empty()
        assert q.customer_warnings(con, forged).is_empty()
    with pytest.raises(ValueError):
        q.Viewer("x", "admin' --", "D1")
    record("hostile", role="forged viewer", inputs=7)


# ---------------------------------------------------------------- rule 7, every role


def access_of(con, viewer: q.Viewer) -> dict[str, str]:
    """customer -> widest access level, read straight from the mart (rule 7 as data)."""
    rows = con.execute(
        "select customer_id, max(access_level) from marts.customer_access "
        "where viewer_kind = ? and viewer_id = ? group by 1",
        [viewer.viewer_kind, viewer.viewer_id],
    ).fetchall()
    # 'full' > 'basic' alphabetically, so max is the widest.
    return dict(rows)


@pytest.mark.parametrize("role", list(VIEWERS))
def test_rule_7_every_customer_view_is_cut_to_the_viewers_access(con, role):
    viewer = VIEWERS[role]
    access = access_of(con, viewer)
    subs = q.sub_customers(con, viewer)
    assert set(subs["customer_id"]) <= set(access)
    for row in subs.iter_rows(named=True):
        hidden = [row[c] is None for c in ("credit_limit", "discount_rate", "available_balance")]
        if access[row["customer_id"]] == "basic":
            assert all(hidden), row
    warnings = pl.concat(
        [q.customer_warnings(con, viewer), q.customer_warnings(con, viewer, True)], how="vertical"
    )
    assert set(warnings["customer_id"]) <= set(access)
    resources = q.customer_resources(con, viewer)
    assert {access[c] for c in resources["customer_id"]} <= {"full"}
    if not viewer.is_admin:
        # Statements and indicators are the partner's own figures: admins only.
        assert q.incentive_statements(con, viewer).is_empty()
        assert q.indicators(con, viewer).is_empty()


def test_rule_7_access_by_role_as_computed_by_hand(con):
    """The fixture: D1 owns C1-C4 (CM1: C1, C2; CM2: C3 under SUP1), R1 (D1's reseller) owns
    C5 and C6, another partner owns C7."""
    views = {role: set(q.sub_customers(con, v)["customer_id"]) for role, v in VIEWERS.items()}
    assert views["customer manager"] == {"C1", "C2"}
    assert views["reseller admin"] == {"C5", "C6"}
    assert {"C1", "C2", "C3"} <= views["supervisor"] and "C5" not in views["supervisor"]
    assert {"C1", "C5", "C6"} <= views["distributor admin"]
    assert all("C7" not in seen for seen in views.values())


# ---------------------------------------------------------------- exports

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x")']


def hostile_frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "customer_name": [*FORMULAS, "普通客户"],
            "amount": pl.Series([-12.5] * len(FORMULAS) + [3.0]),
        }
    )


def test_csv_export_neutralizes_formulas() -> None:
    data = export.to_csv(hostile_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pl.read_csv(data[3:])
    names = back["customer_name"].to_list()
    assert names[:-1] == ["'" + f for f in FORMULAS]
    assert names[-1] == "普通客户"
    assert back["amount"].to_list()[0] == -12.5  # numbers stay numbers, signs and all
    record("hostile", role="csv export", inputs=len(FORMULAS))


def test_excel_export_neutralizes_formulas_and_holds_no_formula_cell() -> None:
    data = export.to_excel(hostile_frame())
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet
    back = pl.read_excel(data, infer_schema_length=0)
    names = back["customer_name"].to_list()
    assert [n.replace("_x000D_", "\r") for n in names[:-1]] == ["'" + f for f in FORMULAS]
    record("hostile", role="excel export", inputs=len(FORMULAS))


LINKS = [
    "http://evil.example/steal",
    "https://evil.example/steal",
    "mailto:boss@evil.example",
    "external:c:\\windows\\calc.exe",
    "external:x",
    "ftp://evil.example/f",
    "file:///etc/passwd",
    "HTTP://EVIL.EXAMPLE",
]


def test_excel_export_writes_link_looking_text_as_plain_text() -> None:
    frame = pl.DataFrame({"customer_name": LINKS, "account_name": ["0012"] * len(LINKS)})
    data = export.to_excel(frame)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
        relations = "".join(
            book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".rels")
        )
    assert "<hyperlink" not in sheet and "/hyperlink" not in relations
    assert "<f>" not in sheet and "<f " not in sheet
    back = pl.read_excel(data, infer_schema_length=0)
    assert back["customer_name"].to_list() == LINKS
    assert back["account_name"].to_list() == ["0012"] * len(LINKS)  # text, not the number 12
    record("hostile", role="excel links", inputs=len(LINKS))


def test_csv_export_keeps_link_looking_text_as_it_is() -> None:
    data = export.to_csv(pl.DataFrame({"customer_name": LINKS}))
    assert pl.read_csv(data[3:])["customer_name"].to_list() == LINKS


def test_neutralize_covers_every_formula_prefix() -> None:
    for text in FORMULAS:
        assert export.neutralize(text) == "'" + text
    assert export.neutralize("plain") == "plain" and export.neutralize(None) is None


# ---------------------------------------------------------------- passwords and logs


def test_users_command_never_prints_or_stores_the_password(tmp_path) -> None:
    users = tmp_path / "users.toml"
    command = [sys.executable, "-m", "partner_warehouse", "users", "--file", str(users)]
    added = subprocess.run(
        [*command, "add", "li.na", *ADMIN_OPTIONS, "--password-stdin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    listed = subprocess.run(
        [*command, "list"], capture_output=True, text=True, cwd=REPO, check=True
    )
    stored = users.read_text(encoding="utf-8")
    password_hash = load_users(users)["li.na"].password_hash
    assert password_hash.startswith("$2b$12$")  # bcrypt, 12 rounds
    assert PASSWORD not in stored
    assert os.stat(users).st_mode & 0o777 == 0o600
    for output in (added.stdout, added.stderr, listed.stdout, listed.stderr):
        assert PASSWORD not in output and password_hash not in output
        assert "$2b$" not in output


def test_logins_log_no_password_and_lock_after_five_failures(tmp_path, monkeypatch, caplog):
    users = tmp_path / "users.toml"
    add_user(users, "li.na", PASSWORD, "partner_admin", "D1", rounds=4)
    monkeypatch.setenv("PARTNER_WAREHOUSE_USERS", str(users))
    password_hash = load_users(users)["li.na"].password_hash
    clock = [0.0]
    limiter = auth.RateLimiter(max_failures=5, lock_seconds=300, clock=lambda: clock[0])
    caplog.set_level(logging.DEBUG)
    attempts = [auth.attempt("LI.NA ", f"guess-{i}", limiter) for i in range(5)]
    assert attempts == ["failed"] * 4 + ["locked"]
    assert auth.attempt("li.na", PASSWORD, limiter) == "locked"  # even the right one
    clock[0] = 301
    assert isinstance(auth.attempt("li.na", PASSWORD, limiter), q.Viewer)
    for secret in (PASSWORD, password_hash, "guess-0"):
        assert secret not in caplog.text
    record("hostile", role="password guesses", inputs=6)
