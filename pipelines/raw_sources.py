"""The raw layer as dbt and the docs see it, generated from the landing schemas
(contract/sources.py): dbt's `source('raw', ...)` declarations
(`dbt_project/models/staging/_raw__sources.yml`) and the table of the raw layer in
docs/ARCHITECTURE.md. `partner-warehouse prepare` rewrites the dbt file,
`python -m pipelines.raw_sources` both; tests/test_raw_sources.py fails when either is stale.

The keys of withdrawn rows the incremental models read (`raw_withdrawn`) are dbt's own
choice and stay hand-written beside it (`_raw_withdrawn__sources.yml`).
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from contract.sources import SOURCES, Source
from pipelines.ingest.tables import LINEAGE_COLUMNS, LOAD_ID_COLUMN, sql_type

ROOT = Path(__file__).resolve().parents[1]
SOURCES_YML = ROOT / "dbt_project" / "models" / "staging" / "_raw__sources.yml"
ARCHITECTURE = ROOT / "docs" / "ARCHITECTURE.md"
TABLE_START = "<!-- raw tables: generated from contract/sources.py (pipelines/raw_sources.py) -->\n"
TABLE_END = "<!-- end of raw tables -->\n"
# What the columns beside the source's own say.
EXTRA_COLUMNS = {
    **dict.fromkeys(LINEAGE_COLUMNS, "lineage"),
    **dict.fromkeys(LOAD_ID_COLUMN, "the load that last changed the key (incremental watermark)"),
}
# Types the table of the docs spells out; the others follow from the paragraph above it.
SHOWN_TYPES = {"DATE", "TIMESTAMP", "BOOLEAN"}


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is YAML's)."""
    return json.dumps(text, ensure_ascii=False)


def column_descriptions(source: Source) -> dict[str, str]:
    """Column -> "<DuckDB type>; <Chinese header or what it is>", as in raw.<source>."""
    dtypes = source.dtypes()
    own = {name: f"{sql_type(dtypes[name])}; {zh}" for name, zh in source.chinese_headers().items()}
    extra_types = LINEAGE_COLUMNS | LOAD_ID_COLUMN
    return own | {name: f"{extra_types[name]}; {what}" for name, what in EXTRA_COLUMNS.items()}


def source_block(source: Source) -> list[str]:
    lines = [
        f"      - name: {source.name}",
        f"        description: {quoted(f'raw.{source.name}: {source.grain}.')}",
        "        columns:",
    ]
    for name, description in column_descriptions(source).items():
        lines += [f"          - name: {name}", f"            description: {quoted(description)}"]
    return lines


def sources_yml() -> str:
    lines = [
        "# Generated from contract/sources.py by `partner-warehouse prepare`: do not edit.",
        "version: 2",
        "",
        "sources:",
        "  - name: raw",
        "    description: Raw layer written by ingestion (one row per key, latest version wins;"
        " docs/ARCHITECTURE.md).",
        "    schema: raw",
        "    tables:",
    ]
    for source in SOURCES.values():
        lines += source_block(source)
    return "\n".join(lines) + "\n"


def typed_column(name: str, dtype: pl.DataType, values: dict[str, str] | None) -> str:
    if values:
        return f"{name} ({'/'.join(values.values())})"
    duckdb_type = sql_type(dtype)
    return f"{name} {duckdb_type}" if duckdb_type in SHOWN_TYPES else name


def architecture_table() -> str:
    lines = ["| table | key | typed columns |", "|---|---|---|"]
    for source in SOURCES.values():
        columns = ", ".join(
            typed_column(name, column.dtype.type, (column.metadata or {}).get("values_zh"))
            for name, column in source.schema.columns.items()
        )
        lines.append(f"| `raw.{source.name}` | {', '.join(source.key)} | {columns} |")
    return "\n".join(lines) + "\n"


def with_table(document: str, table: str) -> str:
    """The document with the text between its table markers replaced by `table`."""
    start = document.index(TABLE_START) + len(TABLE_START)
    return document[:start] + table + document[document.index(TABLE_END, start) :]


def written(path: Path, text: str) -> bool:
    """Write `text` unless the file holds it already (an unchanged file keeps its time, so
    dbt's manifest stays current); True when written."""
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def refresh_sources_yml() -> bool:
    return written(SOURCES_YML, sources_yml())


def refresh_architecture_table() -> bool:
    return written(
        ARCHITECTURE, with_table(ARCHITECTURE.read_text(encoding="utf-8"), architecture_table())
    )


if __name__ == "__main__":
    for path, changed in (
        (SOURCES_YML, refresh_sources_yml()),
        (ARCHITECTURE, refresh_architecture_table()),
    ):
        print(f"{'rewrote' if changed else 'current'}: {path.relative_to(ROOT)}")
