"""The world's snapshot and event rows as frames with a landing day `_day`.

Money is integer cents here; `formats` writes it as text or decimals.
"""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from tools.generate.world import DAY, World, customer_id


def customers_frame(world: World) -> pl.DataFrame:
    """One row per customer on the day its account was created (history on day 0); a
    few customers land without an industry and get it in a later version."""
    window = world.window
    c = world.customers
    origin = window.moment(0, 0)
    rows = []
    for i, company in enumerate(c.company):
        first_day = window.drop_day(int(c.created_day[i]))
        fix_day = int(c.industry_fix_day[i])
        late = fix_day > first_day
        row = {
            "customer_id": customer_id(i),
            "customer_name": company.name,
            "account_name": company.account_name,
            "account_created_at": origin + timedelta(minutes=int(c.created_minute[i])),
            "industry": None if late else company.industry,
            "region": company.region,
            "is_new_customer": bool(c.is_new[i]),
            "_day": first_day,
        }
        rows.append(row)
        if late and fix_day <= window.last:
            rows.append({**row, "industry": company.industry, "_day": fix_day})
    return pl.DataFrame(
        rows,
        schema={
            "customer_id": pl.String,
            "customer_name": pl.String,
            "account_name": pl.String,
            "account_created_at": pl.Datetime("us"),
            "industry": pl.String,
            "region": pl.String,
            "is_new_customer": pl.Boolean,
            "_day": pl.Int64,
        },
    ).sort("_day", "customer_id", maintain_order=True)


def event_ids(count: int) -> list[str]:
    return [f"AE{n:08d}" for n in range(1, count + 1)]


def associations_frame(world: World) -> pl.DataFrame:
    """Association events in time order, numbered in that order."""
    origin = world.window.moment(0, 0)
    events = world.events
    return pl.DataFrame(
        {
            "event_id": event_ids(len(events)),
            "customer_id": [customer_id(e.customer) for e in events],
            "partner_id": [e.partner_id for e in events],
            "event_type": [e.event_type for e in events],
            "association_type": [e.association_type for e in events],
            "invitation_channel": [e.channel for e in events],
            "customer_manager_id": [e.manager_id for e in events],
            "event_time": [origin + timedelta(minutes=e.minute) for e in events],
            "_day": [world.window.drop_day(e.minute // DAY) for e in events],
        },
        schema_overrides={
            "invitation_channel": pl.String,
            "customer_manager_id": pl.String,
            "event_time": pl.Datetime("us"),
            "_day": pl.Int64,
        },
    )


def projects_frame(world: World) -> pl.DataFrame:
    """Projects on their start day; a committee amount revision lands again later."""
    window = world.window
    rows = []
    for p in world.projects:
        row = {
            "project_id": p.project_id,
            "partner_id": p.partner_id,
            "customer_id": customer_id(p.customer),
            "offering_name": p.offering_name,
            "start_date": window.date_of(p.start_day),
            "committee_approved_amount": p.committee_cents,
            "_day": window.drop_day(p.start_day),
        }
        rows.append(row)
        if p.revision and p.revision[0] <= window.last:
            rows.append({**row, "committee_approved_amount": p.revision[1], "_day": p.revision[0]})
    return pl.DataFrame(
        rows,
        schema={
            "project_id": pl.String,
            "partner_id": pl.String,
            "customer_id": pl.String,
            "offering_name": pl.String,
            "start_date": pl.Date,
            "committee_approved_amount": pl.Int64,
            "_day": pl.Int64,
        },
    ).sort("_day", "project_id", maintain_order=True)
