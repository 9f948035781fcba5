"""Copies of the warehouse file: clones where the file system shares blocks, else copies of
every byte; and the run's working copy made in the background from the start of its process
(`start_prefetch`). Standard library only: `partner-warehouse run` starts the copy before it
imports Dagster (2-3 s of a day's run)."""

from __future__ import annotations

import errno
import fcntl
import os
import shutil
import threading
from pathlib import Path

# Linux's FICLONE ioctl (linux/fs.h): the target file shares the source's blocks.
FICLONE = 0x40049409
# Its errors that mean "no clone here": EOPNOTSUPP a file system without shared blocks
# (ext4), ENOTTY a file without the ioctl, EXDEV another file system, EINVAL a file system
# that refuses this pair of files, ENOSYS/EPERM no such call allowed.
CLONE_UNSUPPORTED = frozenset(
    {errno.EOPNOTSUPP, errno.ENOTTY, errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EPERM}
)
# The size of one copy call of a prefetch: small enough that a cancelled one stops soon.
PREFETCH_CHUNK_BYTES = 256 << 20
# Room a prefetch leaves free on its file system beyond its copy.
PREFETCH_MARGIN_BYTES = 64 << 20
# The copy of each warehouse file being made for this process's run.
_PREFETCHES: dict[Path, Prefetch] = {}


def start_prefetch(warehouse_file: Path) -> None:
    """Start copying the committed `warehouse_file` for this process's run (`Prefetch`),
    unless one is under way, there is no file, or its copy would not leave the margin free
    (the run's own check then says so)."""
    if warehouse_file in _PREFETCHES or not warehouse_file.is_file():
        return
    size = warehouse_file.stat().st_size
    if shutil.disk_usage(warehouse_file.parent).free < size + PREFETCH_MARGIN_BYTES:
        return
    _PREFETCHES[warehouse_file] = Prefetch(warehouse_file)


def claimed_prefetch(warehouse_file: Path, working: Path) -> bool:
    """Whether this process's finished copy of `warehouse_file` was moved to `working`."""
    prefetched = _PREFETCHES.pop(warehouse_file, None)
    return prefetched is not None and prefetched.claimed_as(working)


def cancel_prefetch(warehouse_file: Path) -> None:
    """Stop and drop a copy the run did not take (it found nothing to write, or failed)."""
    prefetched = _PREFETCHES.pop(warehouse_file, None)
    if prefetched is not None:
        prefetched.cancel()


def copied_file(source: Path, target: Path) -> None:
    """`target` as a copy of `source`: a clone where the file system can make one (XFS with
    reflink, btrfs), else a copy of every byte. A clone shares the source's blocks until
    either file writes one, so the working copy and the published copy of a run cost no
    time at any size (a copy: 7.75 GB, about 7 s, at 100M rows); each file stays its own,
    and a write to one never reaches the other."""
    if not cloned(source, target):
        shutil.copyfile(source, target)


def cloned(source: Path, target: Path) -> bool:
    """Whether `target` was made a clone of `source` (False: this file system makes none;
    any other error, a full disk say, is raised: a copy would fail too)."""
    with open(source, "rb") as src, open(target, "wb") as dst:
        try:
            fcntl.ioctl(dst.fileno(), FICLONE, src.fileno())
        except OSError as exc:
            if exc.errno not in CLONE_UNSUPPORTED:
                raise
            return False
    return True


def file_identity(path: Path) -> tuple[int, int, int, int]:
    """What tells one version of a committed file from the next: a commit replaces the file
    (a new inode) and nothing writes one in place."""
    stat = path.stat()
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


class Prefetch:
    """The run's working copy of the committed warehouse, made in the background from the
    run's start: where the file system makes no clones (ext4), copying the 7.7 GB of 100M
    rows took 4.7 s of a day's run, and the run spends the seconds before its first write
    (Dagster's start, reading and validating the landing files) on the other core. `begin`
    takes the copy as the working file if the committed file is still the one copied (same
    inode, size and time; the copy read that inode, which no one writes), else copies again.
    A run that never writes cancels it at its end."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self.target = source.with_name(f"{source.name}.run-prefetch-{os.getpid()}")
        self.identity = file_identity(source)
        self.stop = threading.Event()
        self.complete = False
        self.thread = threading.Thread(target=self.copy, name="warehouse-prefetch", daemon=True)
        self.thread.start()

    def copy(self) -> None:
        try:
            self.complete = copied_until(self.source, self.target, self.stop)
        except OSError:
            self.complete = False  # begin copies again, and reports what fails then

    def claimed_as(self, working: Path) -> bool:
        """Whether the finished copy was moved to `working` (False: it is discarded)."""
        self.thread.join()
        try:
            if self.complete and file_identity(self.source) == self.identity:
                os.replace(self.target, working)
                return True
        except OSError:
            pass
        self.target.unlink(missing_ok=True)
        return False

    def cancel(self) -> None:
        self.stop.set()
        self.thread.join()
        self.target.unlink(missing_ok=True)


def copied_until(source: Path, target: Path, stop: threading.Event) -> bool:
    """Whether `target` became a whole copy (or clone) of `source` before `stop` was set."""
    if cloned(source, target):
        return True
    with open(source, "rb") as src, open(target, "wb") as dst:
        size = os.fstat(src.fileno()).st_size
        offset = 0
        while offset < size and not stop.is_set():
            # in the kernel, without the GIL: the run's own thread goes on meanwhile
            copied = os.copy_file_range(
                src.fileno(), dst.fileno(), min(PREFETCH_CHUNK_BYTES, size - offset), offset, offset
            )
            if copied == 0:
                return False
            offset += copied
        return offset == size
