"""Ways a published copy can be unusable, as a hostile tester or a bad disk makes them.

Each function turns a good `warehouse-<n>.duckdb` (written by `fixture_warehouse.publish`)
into a bad one in place; `DAMAGES` names them for parametrized tests.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import duckdb

HEADER = 4096  # DuckDB's main header block: a checksum, then "DUCK" and the storage version


def truncated(path: Path) -> None:
    """A copy cut short, as by a full disk during a copy outside the pipeline."""
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def overwritten_header(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(b"\x00" * HEADER + data[HEADER:])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def symlinked(path: Path) -> None:
    """A symbolic link, here to a good copy: readers refuse it all the same, since a link in
    the published folder could point at any file of the machine."""
    good = path.with_name("elsewhere.duckdb")
    path.rename(good)
    path.symlink_to(good)


def _header_checksum(header: bytes) -> int:
    """DuckDB's checksum of the header block after its first 8 bytes (common/checksum.cpp)."""
    total = 5381
    for (word,) in struct.iter_unpack("<Q", header[8:HEADER]):
        total ^= (word * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    return total


def newer_version(path: Path) -> None:
    """A file as a newer DuckDB writes it: storage version 69 (DuckDB 1.5 reads 64 to 68),
    with a correct checksum, so that the version is what DuckDB refuses."""
    data = bytearray(path.read_bytes())
    struct.pack_into("<Q", data, 12, 69)
    struct.pack_into("<Q", data, 0, _header_checksum(bytes(data[:HEADER])))
    path.write_bytes(bytes(data))


def no_marts_schema(path: Path) -> None:
    path.unlink()
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE main.t AS SELECT 1 AS x")


def missing_public_table(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE marts.sub_customers")


DAMAGES: dict[str, Callable[[Path], None]] = {
    "truncated": truncated,
    "overwritten header": overwritten_header,
    "empty": empty,
    "symlink": symlinked,
    "newer version": newer_version,
    "no marts schema": no_marts_schema,
    "missing public table": missing_public_table,
}
