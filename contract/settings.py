"""Every `PARTNER_WAREHOUSE_*` environment variable: its name, default and meaning, once.

`VARIABLES` is the one list (README, "Environment variables", is generated from it and a test
keeps them equal). `Settings.from_env()` reads the ones Python reads, in one go, at the entry
point of a process (the CLI, the Dagster definitions, a dashboard page run); everything below
it gets its values from the object, never from `os.environ`.

Some variables are read by dbt (`dbt_project/profiles.yml`, the macros), which cannot import
Python: their fallbacks there are checked against `dbt_default` here by a test
(tests/test_settings.py), so a default still has one meaning.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

PREFIX = "PARTNER_WAREHOUSE_"
ENGINES = ("duckdb", "spark")
PUBLISH_MODES = ("copy", "link")
SCHEDULE_OFF = frozenset({"off", "false", "0", "no"})


@dataclass(frozen=True)
class Variable:
    """One environment variable. `reader`: who reads it ("pipeline", "dashboards", "dbt",
    "tools"); `set_by_pipeline`: the pipeline sets it for dbt on every run (by hand, you set
    it for a dbt command of your own); `dbt_default`: the fallback dbt's files write for it."""

    name: str
    default: str
    doc: str
    reader: str
    set_by_pipeline: bool = False
    dbt_default: str | None = None


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "PARTNER_WAREHOUSE_FILE",
        "data/warehouse.duckdb",
        "the warehouse file a run writes (`run --warehouse`, the Dagster definitions)",
        "pipeline",
    ),
    Variable(
        "PARTNER_WAREHOUSE_LANDING",
        "data/landing",
        "the landing folder (`run --landing`)",
        "pipeline",
    ),
    Variable(
        "PARTNER_WAREHOUSE_PUBLISHED",
        "",
        "the folder of published copies readers open; empty: `published/` beside the "
        "warehouse file",
        "pipeline, dashboards",
    ),
    Variable(
        "PARTNER_WAREHOUSE_ENGINE",
        "duckdb",
        "engine of the dbt models: `duckdb` or `spark` (`run --engine`)",
        "pipeline",
    ),
    Variable(
        "PARTNER_WAREHOUSE_PUBLISH",
        "copy",
        "`copy` or `link`: how a run publishes the warehouse (`run --publish`)",
        "pipeline",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_DIR",
        "",
        "Spark's table files, metastore and `derby.log`; empty: `spark/` beside the warehouse "
        "file (`run --spark-dir`)",
        "pipeline, dbt",
        set_by_pipeline=True,
        dbt_default="../data/spark",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_TARGET",
        "spark",
        "the profiles.yml output a Spark run uses: `spark` or `spark_thrift`",
        "pipeline",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SCHEDULE",
        "on",
        "`off` (or false, 0, no) starts the daily schedule stopped",
        "pipeline",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SCHEDULE_CRON",
        "0 6 * * *",
        "when the daily schedule runs (cron, Asia/Shanghai)",
        "pipeline",
    ),
    Variable(
        "PARTNER_WAREHOUSE_USERS",
        "data/users.toml",
        "the dashboards' users file (`users --file`)",
        "dashboards",
    ),
    Variable(
        "PARTNER_WAREHOUSE_PATH",
        "",
        "the DuckDB file dbt builds in: a run sets it to its working file (never the "
        "warehouse file itself, which `FILE` names); set it for a dbt command of your own",
        "dbt",
        set_by_pipeline=True,
    ),
    Variable(
        "PARTNER_WAREHOUSE_AS_OF",
        "",
        "the business date dbt computes for (`YYYY-MM-DD`); unset: the dbt var `as_of`",
        "dbt",
        set_by_pipeline=True,
    ),
    Variable(
        "PARTNER_WAREHOUSE_RUN_ID",
        "",
        "the Dagster run id written into `marts.publication`",
        "dbt",
        set_by_pipeline=True,
        dbt_default="",
    ),
    Variable(
        "PARTNER_WAREHOUSE_LOADED_THROUGH",
        "",
        "a batch of a full build: the last load of orders and consumption dbt reads; "
        "empty: every load",
        "dbt",
        set_by_pipeline=True,
        dbt_default="",
    ),
    Variable(
        "PARTNER_WAREHOUSE_DBT_CHECKPOINT",
        "16MB",
        "DuckDB's checkpoint threshold in the dbt step: a daily run writes its log into the "
        "working file once, at the end",
        "dbt",
        set_by_pipeline=True,
        dbt_default="16MB",
    ),
    Variable(
        "PARTNER_WAREHOUSE_LAKE",
        "",
        "the Parquet lake of a Spark run (`raw/`, `published/`): `lake/` under the Spark "
        "folder, or an `s3a://`/`hdfs://` URI on a cluster",
        "dbt",
        set_by_pipeline=True,
        dbt_default="../data/lake",
    ),
    Variable(
        "PARTNER_WAREHOUSE_BATCH_ROWS",
        "5000000",
        "transactions (orders and consumption rows) per batch of a full build on DuckDB: "
        "history is built in batches of loads, each appended as a day is, so that memory "
        "and spill stay those of a batch",
        "pipeline",
    ),
    Variable(
        "PARTNER_WAREHOUSE_DBT_THREADS",
        "2",
        "models and tests dbt runs at once on DuckDB",
        "dbt",
        dbt_default="2",
    ),
    Variable(
        "PARTNER_WAREHOUSE_DBT_MEMORY",
        "3GB",
        "DuckDB's memory limit in the dbt step (spills beyond)",
        "dbt",
        dbt_default="3GB",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_MASTER",
        "local[2]",
        "Spark master: `spark://host:7077`, `yarn`, `k8s://...` for a cluster",
        "dbt",
        dbt_default="local[2]",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_THREADS",
        "2",
        "models and tests dbt runs at once on the Spark session",
        "dbt",
        dbt_default="2",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_DRIVER_MEMORY",
        "2g",
        "heap of Spark's driver (the whole JVM in local mode)",
        "dbt",
        dbt_default="2g",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_SHUFFLE_PARTITIONS",
        "4",
        "Spark's shuffle partitions (small data); raise it on a cluster",
        "dbt",
        dbt_default="4",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_CODEGEN",
        "true",
        "`false` turns off whole-stage code generation (faster on tiny data; the tests do)",
        "dbt",
        dbt_default="true",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_JAVA_OPTIONS",
        "",
        "extra driver JVM options (the tests use `-XX:TieredStopAtLevel=1 -XX:+UseSerialGC`: "
        "about 40% faster on the hand-made set)",
        "dbt",
        dbt_default="",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_HOST",
        "localhost",
        "the Thrift server of `spark_thrift`",
        "dbt",
        dbt_default="localhost",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_PORT",
        "10000",
        "its port",
        "dbt",
        dbt_default="10000",
    ),
    Variable(
        "PARTNER_WAREHOUSE_SPARK_USER",
        "partner_warehouse",
        "its user",
        "dbt",
        dbt_default="partner_warehouse",
    ),
    Variable(
        "PARTNER_WAREHOUSE_RELIABILITY_LOG",
        "",
        "the file the reliability tests append their figures to (set by "
        "`partner-warehouse reliability`)",
        "tools",
    ),
)
BY_NAME = {variable.name: variable for variable in VARIABLES}


def env_value(env: Mapping[str, str], name: str) -> str:
    """The variable's value in `env`, else its one default."""
    return env.get(name, BY_NAME[name].default)


@dataclass(frozen=True)
class Settings:
    """The values the Python side reads, from one look at the environment."""

    warehouse_file: str
    landing_dir: str
    published_dir: str
    engine: str
    publish_mode: str
    spark_dir: str
    spark_target: str
    schedule_on: bool
    schedule_cron: str
    users_file: str
    batch_rows: int
    # PARTNER_WAREHOUSE_DBT_MEMORY when set (empty when not): it then holds for every batch
    # of a full build too, not only for the daily build (pipelines.engine.Engine).
    dbt_memory_set: str = ""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values = {name.removeprefix(PREFIX): env_value(env, name) for name in BY_NAME}
        return cls(
            warehouse_file=values["FILE"],
            landing_dir=values["LANDING"],
            published_dir=values["PUBLISHED"],
            engine=values["ENGINE"],
            publish_mode=values["PUBLISH"],
            spark_dir=values["SPARK_DIR"],
            spark_target=values["SPARK_TARGET"],
            schedule_on=values["SCHEDULE"].strip().lower() not in SCHEDULE_OFF,
            schedule_cron=values["SCHEDULE_CRON"],
            users_file=values["USERS"],
            batch_rows=int(values["BATCH_ROWS"]),
            dbt_memory_set=env.get("PARTNER_WAREHOUSE_DBT_MEMORY", ""),
        )

    @property
    def published_root(self) -> Path:
        """The published folder: the one named, else `published/` beside the warehouse."""
        return (
            Path(self.published_dir)
            if self.published_dir
            else Path(self.warehouse_file).parent / "published"
        )


def variables_table() -> str:
    """The Markdown table of every variable (README, "Environment variables")."""
    lines = [
        "| variable | default | read by | meaning |",
        "|---|---|---|---|",
    ]
    for variable in VARIABLES:
        default = f"`{variable.default}`" if variable.default else "(none)"
        reader = variable.reader + (" (set by each run)" if variable.set_by_pipeline else "")
        lines.append(f"| `{variable.name}` | {default} | {reader} | {variable.doc} |")
    return "\n".join(lines) + "\n"
