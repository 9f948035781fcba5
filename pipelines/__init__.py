"""partner-warehouse: ingestion, dbt wiring, publishing and the CLI."""

import contract  # noqa: F401  (its warning filter must precede any pandera import)
