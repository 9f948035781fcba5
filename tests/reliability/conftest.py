"""The reliability group: bad input corpus, faults, concurrent readers, security."""

import sys
from pathlib import Path

# The security tests reuse the dashboards' fixture warehouse and users (tests/dashboards),
# which is on sys.path only when pytest also collects that folder.
DASHBOARD_TESTS = str(Path(__file__).resolve().parents[1] / "dashboards")
if DASHBOARD_TESTS not in sys.path:
    sys.path.append(DASHBOARD_TESTS)
