"""What the pipeline and the dashboards share, and nothing else: the settings read from the
environment, the landing sources' schemas, the published copies (names, `CURRENT`, the public
marts) and the dashboard roles. Both sides import it; it imports neither."""

import warnings

# pandera imports pyspark.pandas whenever pyspark is installed (the `spark` extra), and
# pyspark warns about pandas 3 on every start; nothing here uses pandas-on-Spark.
warnings.filterwarnings(
    "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
)
