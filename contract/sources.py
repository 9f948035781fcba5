"""The landing sources: one pandera schema per source, the single description of each file.

A schema gives, per column, its English name (the attribute), its Chinese partner-center
header (`metadata["zh"]`), its type, whether it may be empty, and its allowed values with
their Chinese spellings (`metadata["values_zh"]`). The key and the kind of source
(snapshot or events) sit beside it in `SOURCES`. Readers, the generator, the raw tables
and the docs are all derived from these classes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import polars as pl

from contract.pandera_polars import pa, pe

# A row-level sanity bound: no single export row of a partner is worth a billion yuan.
MAX_AMOUNT = 1_000_000_000

MONEY = {"dtype_kwargs": {"precision": 18, "scale": 2}}
FRACTION = {"dtype_kwargs": {"precision": 9, "scale": 6}}

PARTNER_TYPES = {
    "总经销商": "distributor",
    "云经销商": "reseller",
    "解决方案提供商": "solution_provider",
}
DEVELOPMENT_STAGES = {"注册": "registered", "认证": "certified", "差异化": "differentiated"}
ROLES = {"主管": "supervisor", "客户经理": "customer_manager"}
EVENT_TYPES = {"关联": "associate", "解除关联": "disassociate"}
ASSOCIATION_TYPES = {"代售类": "reseller", "顾问销售类": "referral"}
INVITATION_CHANNELS = {"线上": "online", "线下": "offline"}
ORDER_STATUSES = {"已支付": "paid", "已退订": "refunded", "已取消": "cancelled"}
BILLING_MODES = {"按需": "on_demand", "包年/包月": "yearly_monthly"}
RESOURCE_STATUSES = {
    "运行中": "active",
    "已过期": "expired",
    "已冻结": "frozen",
    "已释放": "released",
}
# Huawei's incentive detail export (激励明细, S14) and its statements (激励账单, S1).
DETAIL_TRANSACTION_TYPES = {
    "订单": "order",
    "退订": "refund",
    "按需消费": "consumption",
    "项目": "project",
}
INCENTIVE_TYPES = {"基础激励": "base", "加速激励": "acceleration"}
STATEMENT_STATUSES = {
    "预估": "estimated",
    "待确认": "pending_confirmation",
    "发放中": "issuing",
    "发放成功": "issued",
}
BILLING_PERIOD = r"^20\d{2}(0[1-9]|1[0-2])$"
STATEMENT_EVENT_TYPES = {
    "已生成": "generated",
    "伙伴已确认": "partner_confirmed",
    "运营已审核": "ops_approved",
    "已收到发票": "invoice_received",
    "发票已驳回": "invoice_rejected",
    "已支付": "paid",
}


def text(zh: str, *, required: bool = False, unique: bool = False) -> object:
    return pa.Field(nullable=not required, unique=unique, metadata={"zh": zh})


def enum(zh: str, values_zh: dict[str, str], *, required: bool = True) -> object:
    return pa.Field(
        nullable=not required,
        isin=sorted(values_zh.values()),
        metadata={"zh": zh, "values_zh": values_zh},
    )


def money(zh: str, *, required: bool = True) -> object:
    return pa.Field(nullable=not required, ge=0, le=MAX_AMOUNT, metadata={"zh": zh}, **MONEY)


def signed_money(zh: str, *, required: bool = True) -> object:
    """Money that a refund makes negative (Huawei's detail lines, its statements)."""
    return pa.Field(
        nullable=not required, ge=-MAX_AMOUNT, le=MAX_AMOUNT, metadata={"zh": zh}, **MONEY
    )


def fraction(zh: str, *, required: bool = True) -> object:
    return pa.Field(nullable=not required, ge=0, le=1, metadata={"zh": zh}, **FRACTION)


def period(zh: str = "账期") -> object:
    return pa.Field(nullable=False, str_matches=BILLING_PERIOD, metadata={"zh": zh})


def moment(zh: str, *, required: bool = True) -> object:
    return pa.Field(nullable=not required, metadata={"zh": zh})


class Partners(pa.DataFrameModel):
    partner_id: str = text("伙伴ID", required=True, unique=True)
    partner_name: str = text("伙伴名称", required=True)
    partner_type: str = enum("伙伴类型", PARTNER_TYPES)
    parent_partner_id: str | None = text("上级伙伴ID")
    development_stage: str = enum("发展阶段", DEVELOPMENT_STAGES)

    @pa.dataframe_check(error="a reseller must name its distributor in parent_partner_id")
    def reseller_has_parent(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("partner_type") != "reseller") | pl.col("parent_partner_id").is_not_null()
        )


class Staff(pa.DataFrameModel):
    staff_id: str = text("员工ID", required=True, unique=True)
    partner_id: str = text("伙伴ID", required=True)
    staff_name: str = text("员工姓名", required=True)
    role: str = enum("角色", ROLES)
    supervisor_id: str | None = text("主管ID")

    @pa.dataframe_check(error="a customer manager must name their supervisor in supervisor_id")
    def manager_has_supervisor(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("role") != "customer_manager") | pl.col("supervisor_id").is_not_null()
        )


class Customers(pa.DataFrameModel):
    customer_id: str = text("客户ID", required=True, unique=True)
    customer_name: str = text("客户名称", required=True)
    account_name: str = text("账号名", required=True)
    account_created_at: pl.Datetime = moment("账号创建时间")
    industry: str | None = text("行业")
    region: str | None = text("区域")
    is_new_customer: bool = pa.Field(nullable=False, metadata={"zh": "是否新客户"})


class Associations(pa.DataFrameModel):
    event_id: str = text("事件ID", required=True, unique=True)
    customer_id: str = text("客户ID", required=True)
    partner_id: str = text("伙伴ID", required=True)
    event_type: str = enum("事件类型", EVENT_TYPES)
    association_type: str | None = enum("关联类型", ASSOCIATION_TYPES, required=False)
    invitation_channel: str | None = enum("邀请方式", INVITATION_CHANNELS, required=False)
    customer_manager_id: str | None = text("客户经理ID")
    event_time: pl.Datetime = moment("事件时间")

    @pa.dataframe_check(
        error="an associate event needs association_type, invitation_channel and customer_manager_id"
    )
    def associate_is_complete(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("event_type") != "associate")
            | (
                pl.col("association_type").is_not_null()
                & pl.col("invitation_channel").is_not_null()
                & pl.col("customer_manager_id").is_not_null()
            )
        )


class Orders(pa.DataFrameModel):
    order_no: str = text("订单号", required=True, unique=True)
    customer_id: str = text("客户ID", required=True)
    product_type: str = text("产品类型", required=True)
    product_name: str | None = text("产品名称")
    order_time: pl.Datetime = moment("下单时间")
    list_amount: pe.Decimal = money("官网价")
    discount_amount: pe.Decimal = money("折扣金额")
    voucher_amount: pe.Decimal = money("代金券金额")
    paid_amount: pe.Decimal = money("实付金额")
    order_status: str = enum("订单状态", ORDER_STATUSES)
    refund_time: pl.Datetime | None = moment("退订时间", required=False)
    refund_amount: pe.Decimal | None = money("退订金额", required=False)
    project_id: str | None = text("项目ID")

    @pa.dataframe_check(error="a refunded order needs refund_time and refund_amount")
    def refund_is_complete(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("order_status") != "refunded")
            | (pl.col("refund_time").is_not_null() & pl.col("refund_amount").is_not_null())
        )

    @pa.dataframe_check(error="refund_amount is larger than paid_amount")
    def refund_within_paid(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("refund_amount").is_null() | (pl.col("refund_amount") <= pl.col("paid_amount"))
        )

    @pa.dataframe_check(error="refund_time is before order_time")
    def refund_after_order(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("refund_time").is_null() | (pl.col("refund_time") >= pl.col("order_time"))
        )


class Consumption(pa.DataFrameModel):
    usage_date: pl.Date = moment("消费日期")
    customer_id: str = text("客户ID", required=True)
    resource_id: str = text("资源ID", required=True)
    product_type: str = text("产品类型", required=True)
    consumption_amount: pe.Decimal = money("消费金额")
    voucher_amount: pe.Decimal = money("代金券金额")
    paid_amount: pe.Decimal = money("现金支付金额")


class Resources(pa.DataFrameModel):
    resource_id: str = text("资源ID", required=True, unique=True)
    customer_id: str = text("客户ID", required=True)
    product_type: str = text("产品类型", required=True)
    billing_mode: str = enum("计费模式", BILLING_MODES)
    start_date: pl.Date = moment("开始日期")
    expire_date: pl.Date | None = moment("到期日期", required=False)
    status: str = enum("状态", RESOURCE_STATUSES)

    @pa.dataframe_check(error="expire_date is before start_date")
    def expires_after_start(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("expire_date").is_null() | (pl.col("expire_date") >= pl.col("start_date"))
        )


class Balances(pa.DataFrameModel):
    snapshot_date: pl.Date = moment("快照日期")
    customer_id: str = text("客户ID", required=True)
    # A balance goes below zero when the customer is in arrears.
    available_balance: pe.Decimal = pa.Field(
        nullable=False, ge=-MAX_AMOUNT, le=MAX_AMOUNT, metadata={"zh": "可用余额"}, **MONEY
    )
    credit_limit: pe.Decimal = money("信用额度")
    discount_rate: pe.Decimal = fraction("折扣率")


class StatementEvents(pa.DataFrameModel):
    partner_id: str = text("伙伴ID", required=True)
    billing_period: str = period()
    event_type: str = enum("事件类型", STATEMENT_EVENT_TYPES)
    event_time: pl.Datetime = moment("事件时间")


class Projects(pa.DataFrameModel):
    project_id: str = text("项目ID", required=True, unique=True)
    partner_id: str = text("伙伴ID", required=True)
    customer_id: str = text("客户ID", required=True)
    offering_name: str | None = text("伙伴解决方案名称")
    start_date: pl.Date = moment("开始日期")
    committee_approved_amount: pe.Decimal | None = money("委员会批准金额", required=False)


class IncentivePolicies(pa.DataFrameModel):
    policy_id: str = text("政策ID", required=True, unique=True)
    policy_name: str | None = text("政策名称")
    partner_type: str = enum("伙伴类型", PARTNER_TYPES)
    association_type: str = enum("关联类型", ASSOCIATION_TYPES)
    product_type: str = text("产品类型", required=True)
    rate: pe.Decimal = fraction("激励比例")
    valid_from: pl.Date = moment("生效日期")
    valid_to: pl.Date | None = moment("失效日期", required=False)

    @pa.dataframe_check(error="valid_to is before valid_from")
    def valid_range(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("valid_to").is_null() | (pl.col("valid_to") >= pl.col("valid_from"))
        )


class HuaweiIncentiveDetails(pa.DataFrameModel):
    """Huawei's incentive detail export (激励明细, S14) as the partner center lists it, one
    row per line: what Huawei says it pays, reconciled line by line with the warehouse
    (docs/RULES.md, "Reconciliation with Huawei's export"). `detail_id` is the line's id in
    the export, the landing key; the match itself never uses it."""

    detail_id: str = text("明细ID", required=True, unique=True)
    billing_period: str = period()
    partner_id: str = text("伙伴ID", required=True)
    transaction_type: str = enum("明细类型", DETAIL_TRANSACTION_TYPES)
    order_no: str | None = text("订单号")
    resource_id: str | None = text("资源ID")
    usage_date: pl.Date | None = moment("消费日期", required=False)
    project_id: str | None = text("项目ID")
    customer_name: str | None = text("客户名称")
    account_name: str | None = text("账号名")
    reseller_name: str | None = text("二级经销商")
    customer_manager_name: str | None = text("客户经理")
    product_type: str | None = text("产品类型")
    incentive_type: str = enum("激励类型", INCENTIVE_TYPES)
    eligible_amount: pe.Decimal = signed_money("业绩金额")
    rate: pe.Decimal | None = fraction("激励比例", required=False)
    incentive_amount: pe.Decimal = signed_money("激励金额")
    statement_status: str | None = enum("账单状态", STATEMENT_STATUSES, required=False)

    @pa.dataframe_check(
        error="a line needs its reference: order_no (order, refund), resource_id and "
        "usage_date (consumption) or project_id (project)"
    )
    def line_has_reference(cls, data: pa.PolarsData) -> pl.LazyFrame:
        kind = pl.col("transaction_type")
        return data.lazyframe.select(
            pl.when(kind.is_in(["order", "refund"]))
            .then(pl.col("order_no").is_not_null())
            .when(kind == "consumption")
            .then(pl.col("resource_id").is_not_null() & pl.col("usage_date").is_not_null())
            .otherwise(pl.col("project_id").is_not_null())
        )


class HuaweiStatements(pa.DataFrameModel):
    """The incentive statements as Huawei shows them (激励账单): one per partner and period."""

    partner_id: str = text("伙伴ID", required=True)
    billing_period: str = period()
    incentive_amount: pe.Decimal = signed_money("激励金额")
    status: str = enum("账单状态", STATEMENT_STATUSES)


@dataclass(frozen=True)
class Source:
    """A landing source: its schema, its key, and whether its rows are snapshots or events."""

    name: str
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    kind: str  # "snapshot", "events" or "facts"
    grain: str  # what one row of its raw table is (dbt's source docs, docs/ARCHITECTURE.md)

    @property
    def schema(self) -> pa.DataFrameSchema:
        return _schema(self.model)

    @property
    def columns(self) -> list[str]:
        return list(self.schema.columns)

    @property
    def required_columns(self) -> list[str]:
        """The columns a row may not leave empty; a file without one cannot be loaded."""
        return [name for name, col in self.schema.columns.items() if not col.nullable]

    def chinese_headers(self) -> dict[str, str]:
        """English column name -> Chinese header."""
        return {name: col.metadata["zh"] for name, col in self.schema.columns.items()}

    def header_aliases(self) -> dict[str, str]:
        """Every accepted header (English or Chinese) -> English column name."""
        aliases = {name: name for name in self.columns}
        aliases.update({zh: name for name, zh in self.chinese_headers().items()})
        return aliases

    def enum_values(self) -> dict[str, dict[str, str]]:
        """Enum column -> {accepted spelling (English or Chinese) -> English value}."""
        out: dict[str, dict[str, str]] = {}
        for name, col in self.schema.columns.items():
            values_zh = (col.metadata or {}).get("values_zh")
            if values_zh:
                out[name] = {**{v: v for v in values_zh.values()}, **values_zh}
        return out

    def dtypes(self) -> dict[str, pl.DataType]:
        return {name: col.dtype.type for name, col in self.schema.columns.items()}


@functools.cache
def _schema(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    return model.to_schema()


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        Source(
            "partners",
            Partners,
            ("partner_id",),
            "snapshot",
            grain="one row per partner (latest snapshot)",
        ),
        Source("staff", Staff, ("staff_id",), "snapshot", grain="one row per staff member"),
        Source(
            "customers",
            Customers,
            ("customer_id",),
            "snapshot",
            grain="one row per customer (Huawei Cloud account)",
        ),
        Source(
            "associations",
            Associations,
            ("event_id",),
            "events",
            grain="one row per association event (accepted or not)",
        ),
        Source("orders", Orders, ("order_no",), "facts", grain="one row per yearly/monthly order"),
        Source(
            "consumption",
            Consumption,
            ("usage_date", "resource_id"),
            "facts",
            grain="one row per resource and usage day (on-demand)",
        ),
        Source("resources", Resources, ("resource_id",), "snapshot", grain="one row per resource"),
        Source(
            "balances",
            Balances,
            ("snapshot_date", "customer_id"),
            "facts",
            grain="one row per customer and snapshot date",
        ),
        Source(
            "statement_events",
            StatementEvents,
            ("partner_id", "billing_period", "event_type", "event_time"),
            "events",
            grain="one row per statement event",
        ),
        Source(
            "projects",
            Projects,
            ("project_id",),
            "snapshot",
            grain="one row per continuous commercial project",
        ),
        Source(
            "incentive_policies",
            IncentivePolicies,
            ("policy_id",),
            "snapshot",
            grain="one row per policy version",
        ),
        Source(
            "huawei_incentive_details",
            HuaweiIncentiveDetails,
            ("detail_id",),
            "facts",
            grain="one row per line of Huawei's incentive detail export (激励明细)",
        ),
        Source(
            "huawei_statements",
            HuaweiStatements,
            ("partner_id", "billing_period"),
            "snapshot",
            grain="one row per partner and billing period as Huawei shows its statements",
        ),
    )
}
