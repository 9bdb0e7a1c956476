"""Storage failures are the machine's fault, not a trial's: a full disk or quota, a read-only
file system, an SQLite store that cannot grow.

A trial that hits one would succeed after the user frees space, so it is never recorded
``failed`` (a rerun would skip it): its lease is released, its checkpoints stay, the study
stops, and the command prints one ``error:`` line. Rerunning it continues where it stopped.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

#: ``errno`` values that stop a study instead of failing a trial.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})
#: SQLite's words for SQLITE_FULL and SQLITE_READONLY (older Pythons lack the error codes).
_SQLITE = {"database or disk is full": errno.ENOSPC, "readonly database": errno.EROFS}


def storage_error(exc: BaseException | None) -> OSError | None:
    """The storage failure behind ``exc`` (its chain included) as an ``OSError``, or None."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, sqlite3.OperationalError):
            for words, code in _SQLITE.items():
                if words in str(exc):
                    return OSError(code, f"results store: {exc}")
        if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


def unwritable(path: Path) -> OSError | None:
    """Why a file cannot be created or written at ``path`` (read-only file system, no write
    permission on its folder), as an ``OSError`` naming ``path``; None when nothing is seen."""
    folder = path.parent if not path.is_dir() else path
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
    except OSError:
        return None
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return OSError(errno.EACCES, os.strerror(errno.EACCES), str(path))
    return None


def describe(exc: OSError) -> dict[str, object]:
    """A picklable description of ``exc`` (crosses a worker's pipe); see :func:`rebuild`."""
    return {"errno": exc.errno, "strerror": exc.strerror, "filename": exc.filename}


def rebuild(info: dict[str, object]) -> OSError:
    """The ``OSError`` that :func:`describe` described."""
    code = info.get("errno")
    return OSError(
        code if isinstance(code, int) else errno.EIO,
        str(info.get("strerror") or "storage failure"),
        *([str(info["filename"])] if info.get("filename") else []),
    )
