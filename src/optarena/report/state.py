"""Which store state a report was built from: ``report-state.json`` beside the report.

It holds the study's store fingerprint, optarena's code digest and the figure formats the
report was built with, the files it wrote, and its leaderboard rows. A report whose state
matches the store and code now is up to date: rebuilding it would write the same files, so
``build_report`` returns at once, and a re-run of a finished study prints the cached
leaderboard (``optarena.board``) without loading pandas, scipy or matplotlib. Standard library
only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optarena import atomic
from optarena.fingerprint import code_digest, study_fingerprint

STATE_FILE = "report-state.json"
STATE_VERSION = 1
PAGES = ("report.html", "report.md", "leaderboard.csv")
FORMATS = ("png", "svg")  # what a figure file can be written as; PNG is what pages embed


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """``formats`` without duplicates, PNG first and brought by SVG (pages embed the PNG).
    None at all: no figure files; report.html draws every figure as an interactive chart."""
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        raise ValueError(f"unknown figure format(s) {unknown}; choose from {list(FORMATS)}")
    return tuple(dict.fromkeys(("png", *formats))) if formats else ()


def expected_state(store: Any, study: str, formats: Sequence[str]) -> dict[str, Any]:
    """What the state of an up-to-date report of ``study`` says (an unknown study is the
    store's ``ValueError``)."""
    return {
        "version": STATE_VERSION,
        "code": code_digest(),
        "store": study_fingerprint(store, study),
        "formats": list(check_formats(formats)),
    }


def read_state(out_dir: Path) -> dict[str, Any] | None:
    """The state file's contents, or None when missing or unreadable."""
    try:
        state = json.loads((Path(out_dir) / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def up_to_date(out_dir: Path, expected: dict[str, Any]) -> dict[str, Any] | None:
    """The report's state when it matches ``expected`` and every file it wrote is still
    there; None when the report must be (re)built."""
    state = read_state(out_dir)
    if state is None or any(state.get(k) != v for k, v in expected.items()):
        return None
    files = [*PAGES, *state.get("files", [])]
    if not all(isinstance(f, str) and (Path(out_dir) / f).is_file() for f in files):
        return None
    board = state.get("leaderboard")
    if not isinstance(board, dict) or not {"columns", "rows"} <= set(board):
        return None
    return state


def write_state(
    out_dir: Path,
    expected: dict[str, Any],
    files: Sequence[str],
    columns: Sequence[str],
    rows: Sequence[dict[str, Any]],
) -> None:
    """Record that the report in ``out_dir`` was built from ``expected`` (written last, so
    an interrupted build leaves no state that claims it finished)."""
    state = dict(expected, files=list(files), leaderboard={"columns": list(columns), "rows": rows})
    atomic.write_text(Path(out_dir) / STATE_FILE, json.dumps(state, indent=1) + "\n")
