"""What the reliability tests tried and survived, appended as JSON lines for the report.

`partner-warehouse reliability` sets `PARTNER_WAREHOUSE_RELIABILITY_LOG` to a file, runs
these tests and adds the lines up (`tools/reliability.py`). Outside the report the
variable is unset and recording does nothing: the tests assert either way.
"""

from __future__ import annotations

import json
import os

LOG_ENV = "PARTNER_WAREHOUSE_RELIABILITY_LOG"


def record(kind: str, **figures: object) -> None:
    """Append one figure line; `kind` is bad_file, property_file, fault, hostile or reads."""
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"kind": kind, **figures}, default=str) + "\n")
