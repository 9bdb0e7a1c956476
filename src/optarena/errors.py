"""One place for the error messages every registry and loader shares."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def unknown_name(kind: str, name: str, choices: Iterable[str]) -> ValueError:
    """A ``ValueError`` for an unknown ``kind`` name, suggesting close matches.

    >>> str(unknown_name("optimizer", "adm", ["adam", "sgd"]))
    "unknown optimizer 'adm'; did you mean 'adam'? (known: adam, sgd)"
    """
    known = sorted(choices)
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.5)
    hint = ""
    if close:
        hint = "; did you mean " + " or ".join(repr(c) for c in close) + "?"
    return ValueError(f"unknown {kind} {name!r}{hint} (known: {', '.join(known)})")
