"""A small hand-made set of raw rows, and the as-of date the expectations are computed for.

Everything asserted in test_marts.py is computed by hand from these rows; see the comments
there. Partners: distributor D1 with reseller R1, solution provider SP1.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

AS_OF = "2026-07-10"


def ts(s: str) -> datetime:
    return datetime.fromisoformat(s)


def d(s: str) -> date:
    return date.fromisoformat(s)


def order(
    no, customer, product, at, paid, status="paid", refund_at=None, refund=None, project=None
):
    paid = D(paid)
    return {
        "order_no": no,
        "customer_id": customer,
        "product_type": product,
        "product_name": f"{product} package",
        "order_time": ts(at),
        "list_amount": paid + D("100.00"),
        "discount_amount": D("60.00"),
        "voucher_amount": D("40.00"),
        "paid_amount": paid,
        "order_status": status,
        "refund_time": ts(refund_at) if refund_at else None,
        "refund_amount": D(refund) if refund else None,
        "project_id": project,
        "_partition_date": ts(at).date(),
    }


def usage(day, customer, resource, paid, partition=None, product="ecs"):
    return {
        "usage_date": d(day),
        "customer_id": customer,
        "resource_id": resource,
        "product_type": product,
        "consumption_amount": D(paid) + D("2.00"),
        "voucher_amount": D("2.00"),
        "paid_amount": D(paid),
        "_partition_date": d(partition) if partition else d(day),
    }


def assoc(event_id, customer, partner, event_type, at, assoc_type=None, channel=None, manager=None):
    return {
        "event_id": event_id,
        "customer_id": customer,
        "partner_id": partner,
        "event_type": event_type,
        "association_type": assoc_type,
        "invitation_channel": channel,
        "customer_manager_id": manager,
        "event_time": ts(at),
        "_partition_date": ts(at).date(),
    }


def stmt(partner, period, event_type, at):
    return {
        "partner_id": partner,
        "billing_period": period,
        "event_type": event_type,
        "event_time": ts(at),
    }


def sample_rows() -> dict[str, list[dict]]:
    return {
        "partners": [
            {
                "partner_id": "D1",
                "partner_name": "Dist One",
                "partner_type": "distributor",
                "parent_partner_id": None,
                "development_stage": "certified",
            },
            {
                "partner_id": "R1",
                "partner_name": "Resell One",
                "partner_type": "reseller",
                "parent_partner_id": "D1",
                "development_stage": "registered",
            },
            {
                "partner_id": "SP1",
                "partner_name": "Solve One",
                "partner_type": "solution_provider",
                "parent_partner_id": None,
                "development_stage": "differentiated",
            },
        ],
        "staff": [
            {
                "staff_id": "D1-SUP",
                "partner_id": "D1",
                "staff_name": "Sue Super",
                "role": "supervisor",
                "supervisor_id": None,
            },
            {
                "staff_id": "D1-CM1",
                "partner_id": "D1",
                "staff_name": "Carl Manager",
                "role": "customer_manager",
                "supervisor_id": "D1-SUP",
            },
            {
                "staff_id": "R1-SUP",
                "partner_id": "R1",
                "staff_name": "Rita Super",
                "role": "supervisor",
                "supervisor_id": None,
            },
            {
                "staff_id": "R1-CM1",
                "partner_id": "R1",
                "staff_name": "Ron Manager",
                "role": "customer_manager",
                "supervisor_id": "R1-SUP",
            },
            {
                "staff_id": "SP1-SUP",
                "partner_id": "SP1",
                "staff_name": "Sam Super",
                "role": "supervisor",
                "supervisor_id": None,
            },
            {
                "staff_id": "SP1-CM1",
                "partner_id": "SP1",
                "staff_name": "Pia Manager",
                "role": "customer_manager",
                "supervisor_id": "SP1-SUP",
            },
        ],
        "customers": [
            {
                "customer_id": "C1",
                "customer_name": "Alpha Retail",
                "account_name": "alpha",
                "account_created_at": ts("2026-05-28 09:00"),
                "industry": "retail",
                "region": "east",
                "is_new_customer": True,
            },
            {
                "customer_id": "C2",
                "customer_name": "Beta Bank",
                "account_name": "beta",
                "account_created_at": ts("2024-01-10 09:00"),
                "industry": "finance",
                "region": "north",
                "is_new_customer": False,
            },
            {
                "customer_id": "C3",
                "customer_name": "Gamma Games",
                "account_name": "gamma",
                "account_created_at": ts("2026-01-01 09:00"),
                "industry": "gaming",
                "region": "south",
                "is_new_customer": True,
            },
            {
                "customer_id": "C4",
                "customer_name": "Delta Data",
                "account_name": "delta",
                "account_created_at": ts("2025-12-01 09:00"),
                "industry": "retail",
                "region": "east",
                "is_new_customer": False,
            },
            {
                "customer_id": "C5",
                "customer_name": "Eps Energy",
                "account_name": "eps",
                "account_created_at": ts("2025-12-01 09:00"),
                "industry": "energy",
                "region": "west",
                "is_new_customer": False,
            },
            {
                "customer_id": "C6",
                "customer_name": "Zeta Zoo",
                "account_name": "zeta",
                "account_created_at": ts("2025-06-01 09:00"),
                "industry": None,
                "region": "west",
                "is_new_customer": False,
            },
            {
                "customer_id": "C7",
                "customer_name": "Eta Edu",
                "account_name": "eta",
                "account_created_at": ts("2026-06-08 09:00"),
                "industry": "education",
                "region": "east",
                "is_new_customer": True,
            },
        ],
        "associations": [
            assoc(
                "E01", "C1", "D1", "associate", "2026-06-01 10:00", "referral", "offline", "D1-CM1"
            ),
            assoc("E02", "C1", "D1", "disassociate", "2026-06-15 09:00"),
            assoc(
                "E03", "C1", "SP1", "associate", "2026-06-15 12:00", "reseller", "online", "SP1-CM1"
            ),
            assoc(
                "E04", "C2", "R1", "associate", "2026-05-01 09:00", "reseller", "online", "R1-CM1"
            ),
            # rejected: offline, account created 2026-01-01, more than 7 days before
            assoc(
                "E05",
                "C3",
                "SP1",
                "associate",
                "2026-06-10 10:00",
                "referral",
                "offline",
                "SP1-CM1",
            ),
            assoc(
                "E06", "C4", "D1", "associate", "2026-03-01 09:00", "referral", "online", "D1-CM1"
            ),
            assoc("E07", "C4", "D1", "disassociate", "2026-04-01 09:00"),
            assoc(
                "E08", "C4", "D1", "associate", "2026-04-05 09:00", "referral", "online", "D1-CM1"
            ),
            # rejected: second disassociation within 3 months of 2026-04-01
            assoc("E09", "C4", "D1", "disassociate", "2026-05-01 09:00"),
            # rejected: C4 is still associated with D1
            assoc(
                "E10", "C4", "SP1", "associate", "2026-05-10 09:00", "referral", "online", "SP1-CM1"
            ),
            # rejected: C5 is not associated with SP1
            assoc("E11", "C5", "SP1", "disassociate", "2026-06-01 09:00"),
            assoc(
                "E12", "C6", "SP1", "associate", "2026-04-01 09:00", "referral", "online", "SP1-CM1"
            ),
            # rejected: offline, C7 paid order O8 on 2026-06-09, before the association
            assoc(
                "E13",
                "C7",
                "SP1",
                "associate",
                "2026-06-10 09:00",
                "referral",
                "offline",
                "SP1-CM1",
            ),
        ],
        "orders": [
            order("O1", "C1", "ecs", "2026-06-05 10:00", "1000.00"),
            order("O6", "C1", "ecs", "2026-06-14 08:00", "100.00"),
            order("O2", "C1", "ecs", "2026-06-20 11:00", "200.00", project="PRJ1"),
            order(
                "O3",
                "C2",
                "ecs",
                "2026-06-10 10:00",
                "500.25",
                status="refunded",
                refund_at="2026-07-02 10:00",
                refund="100.25",
            ),
            order("O4", "C2", "obs", "2026-06-11 10:00", "300.00"),
            order("O5", "C2", "ecs", "2026-06-12 10:00", "999.00", status="cancelled"),
            order("O7", "C6", "obs", "2026-04-10 10:00", "50.00"),
            order("O8", "C7", "ecs", "2026-06-09 10:00", "80.00"),
            order("O9", "C4", "ecs", "2026-06-25 10:00", "100.00"),
        ],
        "consumption": [
            usage("2026-02-15", "C4", "RES4", "7.00", "2026-02-16"),
            usage("2026-06-14", "C1", "RES1", "10.00", "2026-06-15"),
            usage("2026-06-15", "C1", "RES1", "20.00", "2026-06-16"),
            usage("2026-07-01", "C1", "RES1", "30.00", "2026-07-02"),
        ],
        "resources": [
            {
                "resource_id": "RES1",
                "customer_id": "C1",
                "product_type": "ecs",
                "billing_mode": "on_demand",
                "start_date": d("2026-06-01"),
                "expire_date": None,
                "status": "active",
            },
            {
                "resource_id": "RES3",
                "customer_id": "C2",
                "product_type": "ecs",
                "billing_mode": "yearly_monthly",
                "start_date": d("2026-01-01"),
                "expire_date": d("2026-07-20"),
                "status": "active",
            },
            {
                "resource_id": "RES4",
                "customer_id": "C4",
                "product_type": "ecs",
                "billing_mode": "on_demand",
                "start_date": d("2026-02-01"),
                "expire_date": None,
                "status": "released",
            },
        ],
        "balances": [
            {
                "snapshot_date": d("2026-06-01"),
                "customer_id": "C2",
                "available_balance": D("500.00"),
                "credit_limit": D("1000.00"),
                "discount_rate": D("0.900000"),
            },
            {
                "snapshot_date": d("2026-07-09"),
                "customer_id": "C2",
                "available_balance": D("-50.00"),
                "credit_limit": D("1000.00"),
                "discount_rate": D("0.900000"),
            },
            {
                "snapshot_date": d("2026-07-10"),
                "customer_id": "C1",
                "available_balance": D("10.00"),
                "credit_limit": D("2000.00"),
                "discount_rate": D("0.950000"),
            },
        ],
        "statement_events": [
            stmt("D1", "202605", "generated", "2026-06-01 10:00"),
            stmt("D1", "202605", "partner_confirmed", "2026-06-02 10:00"),
            stmt("D1", "202605", "ops_approved", "2026-06-03 10:00"),
            stmt("D1", "202605", "invoice_received", "2026-06-05 10:00"),
            stmt("D1", "202605", "invoice_rejected", "2026-06-06 10:00"),
            stmt("D1", "202605", "invoice_received", "2026-06-08 10:00"),
            stmt("D1", "202606", "generated", "2026-07-01 10:00"),
            stmt("D1", "202606", "paid", "2026-07-15 10:00"),  # after as_of: ignored
            stmt("SP1", "202604", "generated", "2026-05-01 10:00"),
            stmt("SP1", "202604", "partner_confirmed", "2026-05-02 10:00"),
            stmt("SP1", "202604", "ops_approved", "2026-05-03 10:00"),
            stmt("SP1", "202604", "invoice_received", "2026-05-04 10:00"),
            stmt("SP1", "202604", "paid", "2026-05-10 10:00"),
            stmt("SP1", "202605", "generated", "2026-07-05 09:00"),
            stmt("SP1", "202606", "generated", "2026-07-01 10:00"),
            stmt("SP1", "202606", "partner_confirmed", "2026-07-02 10:00"),
            stmt("SP1", "202606", "ops_approved", "2026-07-03 10:00"),
            stmt("SP1", "202606", "invoice_received", "2026-07-04 10:00"),
            stmt("SP1", "202606", "paid", "2026-07-09 10:00"),
        ],
        "projects": [
            {
                "project_id": "PRJ1",
                "partner_id": "SP1",
                "customer_id": "C1",
                "offering_name": "Alpha cloud shop",
                "start_date": d("2026-06-15"),
                "committee_approved_amount": None,
            },
            {
                "project_id": "PRJ2",
                "partner_id": "R1",
                "customer_id": "C2",
                "offering_name": "Beta core banking",
                "start_date": d("2026-06-01"),
                "committee_approved_amount": D("25000.00"),
            },
        ],
        "incentive_policies": [
            {
                "policy_id": "POL1",
                "policy_name": "Distributor referral ECS H1",
                "partner_type": "distributor",
                "association_type": "referral",
                "product_type": "ecs",
                "rate": D("0.050000"),
                "valid_from": d("2026-01-01"),
                "valid_to": d("2026-06-19"),
            },
            {
                "policy_id": "POL2",
                "policy_name": "Distributor referral ECS H2",
                "partner_type": "distributor",
                "association_type": "referral",
                "product_type": "ecs",
                "rate": D("0.080000"),
                "valid_from": d("2026-06-20"),
                "valid_to": None,
            },
            {
                "policy_id": "POL3",
                "policy_name": "Distributor resale ECS",
                "partner_type": "distributor",
                "association_type": "reseller",
                "product_type": "ecs",
                "rate": D("0.100000"),
                "valid_from": d("2026-01-01"),
                "valid_to": None,
            },
            {
                "policy_id": "POL4",
                "policy_name": "Solution provider resale ECS",
                "partner_type": "solution_provider",
                "association_type": "reseller",
                "product_type": "ecs",
                "rate": D("0.030000"),
                "valid_from": d("2026-01-01"),
                "valid_to": None,
            },
        ],
    }
