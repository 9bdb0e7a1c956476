"""Digests that say when cached work is still valid: the code of optarena itself, and the
state of one study in a results store.

A re-run of a finished study (issue 18) skips expansion, training, the leaderboard and the
report when neither the code nor the study's stored trials changed since they were built;
these digests are the test. Both use only the standard library (no torch, no pandas), so the
check costs milliseconds.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import optarena

DIGEST_LENGTH = 16


def digest(value: Any) -> str:
    """First 16 hex digits of the SHA-256 of ``value``'s sorted-key JSON (``str`` fallback)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGEST_LENGTH]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Digest of every ``.py`` file of the installed optarena package (paths and contents)
    and its version: any code change, even an edit in a development checkout, invalidates
    what was cached with an older digest."""
    root = Path(optarena.__file__).resolve().parent
    h = hashlib.sha256(optarena.__version__.encode())
    for path in sorted(root.rglob("*.py")):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    return h.hexdigest()[:DIGEST_LENGTH]


def study_fingerprint(store: Any, study: str) -> str:
    """Digest of ``study``'s stored state: its spec and, for every trial listed for it (any
    role), id, role, state, attempt, finish time, wall time, summary and error. Metrics are
    written before a trial finishes, so a finished trial's rows are covered by its finish
    time and attempt. Uses only ``Store.study`` and ``Store.trials`` (any store backend)."""
    record = store.study(study)
    rows = [
        (
            t.id,
            t.role,
            getattr(t.state, "value", t.state),
            t.attempt,
            t.finished,
            t.wall_s,
            t.summary,
            t.error,
        )
        for t in store.trials(study, role=None)
    ]
    rows.sort(key=lambda r: (r[0], r[1]))
    return digest({"study": record.name, "config": record.config, "trials": rows})
