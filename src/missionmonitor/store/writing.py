"""Writing a store so that readers never wait and a crash changes nothing.

A writer works on a copy of the store file beside it (``<name>.writing``), holding an
exclusive lock (``<name>.lock``) so that writers take turns; only when all its work has
succeeded is the copy checkpointed, flushed to disk and moved over the store in one atomic
rename. Until then the store file is exactly as it was: the site keeps reading it, and a
writer killed at any point leaves the old store (its half-written copy is removed by the
next writer).

For example::

    with writable_copy(Path("var/missionmonitor.duckdb")) as working:
        ...  # write to `working`; it replaces the store when the block ends without error
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def writable_copy(path: Path) -> Iterator[Path]:
    """A copy of the store at ``path`` to write to (an empty path when there is no store
    yet), put in its place if the block succeeds and discarded if it raises."""
    path.parent.mkdir(parents=True, exist_ok=True)
    working = path.with_name(path.name + ".writing")
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the next writer waits here
        try:
            _discard(working)  # left by a writer that was killed
            if path.exists():
                shutil.copyfile(path, working)
                wal = path.with_name(path.name + ".wal")
                if wal.exists():  # a store last closed uncleanly: its log goes with it
                    shutil.copyfile(wal, working.with_name(working.name + ".wal"))
            try:
                yield working
            except BaseException:
                _discard(working)
                raise
            with open(working, "rb+") as f:
                os.fsync(f.fileno())
            os.replace(working, path)
            _discard(path.with_name(path.name + ".wal"))
            _sync_folder(path.parent)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _discard(working: Path) -> None:
    for p in (working, working.with_name(working.name + ".wal")):
        p.unlink(missing_ok=True)
