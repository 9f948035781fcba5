"""What is in the landing folder: the files to load per source, and every other file with the
reason it is not loaded.

Every file under the landing root ends up in exactly one of the two lists, so a file
dropped in the wrong place is reported (`audit.files_not_loaded`) instead of skipped in
silence. The walk never follows a link to a folder, and a link to a file is loaded only if
its target lies inside the landing root: a link must not make the pipeline read (and quote
in a published reason) a file it was never meant to see.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from contract.sources import SOURCES, Source
from pipelines.ingest.read import SUPPORTED_SUFFIXES, excerpt
from pipelines.ingest.reasons import Reason, ReasonCode, joined_details, reason
from pipelines.ingest.tables import transaction

LAYOUT = "<source>/<YYYY-MM-DD>/<file>"
# Office writes `~$name.xlsx` beside a workbook open in Excel: a lock file, not data.
TEMPORARY_PREFIXES = (".", "~$")


@dataclass(frozen=True)
class LandingFile:
    path: Path  # where to read it (the target of a link inside the landing root)
    file: str  # path relative to the landing root, as recorded in `_file`
    day: date  # the drop date


@dataclass(frozen=True)
class NotLoaded:
    file: str  # path relative to the landing root
    why: Reason  # coded, with the values it names

    @property
    def reason(self) -> str:
        """The reason in English, for a person."""
        return self.why.english()


@dataclass
class Inventory:
    files: dict[str, list[LandingFile]] = field(default_factory=dict)  # by source
    not_loaded: list[NotLoaded] = field(default_factory=list)

    def loadable(self) -> set[str]:
        """The loadable files, relative to the landing root."""
        return {landing.file for files in self.files.values() for landing in files}


def is_iso_date(text: str) -> bool:
    try:
        return date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def walked_entries(root: Path) -> list[Path]:
    """Every entry under `root` that is not a folder (links included, never followed)."""
    entries = []
    for folder, folders, files in os.walk(root, followlinks=False):
        here = Path(folder)
        # os.walk lists a link to a folder among the folders but does not enter it.
        entries += [here / name for name in files]
        entries += [here / name for name in folders if (here / name).is_symlink()]
    return entries


def link_problem(path: Path, root: Path) -> Reason | None:
    """Why a link is not loaded (outside the landing root, dangling, a folder), or None."""
    target = path.resolve()
    if not target.is_relative_to(root):
        return reason(ReasonCode.LINK_OUTSIDE)
    if not target.exists():
        return reason(ReasonCode.LINK_DANGLING)
    if not target.is_file():
        return reason(ReasonCode.LINK_NOT_A_FILE)
    return None


def kind_problem(path: Path) -> Reason | None:
    """Why an entry that is not a link cannot be read as a file (a FIFO would block)."""
    mode = path.lstat().st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return reason(ReasonCode.NAMED_PIPE)
    if stat.S_ISSOCK(mode):
        return reason(ReasonCode.SOCKET)
    return reason(ReasonCode.SPECIAL_FILE)


def layout_problem(parts: tuple[str, ...]) -> Reason | None:
    """Why a path (relative to the landing root) is not `<source>/<YYYY-MM-DD>/<file>`."""
    hidden = next((p for p in parts if p.startswith(TEMPORARY_PREFIXES)), None)
    if hidden is not None:
        if hidden == parts[-1]:
            return reason(ReasonCode.HIDDEN_FILE)
        return reason(ReasonCode.HIDDEN_FOLDER, folder=excerpt(hidden))
    if len(parts) < 3:
        return reason(ReasonCode.WRONG_LAYOUT, layout=LAYOUT)
    if parts[0] not in SOURCES:
        return reason(ReasonCode.UNKNOWN_SOURCE, folder=excerpt(parts[0]), known=sorted(SOURCES))
    if not is_iso_date(parts[1]):
        return reason(ReasonCode.NOT_A_DROP_DATE, folder=excerpt(parts[1]))
    if len(parts) > 3:
        return reason(ReasonCode.NESTED_FOLDER, folder=f"{parts[0]}/{parts[1]}/")
    suffix = Path(parts[2]).suffix.lower()
    if not suffix:
        return reason(ReasonCode.NO_SUFFIX, expected=list(SUPPORTED_SUFFIXES))
    if suffix not in SUPPORTED_SUFFIXES:
        return reason(
            ReasonCode.UNSUPPORTED_TYPE, suffix=excerpt(suffix), expected=list(SUPPORTED_SUFFIXES)
        )
    return None


def landing_inventory(landing_root: Path) -> Inventory:
    """The loadable files of every source, by drop date then name (a later name wins a tie
    of versions), and every other file under the landing root with its reason."""
    inventory = Inventory()
    if not landing_root.is_dir():
        return inventory
    root = landing_root.resolve()
    for path in walked_entries(root):
        relative = path.relative_to(root)
        problem = (
            link_problem(path, root) if path.is_symlink() else kind_problem(path)
        ) or layout_problem(relative.parts)
        if problem:
            inventory.not_loaded.append(NotLoaded(relative.as_posix(), problem))
            continue
        source, day, _ = relative.parts
        # the walk starts at the resolved root and follows no link: only a link needs
        # resolving (one realpath per file cost a walk of thousands of files seconds)
        target = path.resolve() if path.is_symlink() else path
        landing = LandingFile(target, relative.as_posix(), date.fromisoformat(day))
        inventory.files.setdefault(source, []).append(landing)
    for files in inventory.files.values():
        files.sort(key=lambda f: (f.day, f.file))
    inventory.not_loaded.sort(key=lambda n: n.file)
    return inventory


def source_files(landing_root: Path, source: Source) -> list[LandingFile]:
    """Every loadable landing file of a source, by drop date then name."""
    return landing_inventory(landing_root).files.get(source.name, [])


def landed_partitions(landing_root: Path) -> list[str]:
    """Every drop date that holds a loadable file of some source, sorted."""
    inventory = landing_inventory(landing_root)
    days = {f.day for files in inventory.files.values() for f in files}
    return [day.isoformat() for day in sorted(days)]


def not_loaded_rows(not_loaded: list[NotLoaded]) -> set[tuple[str, str, str, str]]:
    """(file, reason, reason_code, reason_details) of each file not loaded."""
    return {(n.file, n.reason, n.why.code, joined_details([n.why])) for n in not_loaded}


def listed_as_not_loaded(con: duckdb.DuckDBPyConnection, not_loaded: list[NotLoaded]) -> bool:
    """Whether `audit.files_not_loaded` lists these files with these reasons, and no other."""
    listed = con.execute(
        "select file, reason, reason_code, reason_details from audit.files_not_loaded"
    ).fetchall()
    return len(listed) == len(not_loaded) and set(listed) == not_loaded_rows(not_loaded)


def replace_files_not_loaded(con: duckdb.DuckDBPyConnection, not_loaded: list[NotLoaded]) -> None:
    """`audit.files_not_loaded` describes the landing folder as it is now: replaced whole. The
    change takes a load id, as a load does: what the landing folder says changed, so the run
    builds and publishes it (a run whose only news is a file it cannot load says so)."""
    rows = sorted(not_loaded_rows(not_loaded))
    frame = pl.DataFrame(
        {
            "file": [row[0] for row in rows],
            "reason": [row[1] for row in rows],
            "reason_code": [row[2] for row in rows],
            "reason_details": [row[3] for row in rows],
            "seen_at": [datetime.now()] * len(rows),
        },
        schema={
            "file": pl.String,
            "reason": pl.String,
            "reason_code": pl.String,
            "reason_details": pl.String,
            "seen_at": pl.Datetime("us"),
        },
    )
    con.register("files_not_loaded", frame)
    try:
        with transaction(con):
            con.execute("select nextval('audit.load_ids')")
            con.execute("delete from audit.files_not_loaded")
            con.execute("insert into audit.files_not_loaded by name select * from files_not_loaded")
    finally:
        con.unregister("files_not_loaded")
