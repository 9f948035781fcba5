"""pandera's polars API without its pandas API.

`import pandera.polars` first runs `pandera/__init__.py`, which imports pandas (and, where
pyspark is installed, pyspark.pandas) to offer pandera's pandas API at the top level: 1.6
of the 2.3 s the import costs on a 2-core machine, paid by every pipeline run that never
touches pandas. pandera skips that API when pandas cannot be imported (its polars-only
install), so the import below is made with pandas hidden; pandas stays importable for
everything else (pandera itself imports it to report failures of a lazy validation).
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder


class _PandasHidden(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "pandas":
            # the message pandera's polars-only install expects
            raise ModuleNotFoundError("No module named 'pandas'", name=name)
        return None


if "pandera" not in sys.modules and "pandas" not in sys.modules:
    _hidden = _PandasHidden()
    sys.meta_path.insert(0, _hidden)
    try:
        import pandera  # noqa: F401
    finally:
        sys.meta_path.remove(_hidden)

import pandera.polars as pa  # noqa: E402
from pandera.engines import polars_engine as pe  # noqa: E402

__all__ = ["pa", "pe"]
