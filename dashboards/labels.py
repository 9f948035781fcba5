"""Every label the dashboards show, in Chinese and English, in one place.

`t(key, lang)` looks a label up; `value_label(kind, value, lang)` translates an enum value
(statuses, association types, ...) as DOMAIN spells it. A missing key raises, so a label
can never silently fall back to a raw key.
"""

from __future__ import annotations

from functools import cache

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key: (Chinese, English)
LABELS: dict[str, tuple[str, str]] = {
    # app and login
    "app_title": ("伙伴数据仓库", "Partner warehouse"),
    # The Chinese page names the switch in English too, so an English reader finds it; the
    # English page does not need the reverse: the choices themselves say 中文.
    "language": ("语言 / Language", "Language"),
    "login_title": ("登录", "Log in"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "login": ("登录", "Log in"),
    "logout": ("退出登录", "Log out"),
    "login_failed": ("用户名或密码错误。", "Wrong username or password."),
    "login_locked": (
        "登录失败次数过多，请在 {minutes} 分钟后重试。",
        "Too many failed logins: try again in {minutes} minutes.",
    ),
    "logged_in_as": ("当前用户：{user}（{role}）", "Logged in as {user} ({role})"),
    "no_users_file": (
        "尚未配置用户：请管理员先用 `python -m dashboards.users add` 添加用户。",
        "No users yet: an administrator adds them with `python -m dashboards.users add`.",
    ),
    "users_file_unreadable": (
        "用户文件格式有误，暂时无法登录：请管理员根据服务器日志修复该文件。",
        "The users file cannot be read, so nobody can log in: an administrator fixes it "
        "(the server log says where).",
    ),
    "users_skipped": (
        "用户文件中有条目无效，已被跳过（第 {lines} 行），详情见服务器日志。",
        "Invalid entries in the users file were skipped (line {lines}): see the server log.",
    ),
    "no_warehouse": (
        "尚未发布数据仓库：请先运行数据管道。",
        "No published warehouse yet: run the pipeline first.",
    ),
    "no_good_warehouse": (
        "已发布的数据无法读取，也没有可用的旧版本：请管理员重新运行数据管道（详情见服务器日志）。",
        "The published data cannot be read and there is no good earlier publication: an "
        "administrator runs the pipeline again (the server log says why).",
    ),
    "older_warehouse": (
        "最新发布的数据（{newest}）无法读取，当前显示上一个可用版本（{name}）。",
        "The newest publication ({newest}) cannot be read: showing the previous good one ({name}).",
    ),
    "warehouse_read_failed": (
        "读取已发布的数据时出错：请稍后重试或联系管理员（详情见服务器日志）。",
        "The published data could not be read: try again later or ask an administrator (the "
        "server log says why).",
    ),
    "warehouse_file": ("数据版本：{name}", "Data version: {name}"),
    "data_as_of": ("数据截至 {day}（运行 {run}）", "Data as of {day} (run {run})"),
    "no_publication": (
        "已发布的数据仓库 {name} 缺少发布信息（marts.publication）：请重新运行数据管道。",
        "The published warehouse {name} has no publication record (marts.publication): "
        "run the pipeline again.",
    ),
    "settled_to_distributor": (
        "结算至总经销商 {name}：以下为贵司客户在交易时产生的激励，由总经销商与华为结算。",
        "Settled to distributor {name}: the incentive your customers earned at each "
        "transaction's time; Huawei settles it with your distributor.",
    ),
    "statements_at_distributor": (
        "激励账单开给总经销商 {name}：贵司客户的激励是其账单中的明细行，"
        "请在激励明细与激励看板中查看。",
        "Incentive statements are issued to your distributor {name}: your customers' "
        "incentive rows are lines of its statements. See them on the incentive details "
        "and incentive board pages.",
    ),
    "admin_only": (
        "此页面仅对伙伴管理员开放。",
        "This page is for partner administrators only.",
    ),
    "no_data": ("没有数据。", "No data."),
    # roles
    "role_partner_admin": ("伙伴管理员", "Partner admin"),
    "role_supervisor": ("主管", "Supervisor"),
    "role_customer_manager": ("客户经理", "Customer manager"),
    # navigation
    "nav_incentives": ("激励", "Incentives"),
    "nav_customers": ("客户", "Customers"),
    "page_incentive_board": ("激励看板", "Incentive board"),
    "page_incentive_details": ("激励明细", "Incentive details"),
    "page_statements": ("激励账单", "Incentive statements"),
    "page_indicators": ("指标信息", "Indicators"),
    "page_customer_board": ("客户看板", "Customer board"),
    "page_customer_warnings": ("客户预警", "Customer warnings"),
    "page_sub_customers": ("子客户与资源", "Sub-customers and resources"),
    # common filters / columns
    "supervisor": ("主管", "Supervisor"),
    "customer_manager": ("客户经理", "Customer manager"),
    "all": ("全部", "All"),
    "year": ("年度", "Year"),
    "reconciliation_period": ("对账期次", "Reconciliation period"),
    "billing_period": ("账期", "Billing period"),
    "status": ("状态", "Status"),
    "incentive_amount": ("激励金额", "Incentive amount"),
    "eligible_amount": ("业绩金额", "Eligible amount"),
    "rate": ("激励比例", "Rate"),
    "order_no": ("订单号", "Order number"),
    "transaction_type": ("交易类型", "Transaction type"),
    "transaction_id": ("交易ID", "Transaction ID"),
    "transaction_date": ("交易日期", "Transaction date"),
    "customer_name": ("客户名称", "Customer name"),
    "account_name": ("账号名", "Account name"),
    "reseller_name": ("二级经销商", "Second-tier reseller"),
    "product_type": ("产品类型", "Product type"),
    "association_type": ("关联类型", "Association type"),
    "billing_mode": ("计费模式", "Billing mode"),
    "incentive_type": ("激励类型", "Incentive type"),
    "statement_id": ("账单ID", "Statement ID"),
    "partner_name": ("伙伴名称", "Partner name"),
    "rows": ("条数", "Rows"),
    "export_csv": ("导出 CSV", "Export CSV"),
    "export_excel": ("导出 Excel", "Export Excel"),
    "export_all_rows": (
        "导出包含当前筛选的全部 {n} 行，分批写出，不受页面行数限制。",
        "Exports hold every row of the selection ({n} rows), written in batches.",
    ),
    "export_excel_sheets": (
        "Excel 每个工作表最多 1,048,576 行（含表头）：本次导出的 {n} 行将分为 {sheets} 个工作表。",
        "Excel holds 1,048,576 rows a sheet (header included): this export's {n} rows go "
        "on {sheets} sheets of one workbook.",
    ),
    "page_rows": ("第 {first}–{last} 行，共 {rows} 行", "Rows {first}–{last} of {rows}"),
    # source record (drill from a detail row to what landed)
    "source_record": ("来源记录", "Source record"),
    "choose_row": ("查看来源记录的明细行", "Open the source record of a row"),
    "source_file": ("落地文件", "Landing file"),
    "source_row": ("文件行号", "Row in the file"),
    "source_drop_date": ("落地日期", "Drop date"),
    "source_values": ("原始值", "Values as landed"),
    "rule_applied": ("计算规则", "Rule applied"),
    "settlement_partner": ("结算伙伴", "Settlement partner"),
    "policy": ("激励政策", "Incentive policy"),
    "policy_valid": ("有效期", "Valid"),
    "open_ended": ("长期", "open"),
    "no_policy": ("无匹配政策：比例为 0（规则 3）", "No matching policy: rate 0 (rule 3)"),
    "rule_base": (
        "基础激励 = 符合条件金额 {eligible} × 比例 {rate} = {amount}（按行四舍五入到 0.01）",
        "Base incentive = eligible amount {eligible} × rate {rate} = {amount} (rounded half "
        "up to 0.01 a row)",
    ),
    "rule_acceleration": (
        "加速激励 = min(封顶前金额 {eligible}, 上限 {cap}) = {amount}（{kind}）",
        "Acceleration incentive = min(amount before the cap {eligible}, cap {cap}) = {amount} "
        "({kind})",
    ),
    "new_customer_cap": ("新客户：项目前 2 个月订单", "new customer: the project's first 2 months"),
    "existing_customer_cap": ("老客户：委员会审批金额", "existing customer: committee-approved"),
    "project": ("项目", "Project"),
    "field": ("字段", "Field"),
    "value": ("值", "Value"),
    "hidden_basic": ("（不显示，规则 7）", "(hidden, rule 7)"),
    "no_source_record": (
        "未找到该行的落地记录（可能已被撤回）。",
        "No landed record for this row (it may have been withdrawn).",
    ),
    # incentive board
    "trend_title": ("{year} 年激励金额趋势", "Incentive amount trend, {year}"),
    "by_status_title": ("按状态统计激励金额", "Incentive amount by status"),
    "summary_title": ("激励汇总", "Incentive summary"),
    "total_incentive": ("激励总额", "Total incentive"),
    "month": ("月份", "Month"),
    # incentive details
    "search": ("搜索", "Search"),
    "choose": ("请选择", "Choose"),
    "search_in": ("搜索范围", "Search in"),
    "search_any": ("全部字段", "All fields"),
    "search_order_no": ("订单号", "Order number"),
    "search_customer": ("客户名称或账号名", "Customer name or account name"),
    "search_reseller": ("二级经销商名称", "Second-tier reseller name"),
    "search_manager": ("客户经理姓名", "Customer manager name"),
    "search_statement": ("账单ID", "Statement ID"),
    "filtered_total": ("筛选合计", "Filtered total"),
    "filtered_rows": ("筛选条数", "Filtered rows"),
    "page": ("页码", "Page"),
    "page_of": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "basic_access_note": (
        "二级经销商客户仅显示基本信息，金额与比例不显示，也不计入合计（规则 7）。",
        "Second-tier resellers' customers show basic info only: amounts and rate are "
        "hidden and left out of the totals (rule 7).",
    ),
    "basic_rows_note": (
        "二级经销商的客户仅显示基本信息：业绩金额与激励比例不显示（—），激励金额照常显示并计入合计，"
        "因为这些激励由贵司结算（规则 1、7）。",
        "Second-tier resellers' customers show basic info only: their eligible amount and rate "
        "are hidden (—); their incentive is shown and counted in the totals, as it settles to "
        "you (rules 1 and 7).",
    ),
    # statements
    "invoice_received_at": ("收到发票时间", "Invoice received"),
    "payment_due_date": ("付款截止日", "Payment due"),
    "paid_at": ("付款时间", "Paid"),
    "generated_at": ("生成时间", "Generated"),
    "confirmed_at": ("确认时间", "Confirmed"),
    "is_overdue": ("逾期", "Overdue"),
    "overdue": ("已逾期", "Overdue"),
    "overdue_count": ("逾期账单", "Overdue statements"),
    "drill_down": ("账单明细", "Statement details"),
    "choose_statement": ("选择账单", "Choose a statement"),
    "detail_rows": ("明细条数", "Detail rows"),
    # indicators
    "indicator_name": ("指标名称", "Indicator name"),
    "statistical_method": ("统计方式", "Statistical method"),
    "statistical_period": ("统计周期", "Statistical period"),
    "indicator_value": ("指标值", "Indicator value"),
    "indicator": ("指标", "Indicator"),
    # customer board
    "grain": ("粒度", "Grain"),
    "grain_month": ("按月", "Monthly"),
    "grain_day": ("按日", "Daily"),
    "period": ("期间", "Period"),
    "customers_at_end": ("客户数", "Customers"),
    "new_associated": ("新增关联客户", "Newly associated"),
    "disassociated": ("解除关联客户", "Disassociated"),
    "contributed_revenue": ("贡献收入", "Contributed revenue"),
    "customers_over_time": ("客户数统计", "Customer count"),
    "new_and_disassociated": ("新增与解除关联", "New and disassociated"),
    "revenue_over_time": ("贡献收入统计", "Contributed revenue"),
    "breakdown": ("客户信息分析", "Customer analysis"),
    "dimension": ("维度", "Dimension"),
    "dimension_value": ("维度值", "Value"),
    "dim_industry": ("行业", "Industry"),
    "dim_region": ("区域", "Region"),
    "dim_association_type": ("关联类型", "Association type"),
    "dim_customer_kind": ("新/老客户", "New/existing"),
    "dim_customer_manager": ("客户经理", "Customer manager"),
    # warnings
    "warning_date": ("预警日期", "Warning date"),
    "category": ("预警类别", "Category"),
    "warning_type": ("预警类型", "Warning type"),
    "severity": ("严重程度", "Severity"),
    "detail": ("详情", "Detail"),
    "first_seen": ("首次出现", "First seen"),
    "assignee": ("负责人", "Owner"),
    "tab_own_warnings": ("我的客户", "My customers"),
    "tab_reseller_warnings": ("二级经销商客户", "Resellers' customers"),
    "warnings_by_type": ("按类型统计", "By type"),
    "indicators_at_distributor": (
        "指标按结算伙伴统计：贵司客户的现金消费、激励与客户数计入总经销商 {name} 的指标。",
        "Indicators are counted for the settlement partner: your customers' cash spend, "
        "incentive and customer counts are part of your distributor {name}'s indicators.",
    ),
    "warning_date_on": ("预警日期：{day}", "Warning date: {day}"),
    "sub_customers_basic_note": (
        "二级经销商的客户仅显示基本信息：信用额度、折扣率与可用余额不显示（—）（规则 7）。",
        "Second-tier resellers' customers show basic info only: their credit limit, discount "
        "rate and available balance are hidden (—) (rule 7).",
    ),
    "reseller_warnings_note": (
        "二级经销商的客户仅显示基本信息：预警详情含余额与消费金额，不显示（—）（规则 7）。",
        "Second-tier resellers' customers show basic info only: warning details carry "
        "balances and spend, so they are hidden (—) (rule 7).",
    ),
    # a warning's detail, worded from its figures (marts.customer_warnings.detail_*)
    "detail_arrears": (
        "可用余额 {amount} 低于零（{date}的余额快照）",
        "Available balance {amount} is below zero (balance snapshot of {date})",
    ),
    "detail_low_balance": (
        "可用余额 {amount} 不足 {days} 天的消费（日均消费 {reference}）",
        "Available balance {amount} is under {days} days of spend (daily spend {reference})",
    ),
    "detail_expiring_resource": (
        "{count} 个包年/包月资源将在 {days} 天内到期，最早于 {date}：{items}",
        "{count} yearly/monthly resource(s) expire within {days} days, first on {date}: {items}",
    ),
    "detail_consumption_drop": (
        "近 {days} 天消费 {amount}，低于之前 {days} 天消费 {reference} 的 {ratio}",
        "Spend of the last {days} days, {amount}, is under {ratio} of the {days} days before "
        "({reference})",
    ),
    "detail_inactive": (
        "近 {days} 天没有现金消费、订单或按需消费（最近一次活动于 {date}）",
        "No cash spend, order or consumption in the last {days} days (last activity on {date})",
    ),
    "warning_count": ("预警数", "Warnings"),
    # sub-customers and resources
    "sub_customers": ("子客户", "Sub-customers"),
    "customer_resources": ("客户资源", "Customer resources"),
    "owner_partner": ("归属伙伴", "Owner partner"),
    "associated_at": ("关联时间", "Associated"),
    "credit_limit": ("信用额度", "Credit limit"),
    "discount_rate": ("折扣率", "Discount rate"),
    "available_balance": ("可用余额", "Available balance"),
    "industry": ("行业", "Industry"),
    "region": ("区域", "Region"),
    "own_customer": ("自有客户", "Own customer"),
    "resource_id": ("资源ID", "Resource ID"),
    "start_date": ("开始日期", "Start date"),
    "expire_date": ("到期日期", "Expiry date"),
    "days_to_expiry": ("剩余天数", "Days to expiry"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    # data quality (partner admins)
    "nav_admin": ("管理", "Administration"),
    "page_data_quality": ("数据质量", "Data quality"),
    "data_quality_intro": (
        "落地文件的加载、隔离与撤回情况，以及被规则拒绝的关联事件。原始值原样显示，"
        "便于修正源文件后重新投递。",
        "How the landing files were loaded, quarantined and withdrawn, and the association "
        "events the rules rejected. Raw values are shown as landed, so the source file can "
        "be corrected and dropped again.",
    ),
    "dq_files_by_day": ("按来源与投递日期统计", "Per source and drop date"),
    "dq_quarantined_rows": ("隔离的行与文件", "Quarantined rows and files"),
    "dq_rejected_associations": ("被拒绝的关联事件", "Rejected association events"),
    "dq_files_not_loaded": ("未加载的文件", "Files not loaded"),
    "dq_withdrawn_files": ("已撤回的文件", "Withdrawn files"),
    "dq_nothing": ("无。", "None."),
    "dq_rows_shown": (
        "显示最新的 {shown} 行，共 {total} 行；导出包含全部。",
        "Showing the newest {shown} of {total} rows; the export holds them all.",
    ),
    "source": ("数据来源", "Source"),
    "drop_date": ("投递日期", "Drop date"),
    "files_loaded": ("已加载文件", "Files loaded"),
    "files_quarantined": ("整体隔离文件", "Files quarantined whole"),
    "files_withdrawn": ("撤回文件", "Files withdrawn"),
    "rows_landed": ("落地行数", "Rows landed"),
    "rows_loaded": ("加载行数", "Rows loaded"),
    "rows_quarantined": ("隔离行数", "Rows quarantined"),
    "rows_withdrawn": ("撤回行数", "Rows withdrawn"),
    "rejected_events": ("被拒绝的关联事件", "Rejected association events"),
    "file": ("文件", "File"),
    "row_number": ("行号", "Row"),
    "column_name": ("列", "Column"),
    "reason": ("原因", "Reason"),
    "raw_record": ("原始值", "Raw values"),
    "event_time": ("事件时间", "Event time"),
    "event_id": ("事件ID", "Event ID"),
    "customer_id": ("客户ID", "Customer ID"),
    "event_type": ("事件类型", "Event type"),
    "invitation_channel": ("邀请方式", "Invitation channel"),
    "rejection_reason": ("拒绝原因", "Rejection reason"),
    "withdrawn_at": ("撤回时间", "Withdrawn"),
    "withdrawal_reason": ("撤回原因", "Why withdrawn"),
}

# Enum values as DOMAIN spells them: kind -> value -> (Chinese, English).
VALUES: dict[str, dict[str, tuple[str, str]]] = {
    "status": {
        "estimated": ("预估", "Estimated"),
        "pending_confirmation": ("待确认", "Pending confirmation"),
        "issuing": ("发放中", "Issuing"),
        "issued": ("发放成功", "Issued"),
    },
    "association_type": {
        "reseller": ("代售类", "Reseller"),
        "referral": ("顾问销售类", "Referral"),
    },
    "partner_type": {
        "distributor": ("总经销商", "Distributor"),
        "reseller": ("云经销商", "Reseller"),
        "solution_provider": ("解决方案提供商", "Solution provider"),
    },
    "billing_mode": {
        "on_demand": ("按需", "On demand"),
        "yearly_monthly": ("包年/包月", "Yearly/monthly"),
    },
    "transaction_type": {
        "order": ("订单", "Order"),
        "refund": ("退订", "Refund"),
        "consumption": ("消费", "Consumption"),
        "project": ("项目", "Project"),
    },
    "incentive_type": {
        "base": ("基础激励", "Base incentive"),
        "acceleration": ("加速激励", "Acceleration incentive"),
    },
    "category": {
        "resource": ("资源预警", "Resource warning"),
        "churn": ("流失预警", "Churn warning"),
    },
    "warning_type": {
        "arrears": ("欠费", "Arrears"),
        "low_balance": ("余额不足", "Low balance"),
        "expiring_resource": ("资源即将到期", "Resource expiring"),
        "consumption_drop": ("消费下降", "Consumption drop"),
        "inactive": ("不活跃", "Inactive"),
    },
    "severity": {
        "high": ("高", "High"),
        "medium": ("中", "Medium"),
        "low": ("低", "Low"),
    },
    "resource_status": {
        "active": ("运行中", "Active"),
        "expired": ("已过期", "Expired"),
        "frozen": ("已冻结", "Frozen"),
        "released": ("已释放", "Released"),
    },
    "customer_kind": {
        "new": ("新客户", "New"),
        "existing": ("老客户", "Existing"),
    },
    # Customer attributes land as the partner center spells them, mostly in Chinese; a
    # value is found by either spelling and one outside this list is shown as it landed.
    "industry": {
        "互联网": ("互联网", "Internet"),
        "制造业": ("制造业", "Manufacturing"),
        "零售": ("零售", "Retail"),
        "零售电商": ("零售电商", "Retail and e-commerce"),
        "医疗健康": ("医疗健康", "Healthcare"),
        "交通物流": ("交通物流", "Transport and logistics"),
        "教育": ("教育", "Education"),
        "文化传媒": ("文化传媒", "Culture and media"),
        "能源": ("能源", "Energy"),
        "金融": ("金融", "Finance"),
        "游戏": ("游戏", "Gaming"),
        "政府": ("政府", "Government"),
    },
    "source": {
        "partners": ("伙伴", "Partners"),
        "staff": ("员工", "Staff"),
        "customers": ("客户", "Customers"),
        "associations": ("关联事件", "Associations"),
        "orders": ("订单", "Orders"),
        "consumption": ("消费", "Consumption"),
        "resources": ("资源", "Resources"),
        "balances": ("余额", "Balances"),
        "statement_events": ("账单事件", "Statement events"),
        "projects": ("项目", "Projects"),
        "incentive_policies": ("激励政策", "Incentive policies"),
    },
    "event_type": {
        "associate": ("关联", "Associate"),
        "disassociate": ("解除关联", "Disassociate"),
    },
    "invitation_channel": {
        "online": ("线上", "Online"),
        "offline": ("线下", "Offline"),
    },
    "withdrawal_reason": {
        "removed": ("文件已删除", "File removed"),
        "replaced": ("文件已替换", "File replaced"),
    },
    "statistical_period": {
        "month": ("月", "Month"),
        "year": ("年", "Year"),
    },
    "region": {
        "华东": ("华东", "East China"),
        "华南": ("华南", "South China"),
        "华北": ("华北", "North China"),
        "华中": ("华中", "Central China"),
        "西南": ("西南", "Southwest China"),
        "西北": ("西北", "Northwest China"),
        "东北": ("东北", "Northeast China"),
    },
}


def _index(lang: str) -> int:
    return 0 if lang == "zh" else 1


def t(key: str, lang: str, **kwargs: object) -> str:
    """The label `key` in `lang`, formatted with `kwargs`."""
    text = LABELS[key][_index(lang)]
    return text.format(**kwargs) if kwargs else text


@cache
def _spellings(kind: str) -> dict[str, tuple[str, str]]:
    """Either spelling of a value of `kind` (its key, its Chinese, its English) -> its pair.
    Built on first use: the blocks at the end of this module add kinds to VALUES."""
    values = VALUES.get(kind, {})
    return {spelling: pair for key, pair in values.items() for spelling in (key, *pair)}


def value_label(kind: str, value: object, lang: str) -> str:
    """An enum value in `lang`, found by its code or either spelling; an unknown value is
    shown as it is."""
    if value is None:
        return ""
    pair = _spellings(kind).get(str(value))
    return pair[_index(lang)] if pair else str(value)


# ---- 对账 / Reconciliation with Huawei's export (dashboards/views/reconciliation.py)
LABELS.update(
    {
        "page_reconciliation": ("对账", "Reconciliation"),
        "nav_reconciliation": ("对账", "Reconciliation"),
        "reconciliation_intro": (
            "将华为激励明细导出逐行与本仓库按规则计算的结果核对：差额 = 按规则应得 − 华为金额。",
            "Huawei's incentive detail export checked line by line against what the rules "
            "give: difference = the rules' amount − Huawei's.",
        ),
        "no_reconciliation": (
            "尚未收到华为的激励明细或账单导出，暂无可对账的账期。",
            "No export of Huawei's incentive details or statements has landed yet: nothing "
            "to reconcile.",
        ),
        "huawei_amount": ("华为金额", "Huawei's amount"),
        "warehouse_amount": ("按规则应得", "Per the rules"),
        "difference": ("差额", "Difference"),
        "disputable_amount": ("可争议金额", "Disputable amount"),
        "lines_matched": ("一致行数", "Lines matched"),
        "lines_differing": ("差异行数", "Lines differing"),
        "lines_disputable": ("可争议行数", "Lines worth disputing"),
        "huawei_status": ("华为账单状态", "Huawei's status"),
        "statement_gap": ("账单与明细差", "Statement vs its lines"),
        "choose_period": ("选择账期", "Choose a billing period"),
        "match_class": ("对账结果", "Result"),
        "differing_component": ("差异项", "Differing component"),
        "match_method": ("匹配方式", "Matched by"),
        "evidence": ("依据", "Evidence"),
        "huawei_eligible_amount": ("华为业绩金额", "Huawei's eligible amount"),
        "warehouse_eligible_amount": ("按规则业绩金额", "Eligible amount per the rules"),
        "huawei_rate": ("华为激励比例", "Huawei's rate"),
        "warehouse_rate": ("按规则激励比例", "Rate per the rules"),
        "usage_date": ("消费日期", "Usage date"),
        "project_id": ("项目ID", "Project ID"),
        "is_disputable": ("可争议", "Worth disputing"),
        "lines_of_class": ("{name}（{count} 行）", "{name} ({count} lines)"),
        "dispute_title": ("争议明细导出", "Dispute file"),
        "dispute_note": (
            "华为少付且差额超过 {threshold} 元的明细，按差额从大到小排列，附依据与合计，可直接附在工单中。",
            "Lines where Huawei pays less than the rules give by more than {threshold} CNY, "
            "largest first, with the evidence and totals: ready to attach to a ticket.",
        ),
        "no_disputable": ("本账期没有值得争议的明细。", "Nothing worth disputing in this period."),
        "export_dispute_csv": ("导出争议明细 CSV", "Dispute file (CSV)"),
        "export_dispute_excel": ("导出争议明细 Excel", "Dispute file (Excel)"),
    }
)
VALUES.update(
    {
        "match_class": {
            "matched": ("一致", "Matched"),
            "amount_differs": ("金额不一致", "Amount differs"),
            "only_in_huawei": ("仅华为有", "Only in Huawei's export"),
            "only_in_warehouse": ("华为遗漏", "Missing from Huawei's export"),
            "attributed_elsewhere": ("归属其他伙伴", "Attributed to another partner"),
        },
        "differing_component": {
            "eligible_amount": ("业绩金额", "Eligible amount"),
            "rate": ("激励比例", "Rate"),
            "cap": ("封顶金额", "Cap"),
            "rounding": ("舍入", "Rounding"),
            "incentive_amount": ("激励金额", "Incentive amount"),
        },
        "match_method": {
            "transaction_key": ("交易键", "Transaction key"),
            "fallback": ("客户+产品+日期+金额", "Customer, product, date, amount"),
            "none": ("未匹配", "Not matched"),
        },
    }
)

# Policy what-if and forecast (issue 17): a block of their own.
LABELS.update(
    {
        "page_what_if": ("政策模拟", "Policy what-if"),
        "what_if_intro": (
            "修改政策库的比例、增删政策版本，与实际激励对比。模拟只在本页计算，不写入数据仓库。",
            "Edit the rates of the policy library, add or remove policy versions, and compare "
            "with the actual incentive. The scenario is computed on this page only and never "
            "written into the warehouse.",
        ),
        "what_if_policies": ("模拟政策库", "Scenario policy library"),
        "what_if_policy_id": ("政策ID", "Policy ID"),
        "what_if_policy_name": ("政策名称", "Policy name"),
        "what_if_partner_type": ("伙伴类型", "Partner type"),
        "what_if_association_type": ("关联类型", "Association type"),
        "what_if_rate": ("激励比例", "Rate"),
        "what_if_valid_from": ("生效日期", "Valid from"),
        "what_if_valid_to": ("失效日期", "Valid to"),
        "what_if_invalid": (
            "模拟政策库无法使用：{reason}",
            "The scenario cannot be used: {reason}",
        ),
        "what_if_bad_rows": (
            "{rows} 行政策无法使用；第 {row} 行：{reason}",
            "{rows} policy row(s) cannot be used; row {row}: {reason}",
        ),
        "what_if_unreadable_file": (
            "无法读取政策文件 {name}：{reason}",
            "cannot read the policy file {name}: {reason}",
        ),
        "what_if_actual": ("实际激励", "Actual incentive"),
        "what_if_scenario": ("模拟激励", "Scenario incentive"),
        "what_if_difference": ("差额", "Difference"),
        "what_if_by_period": ("按账期", "By billing period"),
        "what_if_by_product": ("按产品类型", "By product type"),
        "what_if_by_manager": ("按客户经理", "By customer manager"),
        "what_if_name": ("模拟名称", "Scenario name"),
        "what_if_save": ("保存模拟", "Save scenario"),
        "what_if_saved": (
            "已保存模拟“{name}”（本次登录内有效）。",
            "Scenario “{name}” saved (for this session).",
        ),
        "what_if_load": ("载入已保存的模拟", "Load a saved scenario"),
        "what_if_actual_library": ("实际政策库", "The actual library"),
        "what_if_export": ("导出模拟政策库 (CSV)", "Export the scenario library (CSV)"),
        "what_if_upload": (
            "载入模拟政策库文件（激励政策落地格式 CSV）",
            "Load a scenario library file (incentive policy landing format, CSV)",
        ),
        "forecast_title": (
            "激励预测（预测值，非实际）",
            "Incentive forecast (forecast, not actual)",
        ),
        "forecast_note": (
            "按截至 {day} 的数据预测：按需消费按星期规律的日均、包年/包月订单日均扣除历史退订率；"
            "区间为 80% 预测区间。回测误差（MAPE）：{backtest}。预测值不计入实际金额和导出。",
            "Forecast from the data up to {day}: on-demand spend at its weekday run-rate, "
            "yearly/monthly orders at their daily mean less the historical refund rate; the "
            "range is an 80% interval. Backtest error (MAPE): {backtest}. Forecasts are never "
            "part of actual figures or exports.",
        ),
        "forecast_actual_to_date": ("截至目前实际", "Actual to date"),
        "forecast_value": ("预测值", "Forecast"),
        "forecast_low": ("预测下限", "Forecast low"),
        "forecast_high": ("预测上限", "Forecast high"),
        "forecast_open": ("当前账期（预测）", "Open period (forecast)"),
        "forecast_next": ("下一账期（预测）", "Next period (forecast)"),
    }
)
VALUES["forecast_horizon"] = {
    "0-7 days left": ("剩余 0-7 天", "0-7 days left"),
    "8-14 days left": ("剩余 8-14 天", "8-14 days left"),
    "15-21 days left": ("剩余 15-21 天", "15-21 days left"),
    "22-31 days left": ("剩余 22-31 天", "22-31 days left"),
    "next period": ("下一账期", "next period"),
}

# Quarantine reasons (pipelines/ingest/reasons.py: one label per code, `reason_<code>`) and
# association rejections (int_association_events_validated: `rejection_<code>`), worded by
# dashboards/reasons.py from the values each reason names.
LABELS.update(
    {
        "reason_file_not_loaded": ("文件未加载：{reasons}", "file not loaded: {reasons}"),
        "reason_in_sheet": ("工作表“{sheet}”：{text}", "sheet '{sheet}': {text}"),
        "reason_empty_row": (
            "该行为空（所有列均无值）",
            "the row is empty (no value in any column)",
        ),
        "reason_not_an_amount": (
            "{column}“{value}”不是金额（最多 {scale} 位小数）",
            "{column} '{value}' is not an amount with at most {scale} decimals",
        ),
        "reason_amount_comma": (
            "{column}“{value}”不是金额（最多 {scale} 位小数；逗号只能作千位分隔符，如 1,234.50）",
            "{column} '{value}' is not an amount with at most {scale} decimals (a comma may "
            "only separate thousands, as in 1,234.50)",
        ),
        "reason_not_a_datetime": (
            "{column}“{value}”不是有效的日期时间（ISO-8601，如 2026-06-01 10:00:00+08:00）",
            "{column} '{value}' is not a valid date and time (ISO-8601, e.g. 2026-06-01 "
            "10:00:00+08:00)",
        ),
        "reason_not_a_date": (
            "{column}“{value}”不是有效日期（YYYY-MM-DD）",
            "{column} '{value}' is not a valid date (YYYY-MM-DD)",
        ),
        "reason_not_yes_no": (
            "{column}“{value}”不是“是/否”（true/false、是/否）",
            "{column} '{value}' is not yes/no (true/false, 是/否)",
        ),
        "reason_unreadable_value": (
            "{column}“{value}”无法读取",
            "{column} '{value}' cannot be read",
        ),
        "reason_required_empty": ("{column}为必填项，但为空", "{column} is empty but required"),
        "reason_not_allowed": (
            "{column}“{value}”不是允许的值：{accepted}",
            "{column} '{value}' is not one of: {accepted}",
        ),
        "reason_below_minimum": (
            "{column} {value} 低于下限 {bound}",
            "{column} {value} is below the minimum {bound}",
        ),
        "reason_above_maximum": (
            "{column} {value} 高于上限 {bound}",
            "{column} {value} is above the maximum {bound}",
        ),
        "reason_not_a_billing_period": (
            "{column}“{value}”不是账期（YYYYMM）",
            "{column} '{value}' is not a billing period (YYYYMM)",
        ),
        "reason_not_unique": (
            "{column}“{value}”重复出现",
            "{column} '{value}' appears more than once",
        ),
        "reason_check_failed": (
            "{column}“{value}”未通过检查 {check}",
            "{column} '{value}' fails {check}",
        ),
        "reason_duplicate_key": (
            "键重复（{key}）：本文件第 {row} 行已有",
            "duplicate key ({key}): already on row {row} of this file",
        ),
        "reason_duplicate_key_in_sheet": (
            "键重复（{key}）：本文件工作表“{first_sheet}”第 {row} 行已有",
            "duplicate key ({key}): already on row {row} of sheet '{first_sheet}' of this file",
        ),
        "reason_reseller_has_parent": (
            "云经销商必须在上级伙伴ID中填写其总经销商",
            "a reseller must name its distributor in parent_partner_id",
        ),
        "reason_manager_has_supervisor": (
            "客户经理必须在主管ID中填写其主管",
            "a customer manager must name their supervisor in supervisor_id",
        ),
        "reason_associate_is_complete": (
            "关联事件须填写关联类型、邀请方式和客户经理ID",
            "an associate event needs association_type, invitation_channel and customer_manager_id",
        ),
        "reason_refund_is_complete": (
            "已退订的订单须填写退订时间和退订金额",
            "a refunded order needs refund_time and refund_amount",
        ),
        "reason_refund_within_paid": (
            "退订金额大于实付金额",
            "refund_amount is larger than paid_amount",
        ),
        "reason_refund_after_order": ("退订时间早于下单时间", "refund_time is before order_time"),
        "reason_expires_after_start": ("到期日期早于开始日期", "expire_date is before start_date"),
        "reason_valid_range": ("失效日期早于生效日期", "valid_to is before valid_from"),
        "reason_line_has_reference": (
            "明细须有其引用：订单号（订单、退订）、资源ID和消费日期（按需消费）或项目ID（项目）",
            "a line needs its reference: order_no (order, refund), resource_id and usage_date "
            "(consumption) or project_id (project)",
        ),
        "reason_file_empty": ("文件为空", "the file is empty"),
        "reason_bad_utf16": (
            "文件以 UTF-16 开头，但不是 UTF-16 文本",
            "the file starts as UTF-16 but is not UTF-16 text",
        ),
        "reason_binary_file": (
            "文件是二进制文件，不是 CSV 文本",
            "the file is binary, not CSV text",
        ),
        "reason_mixed_encodings": (
            "文件混用编码：第 {line} 行不是 UTF-8，其他行是",
            "the file mixes encodings: line {line} is not UTF-8 while other lines are",
        ),
        "reason_unknown_encoding": (
            "文件既不是 UTF-8 也不是 GB18030 文本",
            "the file is neither UTF-8 nor GB18030 text",
        ),
        "reason_missing_columns": (
            "表头缺少必需列：{required}；实际表头：{found}",
            "the header lacks required column(s) {required}; found: {found}",
        ),
        "reason_repeated_column_differs": (
            "表头中列 {column} 出现 {count} 次（{spelled}），且取值不同（首次在第 {row} 行）",
            "the header names column {column} {count} times ({spelled}) and their values "
            "differ (first on row {row})",
        ),
        "reason_separator_tie": (
            "无法确定分隔符：表头中 {first} 与 {second} 各有 {count} 个",
            "cannot tell the field separator: the header holds {count} of {first} and of {second}",
        ),
        "reason_malformed_csv": (
            "不是格式正确的 CSV 文件（{detail}）",
            "not a well-formed CSV file ({detail})",
        ),
        "reason_malformed_parquet": (
            "不是可读取的 Parquet 文件（{detail}）",
            "not a readable Parquet file ({detail})",
        ),
        "reason_malformed_xlsx": (
            "不是可读取的 Excel 文件（{detail}）",
            "not a readable Excel file ({detail})",
        ),
        "reason_no_visible_sheet": (
            "工作簿没有可见的工作表（{hidden} 个隐藏，未读取）",
            "the workbook has no visible sheet ({hidden} hidden, not read)",
        ),
        "reason_sheet_empty": ("工作表为空", "the sheet is empty"),
        "reason_no_header_row": ("没有表头行", "no header row"),
        "reason_table_without_header": (
            "工作表“{sheet}”有数据表但没有表头",
            "sheet '{sheet}' holds a table without its header",
        ),
        "reason_data_sheets_with_problems": (
            "工作表{sheets}含{source}数据，但{problems}",
            "sheet(s) {sheets} hold the {source} data but {problems}",
        ),
        "reason_sheets_differ": (
            "各数据工作表的列不同：{columns} 只在工作表“{first_sheet}”和“{second_sheet}”之一中",
            "the data sheets have different columns: {columns} in only one of sheets "
            "'{first_sheet}' and '{second_sheet}'",
        ),
        "reason_unsupported_type": (
            "不支持的文件类型“{suffix}”（应为 {expected} 之一）",
            "unsupported file type '{suffix}' (expected one of {expected})",
        ),
        "reason_link_outside": (
            "链接指向落地目录之外（不跟随）",
            "a link pointing outside the landing folder (not followed)",
        ),
        "reason_link_dangling": (
            "链接指向不存在的目标",
            "a link to nothing (its target does not exist)",
        ),
        "reason_link_not_a_file": (
            "链接指向文件夹或特殊文件（不跟随）",
            "a link to a folder or a special file (not followed)",
        ),
        "reason_named_pipe": ("不是普通文件（命名管道）", "not a regular file (a named pipe)"),
        "reason_socket": ("不是普通文件（套接字）", "not a regular file (a socket)"),
        "reason_special_file": (
            "不是普通文件（设备或特殊文件）",
            "not a regular file (a device or special file)",
        ),
        "reason_hidden_file": (
            "隐藏或临时文件（以“.”或“~$”开头的文件不读取）",
            "hidden or temporary file (names starting with '.' or '~$' are not read)",
        ),
        "reason_hidden_folder": (
            "隐藏或临时文件夹“{folder}”（以“.”或“~$”开头的名称不读取）",
            "hidden or temporary folder '{folder}' (names starting with '.' or '~$' are not read)",
        ),
        "reason_wrong_layout": (
            "目录结构不对：只读取 {layout} 下的文件",
            "wrong folder layout: files are read only at {layout}",
        ),
        "reason_unknown_source": (
            "未知的数据来源文件夹“{folder}”（已知：{known}）",
            "unknown source folder '{folder}' (known: {known})",
        ),
        "reason_not_a_drop_date": (
            "文件夹“{folder}”不是投递日期（YYYY-MM-DD，如 2026-04-21）",
            "folder '{folder}' is not a drop date (YYYY-MM-DD, e.g. 2026-04-21)",
        ),
        "reason_nested_folder": (
            "嵌套的子文件夹：只读取直接位于 {folder} 下的文件",
            "nested sub-folder: files are read only directly in {folder}",
        ),
        "reason_no_suffix": (
            "文件没有扩展名（应为 {expected} 之一）",
            "unsupported file type 'without suffix' (expected one of {expected})",
        ),
        "rejection_still_associated": (
            "客户仍与伙伴 {partner} 关联",
            "customer is still associated with partner {partner}",
        ),
        "rejection_account_too_old": (
            "线下邀请：客户账号创建于关联前超过 {limit} 天",
            "offline invitation: the customer account was created more than {limit} days "
            "before the association",
        ),
        "rejection_cash_spend_before": (
            "线下邀请：客户在关联前已有现金消费",
            "offline invitation: the customer had cash spend before the association",
        ),
        "rejection_arrears_before": (
            "线下邀请：客户在关联前已欠费",
            "offline invitation: the customer was in arrears before the association",
        ),
        "rejection_not_associated": (
            "客户未与伙伴 {partner} 关联",
            "customer is not associated with partner {partner}",
        ),
        "rejection_disassociation_cooldown": (
            "距上次解除关联（{since}）不足 {limit} 个月，再次解除关联",
            "second disassociation within {limit} months of the previous one ({since})",
        ),
    }
)
