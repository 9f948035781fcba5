"""partner-warehouse: ingestion, dbt wiring, publishing and the CLI."""

import warnings

# pandera imports pyspark.pandas whenever pyspark is installed (the `spark` extra), and
# pyspark warns about pandas 3 on every start; nothing here uses pandas-on-Spark.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)
