"""A small landing set written by hand, small enough to compute every figure on paper.

Partners: D1 (distributor), R1 (reseller under D1), S1 (solution provider).
Customers and their associations (times Asia/Shanghai):
- C1 (existing): D1 referral from 2026-05-01 10:00, disassociated 2026-06-15 12:00, then S1
  referral from 2026-06-20 09:00.
- C2 (new, account 2026-05-28): R1 reseller, offline, 2026-06-01 09:00 (4 days: accepted).
  E6 tries to associate C2 with D1 on 2026-06-10 while still with R1: rejected.
- C3 (new, account 2026-04-01): S1 offline on 2026-06-01: account 61 days old: rejected.
Policies: distributor/referral/ECS 5% until 2026-06-19 then 6% (two versions of one policy);
distributor/reseller/ECS 10%; distributor/reseller/OBS 8%; solution_provider/referral/ECS 4%;
no policy for distributor/referral/OBS (rate 0).
"""

from pathlib import Path

import polars as pl

from contract.sources import SOURCES

DROP_1 = "2026-06-01"
DROP_2 = "2026-07-05"

# One landed row per line, so the arithmetic in the comments can be read against it.
# fmt: off
ROWS: dict[str, dict[str, list[list[str]]]] = {
    "partners": {
        DROP_1: [
            ["D1", "华南云联总经销有限公司", "distributor", "", "certified"],
            ["R1", "深圳小云科技有限公司", "reseller", "D1", "registered"],
            ["S1", "北京智算方案有限公司", "solution_provider", "", "differentiated"],
        ]
    },
    "staff": {
        DROP_1: [
            ["SUP-D", "D1", "王芳", "supervisor", ""],
            ["CM-D", "D1", "李强", "customer_manager", "SUP-D"],
            ["SUP-R", "R1", "赵敏", "supervisor", ""],
            ["CM-R", "R1", "陈杰", "customer_manager", "SUP-R"],
            ["SUP-S", "S1", "刘洋", "supervisor", ""],
            ["CM-S", "S1", "周婷", "customer_manager", "SUP-S"],
        ]
    },
    "customers": {
        DROP_1: [
            ["C1", "广州星河贸易有限公司", "xinghe_gz", "2025-01-01 08:00:00", "零售", "华南", "false"],
            ["C2", "深圳云帆物流有限公司", "yunfan_sz", "2026-05-28 10:00:00", "物流", "华南", "true"],
            ["C3", "北京青松教育科技有限公司", "qingsong_bj", "2026-04-01 10:00:00", "教育", "华北", "true"],
        ]
    },
    "associations": {
        DROP_1: [
            ["E1", "C1", "D1", "associate", "referral", "online", "CM-D", "2026-05-01 10:00:00"],
            ["E2", "C2", "R1", "associate", "reseller", "offline", "CM-R", "2026-06-01 09:00:00"],
            ["E3", "C3", "S1", "associate", "referral", "offline", "CM-S", "2026-06-01 11:00:00"],
        ],
        DROP_2: [
            ["E6", "C2", "D1", "associate", "referral", "online", "CM-D", "2026-06-10 10:00:00"],
            ["E4", "C1", "D1", "disassociate", "", "", "", "2026-06-15 12:00:00"],
            ["E5", "C1", "S1", "associate", "referral", "online", "CM-S", "2026-06-20 09:00:00"],
        ],
    },
    "orders": {
        DROP_2: [
            # C1 with D1 (referral, ECS 5% until 06-19): 1,000.00 x 5% = 50.00
            ["O1", "C1", "ECS", "云服务器 包年", "2026-06-10 10:00:00", "1200.00", "200.00", "0.00", "1000.00", "paid", "", "", ""],
            # C1 with S1 from 06-20 (referral, ECS 4%): 500.00 x 4% = 20.00 in 202606;
            # refund 200.00 on 07-03, still S1: -200.00 x 4% = -8.00 in 202607
            ["O2", "C1", "ECS", "云服务器 包月", "2026-06-25 10:00:00", "500.00", "0.00", "0.00", "500.00", "refunded", "2026-07-03 10:00:00", "200.00", ""],
            # C2 via R1, settled to D1 (distributor/reseller/ECS 10%): 2,000.00 x 10% = 200.00
            ["O4", "C2", "ECS", "云服务器 包年", "2026-06-02 10:00:00", "2100.00", "0.00", "100.00", "2000.00", "paid", "", "", "PRJ1"],
            # cancelled: counts for nothing
            ["O3", "C2", "OBS", "对象存储 包月", "2026-06-05 10:00:00", "300.00", "0.00", "0.00", "0.00", "cancelled", "", "", ""],
        ]
    },
    "consumption": {
        DROP_2: [
            # C2 via R1 -> D1, distributor/reseller/OBS 8%: 10.00 -> 0.80, 20.00 -> 1.60
            ["2026-06-10", "C2", "RS-1", "OBS", "12.00", "2.00", "10.00"],
            ["2026-06-11", "C2", "RS-1", "OBS", "20.00", "0.00", "20.00"],
            # C1 with D1 on 06-14: distributor/referral/OBS has no policy: rate 0, 0.00
            ["2026-06-14", "C1", "RS-2", "OBS", "5.00", "0.00", "5.00"],
            # C1 on 06-15: disassociated at 12:00, so at the end of that day nobody: no row
            ["2026-06-15", "C1", "RS-2", "OBS", "7.00", "0.00", "7.00"],
        ]
    },
    "incentive_policies": {
        DROP_1: [
            ["POL-1", "分销 顾问 ECS", "distributor", "referral", "ECS", "0.05", "2026-01-01", "2026-06-19"],
            ["POL-1B", "分销 顾问 ECS 新版", "distributor", "referral", "ECS", "0.06", "2026-06-20", ""],
            ["POL-2", "分销 代售 ECS", "distributor", "reseller", "ECS", "0.10", "2026-01-01", ""],
            ["POL-3", "分销 代售 OBS", "distributor", "reseller", "OBS", "0.08", "2026-01-01", ""],
            ["POL-4", "方案 顾问 ECS", "solution_provider", "referral", "ECS", "0.04", "2026-01-01", ""],
        ]
    },
}
# fmt: on


def write_landing(root: Path) -> Path:
    """Write the set under root/<source>/<drop date>/, as CSV with English headers."""
    for source, drops in ROWS.items():
        columns = SOURCES[source].columns
        for drop, rows in drops.items():
            folder = root / source / drop
            folder.mkdir(parents=True, exist_ok=True)
            pl.DataFrame(rows, schema=columns, orient="row").write_csv(folder / f"{source}.csv")
    return root
