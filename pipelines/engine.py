"""The compute engine of the dbt step: a resource of its own, beside the storage.

`duckdb` builds the models in the run's working file; `spark` exchanges the raw layer and
the marts with it as Parquet (pipelines/spark.py). Ingestion and publishing are the same
for both, so changing the engine changes this resource alone, never `Warehouse`.
"""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from contract.settings import BY_NAME, Settings

# DuckDB's memory limit in dbt for every batch of a full build, unless
# PARTNER_WAREHOUSE_DBT_MEMORY is set. At 100M rows a batch's dbt process went 1.1 GB past
# a 2,500MB limit (a tree of 4,198 MiB beside the run's own process, 4 GiB allowed); at
# 10M rows 3.19 GiB of process tree at 2,500MB, 3.7 GiB at 3GB. At 2,200MB the batches
# stayed at 3,545 MiB, and the last batch, then at the profile's 3GB, was the peak (4,197
# MiB at 100M, docs/PERFORMANCE.md): it now takes this limit too.
BATCH_DBT_MEMORY = "2200MB"


class Engine(dg.ConfigurableResource):
    """Which engine runs the dbt models, and where Spark keeps its files."""

    name: str = "duckdb"  # one of contract.settings.ENGINES (pipelines/spark.py, dbt_target)
    # Spark's tables, metastore and Parquet lake; default: `spark/` beside the warehouse file.
    spark_dir: str = ""
    # Transactions per batch of a full build on DuckDB (pipelines/dbt/assets.py).
    batch_rows: int = int(BY_NAME["PARTNER_WAREHOUSE_BATCH_ROWS"].default)
    # DuckDB's memory limit in dbt for those batches (BATCH_DBT_MEMORY).
    batch_dbt_memory: str = BATCH_DBT_MEMORY

    @classmethod
    def from_settings(cls, settings: Settings) -> Engine:
        return cls(
            name=settings.engine,
            spark_dir=settings.spark_dir,
            batch_rows=settings.batch_rows,
            batch_dbt_memory=settings.dbt_memory_set or BATCH_DBT_MEMORY,
        )

    def spark_root(self, warehouse_file: Path) -> Path:
        return Path(self.spark_dir).resolve() if self.spark_dir else warehouse_file.parent / "spark"
