"""Which exceptions are the user's mistakes (one ``error:`` line, exit 2) and how they read.

Bad input raises ``ValueError`` (house rule); the operating system reports a store or output
path that is a directory, read-only, on a full disk or under a regular file as ``OSError``;
SQLite as ``sqlite3.Error``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import sqlite3

try:  # typer vendors click from 0.2x on
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover
    from click.exceptions import ClickException  # type: ignore[no-redef]

__all__ = ["ClickException", "user_error"]

_OS_HINTS = {
    errno.ENOSPC: "the disk is full (free some space, then run the command again: it resumes)",
    errno.EDQUOT: "the disk quota is used up (free some space, then run the command again)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a directory",
    errno.ENOTDIR: "a part of the path is a regular file, not a folder",
    errno.ENAMETOOLONG: "the name is too long",
}


def user_error(exc: BaseException) -> str | None:
    """The message of a user-facing error, or None for a bug (which keeps its traceback)."""
    if isinstance(exc, ValueError):
        return _one_line(str(exc))
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else ""
        reason = _OS_HINTS.get(exc.errno or 0) or exc.strerror or str(exc)
        return _one_line(f"{where}: {reason}" if where else reason)
    if isinstance(exc, sqlite3.Error):
        return _one_line(f"results store: {exc}")
    if isinstance(exc, OverflowError):
        return _one_line(str(exc))
    return None


def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return (lines[0] if lines else "failed")[:500]
