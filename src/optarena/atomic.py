"""Files appear whole or not at all: write a hidden sibling, then rename it into place.

``rename(2)`` within one folder is atomic on POSIX, so a reader, a rerun or a report sees the
old file or the new one, never a truncated one (the pattern of Go's ``renameio`` and Python's
``atomicwrites``). When writing fails — a full disk (``ENOSPC``), a read-only file system, a
kill — the temporary file is removed and the error propagates; only ``kill -9`` mid-write can
leave one, and it is hidden (``.NAME.tmpPID.SUFFIX``) and swept by the next write of that file
(or, for a worker the study runner killed, by the runner: :func:`remove_temps_of`).
Every place optarena produces a file (checkpoints, figures, reports, caches) goes through here.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

_MARK = ".tmp"


def temp_name(path: Path) -> Path:
    """The temporary sibling of ``path``; it keeps the suffix (matplotlib and friends pick the
    format from it)."""
    return path.with_name(f".{path.stem}{_MARK}{os.getpid()}{path.suffix}")


@contextlib.contextmanager
def replacing(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``path`` atomically, on any
    error (``BaseException`` included) it is removed and the error re-raised."""
    path = Path(path)
    tmp = temp_name(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _sweep(path)


def write_text(path: Path | str, text: str, encoding: str = "utf-8") -> None:
    """``Path.write_text`` that never leaves a truncated file."""
    with replacing(path) as tmp:
        tmp.write_text(text, encoding=encoding)


def write_bytes(path: Path | str, data: bytes) -> None:
    """``Path.write_bytes`` that never leaves a truncated file."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def torch_save(obj: object, path: Path | str) -> None:
    """``torch.save`` through :func:`replacing`. torch reports a failed write (a full disk) as
    a bare ``RuntimeError`` from its zip writer; it is re-raised as the ``OSError`` behind it."""
    import torch

    with replacing(path) as tmp:
        try:
            with open(tmp, "wb") as handle:
                torch.save(obj, handle)
        except RuntimeError as exc:
            cause = os_error_in(exc)
            if cause is None:
                raise
            raise OSError(cause.errno, cause.strerror, str(path)) from exc


def os_error_in(exc: BaseException | None) -> OSError | None:
    """The first ``OSError`` in ``exc``'s chain of causes and contexts, if any."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, OSError):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def _sweep(path: Path) -> None:
    """Remove temporaries of ``path`` left by killed processes (their pid is gone)."""
    prefix = f".{path.stem}{_MARK}"
    try:
        siblings = list(path.parent.glob(f"{glob_escape(prefix)}*{glob_escape(path.suffix)}"))
    except OSError:
        return
    for stale in siblings:
        pid = stale.name[len(prefix) : len(stale.name) - len(path.suffix)]
        if pid.isdigit() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                stale.unlink()


def remove_temps_of(pid: int, folder: Path | str) -> None:
    """Remove the temporaries process ``pid`` (killed, now gone) left anywhere under
    ``folder``: what the next write of each file would sweep, swept now (a killed worker's
    checkpoint that no later write may ever replace)."""
    try:
        found = list(Path(folder).rglob(f".*{_MARK}{pid}.*"))
    except OSError:
        return
    for stale in found:
        with contextlib.suppress(OSError):
            stale.unlink()


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
