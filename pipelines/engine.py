"""The compute engine of the dbt step: a resource of its own, beside the storage.

`duckdb` builds the models in the run's working file; `spark` exchanges the raw layer and
the marts with it as Parquet (pipelines/spark.py). Ingestion and publishing are the same
for both, so changing the engine changes this resource alone, never `Warehouse`.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from contract.settings import BY_NAME, Settings


class Engine(dg.ConfigurableResource):
    """Which engine runs the dbt models, and where Spark keeps its files."""

    name: str = "duckdb"  # one of contract.settings.ENGINES (pipelines/spark.py, dbt_target)
    # Spark's tables, metastore and Parquet lake; default: `spark/` beside the warehouse file.
    spark_dir: str = ""
    # Transactions per batch of a full build on DuckDB (pipelines/dbt/assets.py).
    batch_rows: int = int(BY_NAME["PARTNER_WAREHOUSE_BATCH_ROWS"].default)

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        return cls(
            name=settings.engine, spark_dir=settings.spark_dir, batch_rows=settings.batch_rows
        )

    def spark_root(self, warehouse_file: Path) -> Path:
        return Path(self.spark_dir).resolve() if self.spark_dir else warehouse_file.parent / "spark"
