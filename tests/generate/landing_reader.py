"""A small independent reader of generated landing files, for the generator's tests.

It does not reuse `pipelines.ingest` on purpose: the tests check the files against the
source schemas (`SOURCES`) themselves.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from contract.sources import SOURCES

BOM = b"\xef\xbb\xbf"
# The generator arguments of the shared test landing set: small, but long enough for three
# closed months (so every statement event type) and every scripted case.
ARGS = {"seed": 7, "scale": 0.2, "start": date(2026, 6, 1), "days": 120}


def landing_files(root: Path, source: str | None = None) -> list[Path]:
    """Every landing file (of one source), in drop-date order."""
    pattern = f"{source}/*/*" if source else "*/*/*"
    return sorted(p for p in root.glob(pattern) if p.is_file())


def csv_text(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(BOM):
        return data[len(BOM) :].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def raw_frame(path: Path) -> pl.DataFrame:
    """The file's rows as text, with its headers as landed."""
    if path.suffix == ".csv":
        return pl.read_csv(csv_text(path).encode(), infer_schema=False)
    if path.suffix == ".xlsx":
        return pl.read_excel(path, infer_schema_length=0)
    return pl.read_parquet(path).with_columns(pl.all().cast(pl.String))


def headers(path: Path) -> list[str]:
    if path.suffix == ".parquet":
        return pl.read_parquet_schema(path).names()
    return raw_frame(path).columns


def english_frame(path: Path, source: str) -> pl.DataFrame:
    """The file's rows as text with English headers and English enum values."""
    src = SOURCES[source]
    frame = raw_frame(path)
    frame = frame.rename(src.header_aliases(), strict=False).select(src.columns)
    enums = {
        column: pl.col(column).replace(spellings) for column, spellings in src.enum_values().items()
    }
    return frame.with_columns(**enums).with_columns(pl.lit(str(path)).alias("_file"))


def read_source(root: Path, source: str) -> pl.DataFrame:
    """Every row of a source in drop-date order (later rows are newer versions)."""
    return pl.concat([english_frame(p, source) for p in landing_files(root, source)])


def latest(frame: pl.DataFrame, source: str) -> pl.DataFrame:
    """The newest version of each key."""
    return frame.unique(subset=list(SOURCES[source].key), keep="last", maintain_order=True)


def money(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Decimal(18, 2))


def shanghai_time(column: str) -> pl.Expr:
    """Naive Asia/Shanghai time from either landed style (with +08:00 or without)."""
    return (
        pl.col(column)
        .str.replace(r"\+08:00$", "")
        .str.replace("T", " ")
        .str.to_datetime("%Y-%m-%d %H:%M:%S")
    )
