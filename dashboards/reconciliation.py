"""对账 / Reconciliation with Huawei's export: the reads of the page and the dispute file.

Who sees what: the reconciliation is the statements' business, so like
`queries.incentive_statements` it is for partner admins of the settlement partner only;
every query here filters by the viewer's partner and role in SQL.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import polars as pl

from dashboards import export
from dashboards.labels import value_label
from dashboards.queries import Viewer

MATCH_CLASSES = (
    "amount_differs",
    "only_in_warehouse",
    "only_in_huawei",
    "attributed_elsewhere",
    "matched",
)
LINE_COLUMNS = """statement_lines.billing_period, statement_lines.match_class,
    statement_lines.differing_component, statement_lines.match_method,
    statement_lines.transaction_type, statement_lines.order_no, statement_lines.resource_id,
    statement_lines.usage_date, statement_lines.project_id, statement_lines.incentive_type,
    coalesce(customers.customer_name, statement_lines.huawei_customer_name) as customer_name,
    coalesce(customers.account_name, statement_lines.huawei_account_name) as account_name,
    statement_lines.product_type, statement_lines.huawei_amount, statement_lines.warehouse_amount,
    statement_lines.difference, statement_lines.is_disputable,
    statement_lines.huawei_eligible_amount, statement_lines.warehouse_eligible_amount,
    statement_lines.huawei_rate, statement_lines.warehouse_rate, statement_lines.policy_id,
    statement_lines.association_id, statement_lines.association_type,
    statement_lines.attributed_partner_id, statement_lines.huawei_order_no,
    statement_lines.detail_id, statement_lines.source_file, statement_lines.source_row,
    statement_lines.evidence"""
_OF_STATEMENT = """where statement_lines.partner_id = ? and ? = 'partner_admin'
    and statement_lines.billing_period = ?"""
LINES_OF_STATEMENT = f"from marts.reconciliation_lines as statement_lines {_OF_STATEMENT}"
# The lines with their customer's names (the directory's, else Huawei's).
LINES_FROM = f"""from marts.reconciliation_lines as statement_lines
    left join marts.customer_directory as customers
        on statement_lines.customer_id = customers.customer_id
    {_OF_STATEMENT}"""


def reconciliation_statements(con: duckdb.DuckDBPyConnection, viewer: Viewer) -> pl.DataFrame:
    """The partner's reconciled statements, newest first."""
    return con.execute(
        """select billing_period, huawei_amount, warehouse_amount, difference,
            disputable_amount, lines_matched, lines_differing, lines_disputable,
            amount_differs_difference, only_in_huawei_difference,
            only_in_warehouse_difference, attributed_elsewhere_difference, statement_gap,
            huawei_status
        from marts.reconciliation_statements
        where partner_id = ? and ? = 'partner_admin'
        order by billing_period desc""",
        [viewer.partner_id, viewer.role],
    ).pl()


def class_counts(con: duckdb.DuckDBPyConnection, viewer: Viewer, period: str) -> dict[str, int]:
    """Lines per match class of one statement."""
    rows = con.execute(
        f"select statement_lines.match_class, count(*) as line_count {LINES_OF_STATEMENT} group by 1",
        [viewer.partner_id, viewer.role, period],
    ).fetchall()
    return {str(match_class): int(n) for match_class, n in rows}


def lines_page(
    con: duckdb.DuckDBPyConnection,
    viewer: Viewer,
    period: str,
    match_class: str,
    limit: int,
    offset: int,
) -> pl.DataFrame:
    """One page of a class's lines, the largest differences first."""
    return con.execute(
        f"""select {LINE_COLUMNS} {LINES_FROM} and statement_lines.match_class = ?
        order by abs(statement_lines.difference) desc, statement_lines.transaction_id asc
            limit ? offset ?""",
        [viewer.partner_id, viewer.role, period, match_class, limit, offset],
    ).pl()


def disputable_lines(con: duckdb.DuckDBPyConnection, viewer: Viewer, period: str) -> pl.DataFrame:
    """The lines worth disputing: Huawei pays less than the rules give, largest first."""
    return con.execute(
        f"""select {LINE_COLUMNS} {LINES_FROM} and statement_lines.is_disputable
        order by statement_lines.difference desc, statement_lines.transaction_id asc""",
        [viewer.partner_id, viewer.role, period],
    ).pl()


# The dispute file's columns: (column, Chinese header). Huawei reads Chinese: the file has
# Chinese headers whatever the page's language.
DISPUTE_COLUMNS = (
    ("billing_period", "账期"),
    ("transaction_type", "明细类型"),
    ("order_no", "订单号"),
    ("resource_id", "资源ID"),
    ("usage_date", "消费日期"),
    ("project_id", "项目ID"),
    ("customer_name", "客户名称"),
    ("account_name", "账号名"),
    ("product_type", "产品类型"),
    ("incentive_type", "激励类型"),
    ("match_class", "对账结果"),
    ("differing_component", "差异项"),
    ("huawei_amount", "华为激励金额"),
    ("warehouse_amount", "按规则应得激励金额"),
    ("difference", "差额"),
    ("huawei_eligible_amount", "华为业绩金额"),
    ("warehouse_eligible_amount", "按规则业绩金额"),
    ("huawei_rate", "华为激励比例"),
    ("warehouse_rate", "按规则激励比例"),
    ("evidence_zh", "依据"),
)
ENUM_COLUMNS = ("transaction_type", "incentive_type", "match_class", "differing_component")
MONEY_COLUMNS = ("huawei_amount", "warehouse_amount", "difference")
TOTAL_LABEL = "合计"


def evidence_zh(row: dict[str, object]) -> str:
    """The evidence of a line in Chinese: association, policy and rate, Huawei's line."""
    parts = []
    if row["association_id"]:
        kind = value_label("association_type", row["association_type"], "zh")
        parts.append(f"关联 {row['association_id']}（{kind}）")
    else:
        parts.append("交易时客户未与本伙伴关联")
    if row["incentive_type"] == "acceleration" and row["warehouse_eligible_amount"] is not None:
        parts.append(f"加速激励封顶前金额 {row['warehouse_eligible_amount']}")
    elif row["warehouse_rate"] is not None:
        parts.append(f"政策 {row['policy_id'] or '无'} 比例 {row['warehouse_rate']}")
    if row["attributed_partner_id"]:
        parts.append(f"按交易时关联归属伙伴 {row['attributed_partner_id']}")
    if row["detail_id"]:
        parts.append(
            f"华为明细 {row['detail_id']}（{row['source_file']} 第 {row['source_row']} 行）"
        )
    else:
        parts.append("华为激励明细中无此行")
    return "；".join(parts)


def dispute_frame(lines: pl.DataFrame) -> pl.DataFrame:
    """The disputable lines under Chinese headers, enum values in Chinese, the evidence, and
    a last row of totals (Huawei's amount, the rules' amount, the difference)."""
    with_evidence = lines.with_columns(
        pl.Series("evidence_zh", [evidence_zh(r) for r in lines.iter_rows(named=True)], pl.String)
    )
    labelled = with_evidence.with_columns(
        pl.col(name).map_elements(
            lambda v, kind=name: value_label(kind, v, "zh"), return_dtype=pl.String
        )
        for name in ENUM_COLUMNS
    ).with_columns(pl.col("usage_date").cast(pl.String))
    body = labelled.select(name for name, _ in DISPUTE_COLUMNS)
    totals = {name: None for name, _ in DISPUTE_COLUMNS} | {
        "billing_period": TOTAL_LABEL,
        **{name: sum_money(lines, name) for name in MONEY_COLUMNS},
    }
    total_row = pl.DataFrame([totals], schema=body.schema)
    return pl.concat([body, total_row]).rename(dict(DISPUTE_COLUMNS))


def sum_money(lines: pl.DataFrame, column: str) -> Decimal:
    return sum((v for v in lines.get_column(column).to_list() if v is not None), Decimal("0.00"))


def dispute_csv(lines: pl.DataFrame) -> bytes:
    return export.to_csv(dispute_frame(lines))


def dispute_xlsx(lines: pl.DataFrame) -> bytes:
    return export.to_excel(dispute_frame(lines), "争议明细")


def dispute_threshold(con: duckdb.DuckDBPyConnection) -> Decimal:
    """The seed parameter above which a line is worth disputing."""
    row = con.execute(
        """select cast(value as decimal(18, 2)) as threshold from seeds.business_parameters
        where parameter = 'reconciliation_dispute_threshold'"""
    ).fetchone()
    return Decimal(row[0]) if row else Decimal("0.00")
