"""The peer: the same totals as an analyst without this project would compute them, with
pandas reading the same landing files (pyarrow for Parquet), merges and group-bys."""

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl

CENT = Decimal("0.01")


def read_all(landing: Path, source: str, pattern: str = "*/*.csv") -> pd.DataFrame:
    """Every file of a source, with the drop date it landed under."""
    frames = []
    for path in sorted((landing / source).glob(pattern)):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        frame["drop_date"] = path.parent.name
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def latest(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values("drop_date", kind="stable").drop_duplicates(key, keep="last")


def association_periods(landing: Path) -> pd.DataFrame:
    events = read_all(landing, "associations")
    events["event_time"] = pd.to_datetime(events["event_time"])
    events = events.sort_values(["customer_id", "event_time", "event_id"])
    grouped = events.groupby("customer_id")
    events["next_type"] = grouped["event_type"].shift(-1)
    events["next_time"] = grouped["event_time"].shift(-1)
    periods = events[events["event_type"] == "associate"].copy()
    periods["disassociated_at"] = periods["next_time"].where(periods["next_type"] == "disassociate")
    return periods.rename(columns={"event_time": "associated_at"})[
        ["customer_id", "partner_id", "association_type", "associated_at", "disassociated_at"]
    ]


def attributed(rows: pd.DataFrame, periods: pd.DataFrame, at: str) -> pd.DataFrame:
    """Rows joined to the period in force at `at` (associated_at <= at < disassociated_at)."""
    joined = rows.merge(periods, on="customer_id", how="inner")
    inside = (joined["associated_at"] <= joined[at]) & (
        joined["disassociated_at"].isna() | (joined[at] < joined["disassociated_at"])
    )
    return joined[inside]


def order_rows(landing: Path) -> pd.DataFrame:
    orders = latest(read_all(landing, "orders"), "order_no")
    orders = orders[orders["order_status"].isin(["paid", "refunded"])]
    sales = pd.DataFrame(
        {
            "customer_id": orders["customer_id"],
            "product_type": orders["product_type"],
            "at": pd.to_datetime(orders["order_time"]),
            "eligible": orders["paid_amount"].astype(float),
        }
    )
    refunded = orders[orders["refund_time"].notna() & orders["refund_amount"].notna()]
    refunds = pd.DataFrame(
        {
            "customer_id": refunded["customer_id"],
            "product_type": refunded["product_type"],
            "at": pd.to_datetime(refunded["refund_time"]),
            "eligible": -refunded["refund_amount"].astype(float),
        }
    )
    return pd.concat([sales, refunds], ignore_index=True)


def consumption_rows(landing: Path) -> pd.DataFrame:
    columns = ["usage_date", "customer_id", "product_type", "paid_amount"]
    parquet = [
        pd.read_parquet(path, columns=columns)
        for path in sorted((landing / "consumption").glob("*/*.parquet"))
    ]
    csv = [
        pd.read_csv(path, usecols=columns, dtype=str)
        for path in sorted((landing / "consumption").glob("*/*.csv"))
    ]
    frame = pd.concat([*parquet, *csv], ignore_index=True)
    return pd.DataFrame(
        {
            "customer_id": frame["customer_id"],
            "product_type": frame["product_type"],
            # The day counts for the association in force at its end (midnight after it).
            "at": pd.to_datetime(frame["usage_date"]) + pd.Timedelta(days=1),
            "day": pd.to_datetime(frame["usage_date"]),
            "eligible": frame["paid_amount"].astype(float),
        }
    )


def rates(rows: pd.DataFrame, landing: Path) -> pd.Series:
    """The rate of the policy in force on each row's day; the latest-starting one wins."""
    policies = read_all(landing, "incentive_policies")
    policies["rate"] = policies["rate"].astype(float)
    policies["valid_from"] = pd.to_datetime(policies["valid_from"])
    policies["valid_to"] = pd.to_datetime(policies["valid_to"])
    keyed = rows.reset_index(names="row_id")
    matched = keyed.merge(
        policies,
        left_on=["settlement_partner_type", "association_type", "product_type"],
        right_on=["partner_type", "association_type", "product_type"],
        how="inner",
    )
    valid = (matched["day"] >= matched["valid_from"]) & (
        matched["valid_to"].isna() | (matched["day"] <= matched["valid_to"])
    )
    matched = matched[valid].sort_values(
        ["row_id", "valid_from", "policy_id"], ascending=[True, False, True]
    )
    best = matched.drop_duplicates("row_id", keep="first").set_index("row_id")["rate"]
    return best.reindex(keyed["row_id"]).fillna(0.0).to_numpy()


def peer_totals(landing: Path) -> pl.DataFrame:
    """Base incentive per settlement partner and billing period, computed with pandas."""
    periods = association_periods(landing)
    orders = order_rows(landing)
    orders["day"] = orders["at"].dt.normalize()
    # Orders count at their instant; consumption at the end of its day, exclusive.
    consumption = consumption_rows(landing)
    consumption["at"] = consumption["at"] - pd.Timedelta(microseconds=1)
    rows = pd.concat(
        [attributed(orders, periods, "at"), attributed(consumption, periods, "at")],
        ignore_index=True,
    )
    partners = latest(read_all(landing, "partners"), "partner_id")
    partners["settlement_partner_id"] = partners["partner_id"].where(
        partners["partner_type"] != "reseller", partners["parent_partner_id"]
    )
    types = partners.set_index("partner_id")["partner_type"]
    partners["settlement_partner_type"] = partners["settlement_partner_id"].map(types)
    rows = rows.merge(
        partners[["partner_id", "settlement_partner_id", "settlement_partner_type"]],
        on="partner_id",
        how="left",
    )
    rows["settlement_partner_id"] = rows["settlement_partner_id"].fillna(rows["partner_id"])
    rows["rate"] = rates(rows, landing)
    # Half-up to the cent per row, in integer cents (floats would round 0.125 down).
    cents = np.round(rows["eligible"].to_numpy() * 100).astype(np.int64)
    micro_rate = np.round(rows["rate"].to_numpy() * 1_000_000).astype(np.int64)
    product = cents * micro_rate  # in 1e-8 yuan
    rows["incentive_cents"] = np.sign(product) * ((np.abs(product) + 500_000) // 1_000_000)
    rows["billing_period"] = rows["day"].dt.strftime("%Y%m")
    totals = (
        rows.groupby(["settlement_partner_id", "billing_period"])["incentive_cents"]
        .sum()
        .reset_index()
        .rename(columns={"settlement_partner_id": "partner_id"})
    )
    return (
        pl.from_pandas(totals)
        .select(
            "partner_id",
            "billing_period",
            (pl.col("incentive_cents").cast(pl.Decimal(38, 2)) / 100)
            .cast(pl.Decimal(38, 2))
            .alias("incentive_amount"),
        )
        .sort("partner_id", "billing_period")
    )
