"""`python -m bench.totals floor|peer LANDING OUT`: compute the totals one way, write Parquet.
Run as its own process so that its time and memory are measured alone."""

import sys
from pathlib import Path

from bench.floor import floor_totals
from bench.peer import peer_totals

WAYS = {"floor": floor_totals, "peer": peer_totals}

if __name__ == "__main__":
    way, landing, out = sys.argv[1:4]
    WAYS[way](Path(landing)).write_parquet(out)
