"""dbt's raw sources and the docs' table of the raw layer are generated from the landing
schemas (pipelines/raw_sources.py): the checked-in files are the generated ones, and what
they say agrees with the schemas and the raw tables ingestion creates."""

from __future__ import annotations

import duckdb
import yaml

from contract.sources import SOURCES
from pipelines.ingest.tables import ensure_tables
from pipelines.raw_sources import (
    ARCHITECTURE,
    SOURCES_YML,
    TABLE_END,
    TABLE_START,
    architecture_table,
    sources_yml,
    with_table,
)


def test_the_checked_in_sources_are_the_generated_ones() -> None:
    # If this fails: `partner-warehouse prepare` (or python -m pipelines.raw_sources).
    assert SOURCES_YML.read_text(encoding="utf-8") == sources_yml()


def test_the_architecture_table_is_the_generated_one() -> None:
    document = ARCHITECTURE.read_text(encoding="utf-8")
    assert TABLE_START in document and TABLE_END in document
    assert with_table(document, architecture_table()) == document


def test_the_sources_declare_every_raw_table_with_its_columns_and_types() -> None:
    declared = yaml.safe_load(sources_yml())["sources"]
    assert [source["name"] for source in declared] == ["raw"]
    tables = {table["name"]: table for table in declared[0]["tables"]}
    assert list(tables) == list(SOURCES)
    with duckdb.connect() as con:
        ensure_tables(con)
        for name, table in tables.items():
            actual = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [name],
            ).fetchall()
            described = [
                (column["name"], column["description"].split(";")[0]) for column in table["columns"]
            ]
            assert sorted(described) == sorted(actual), name


def test_a_column_reads_as_its_type_and_header() -> None:
    partners = yaml.safe_load(sources_yml())["sources"][0]["tables"][0]
    assert partners["description"] == "raw.partners: one row per partner (latest snapshot)."
    assert partners["columns"][0] == {"name": "partner_id", "description": "VARCHAR; 伙伴ID"}
    assert (
        "| `raw.balances` | snapshot_date, customer_id | snapshot_date DATE, customer_id, "
        "available_balance, credit_limit, discount_rate |" in architecture_table()
    )
