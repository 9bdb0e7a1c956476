"""The one place where a name (study, trial id, part, file stem) becomes a path.

Study names and trial ids come from the command line, study files and results stores that may
be shared with other users, so none of them is trusted as a path: a name is one plain path
component (no separator, no ``..``, no control character, at most ``MAX_NAME`` characters), and
the joined path must stay inside its root. Everything that turns a name into a file or folder
goes through :func:`child` (OWASP "Path Traversal"; CWE-22).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

MAX_NAME = 200

#: the results store used when no ``--store`` is given (re-exported by :mod:`optarena.store`)
DEFAULT_STORE = Path("runs/optarena.db")


def check_name(name: object, kind: str = "study name") -> str:
    """``name`` when it is a usable single path component, else a ``ValueError`` saying why."""
    if not isinstance(name, str):
        raise ValueError(f"the {kind} must be a string, got {name!r}")
    if not name.strip():
        raise ValueError(f"the {kind} is empty")
    if len(name) > MAX_NAME:
        raise ValueError(f"the {kind} is {len(name)} characters long; at most {MAX_NAME}")
    if name in (".", "..") or name.startswith("."):
        raise ValueError(f"the {kind} {name!r} cannot start with '.'")
    bad = [c for c in name if c in "/\\" or unicodedata.category(c).startswith("C")]
    if bad:
        raise ValueError(
            f"the {kind} {name!r} holds {bad[0]!r}: use letters, digits, '-', '_' and '.'"
        )
    return name


def child(root: Path | str, *names: str, kind: str = "study name") -> Path:
    """``root / name / ...`` after checking each name; refuses a result outside ``root``."""
    root = Path(root)
    path = root.joinpath(*(check_name(n, kind) for n in names))
    base = os.path.realpath(root)
    if os.path.commonpath([base, os.path.realpath(path)]) != base:
        raise ValueError(f"{path} lies outside {root} (a link?); refusing to write there")
    return path


def owned_page_folder(folder: Path) -> bool:
    """True when ``folder`` is absent, empty, or looks like a results page's figures folder
    (only study folders holding ``trials.csv``), so replacing it loses nobody's files."""
    if not folder.exists():
        return True
    if not folder.is_dir() or folder.is_symlink():
        return False
    return all(p.is_dir() and (p / "trials.csv").is_file() for p in folder.iterdir())
