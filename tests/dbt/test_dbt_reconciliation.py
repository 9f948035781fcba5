"""The reconciliation with Huawei's export on generated data: every planted difference of
the generator (tools.generate.huawei) is found, in its class, and nothing else is
flagged; the sums close per statement."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from reconciled_sample import ARGS, reconciled_warehouse

from dashboards import warehouse
from tools.generate import sample_huawei_export
from tools.generate.huawei import Planted

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The published copy of the shared build (tests/reconciled_sample.py)."""
    return warehouse.current(reconciled_warehouse(tmp_path_factory).published_root).path


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def transaction_id(p: Planted) -> str:
    return f"{p.transaction_type}:{p.reference}"


def test_every_planted_difference_is_found_and_nothing_else(published: Path) -> None:
    planted = sample_huawei_export(**ARGS).planted
    assert len(planted) == 8
    flagged = rows(
        published,
        """select transaction_id, match_class, differing_component from marts.reconciliation_lines
        where match_class != 'matched' order by 1""",
    )
    expected = sorted(
        (transaction_id(p), p.match_class, p.component)
        for p in planted
        if p.match_class != "matched"
    )
    assert flagged == expected
    fallback = [transaction_id(p) for p in planted if p.name == "fallback_match"]
    assert rows(
        published,
        "select transaction_id from marts.reconciliation_lines where match_method = 'fallback'",
    ) == [(fallback[0],)]


def test_planted_amounts_by_hand(published: Path) -> None:
    """The cap line: T11 caps an existing customer's 35,000 at 20,000, Huawei at 15,000;
    the rounding line differs by one cent; Huawei's extra order is 1,234.56 × its rate."""
    by_component = dict(
        rows(
            published,
            """select differing_component, difference from marts.reconciliation_lines
            where match_class = 'amount_differs'""",
        )
    )
    assert by_component["cap"] == Decimal("5000.00")
    assert by_component["rounding"] == Decimal("0.01")
    cap = rows(
        published,
        """select huawei_amount, warehouse_amount, warehouse_eligible_amount, is_disputable
        from marts.reconciliation_lines where differing_component = 'cap'""",
    )
    assert cap == [(Decimal("15000.00"), Decimal("20000.00"), Decimal("35000.00"), True)]
    ghost = rows(
        published,
        """select huawei_amount, huawei_eligible_amount * huawei_rate, is_disputable
        from marts.reconciliation_lines where match_class = 'only_in_huawei'""",
    )
    (amount, exact, disputable) = ghost[0]
    assert amount == Decimal(exact).quantize(Decimal("0.01")) and not disputable


def test_sums_close_per_statement(published: Path) -> None:
    statements = rows(
        published,
        """select s.partner_id, s.billing_period, s.huawei_amount, s.warehouse_amount,
            s.difference, s.statement_gap, sum(l.difference), w.incentive_amount
        from marts.reconciliation_statements s
        join marts.reconciliation_lines l using (partner_id, billing_period)
        join marts.incentive_statements w using (partner_id, billing_period)
        group by all""",
    )
    assert [(s[0], s[1]) for s in statements] == [("P3001", "202606")]
    for _, _, huawei, warehouse_amount, difference, gap, lines, statement in statements:
        assert gap == 0
        assert huawei + lines == warehouse_amount == statement
        assert difference == lines


def test_disputable_lines_are_where_huawei_pays_less(published: Path) -> None:
    disputable = rows(
        published,
        """select match_class, difference from marts.reconciliation_lines
        where is_disputable order by difference desc""",
    )
    assert all(d > Decimal("1.00") for _, d in disputable)
    assert {c for c, _ in disputable} <= {"amount_differs", "only_in_warehouse"}
    assert ("amount_differs", Decimal("5000.00")) == disputable[0]
