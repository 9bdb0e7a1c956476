"""A study's plan, cached: the trial ids its spec expands to, so a re-run of a finished study
needs neither the expansion nor training.

Expanding a spec reads the optimizer registry (default learning rates) and builds every
optimizer once on a probe tensor, which means importing torch (seconds). The ids do not change
while the spec and optarena's code do not, so after a run the compare command writes them to
``OUT/plans/<key>.json``, the key digesting the study name, the spec and the code
(``optarena.fingerprint.code_digest``). A re-run finds the file, checks in the store that the
study was recorded with this very spec and that every one of those trials is finished, and
then trains nothing. Specs whose expansion depends on anything else are never cached: a
``module:Name`` (or ``prefix:name``) anywhere in the spec (user code or another package can
change its defaults), tuned or range-test learning rates (``lrs = "tune"``/``"auto"``), a
pretrained backbone, and ``[lr_find]`` range tests (run after every study).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from optarena import atomic
from optarena.fingerprint import code_digest, digest
from optarena.imports import is_object_path
from optarena.store import FINISHED_STATES, Store, TrialState, canonical_json
from optarena.study.spec import StudySpec

PLAN_DIR = "plans"
PLAN_VERSION = 1


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def plan_key(spec: StudySpec, name: str) -> str | None:
    """The cache key of ``spec`` run as study ``name``; None when its plan is not cacheable."""
    if isinstance(spec.lrs, str) and spec.lrs in ("tune", "auto"):
        return None
    if spec.pretrain is not None or spec.lr_find is not None:
        return None
    body = spec.to_dict()
    if any(is_object_path(s) for s in _strings(body)):
        return None
    return digest(["plan", PLAN_VERSION, name, json.loads(canonical_json(body)), code_digest()])


def plan_path(out: Path, key: str) -> Path:
    return Path(out) / PLAN_DIR / f"{key}.json"


def write_plan(spec: StudySpec, name: str, out: Path, trial_ids: Sequence[str]) -> Path | None:
    """Record the trial ids ``spec`` expanded to (after a run); None when not cacheable."""
    key = plan_key(spec, name)
    if key is None:
        return None
    path = plan_path(out, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(path, json.dumps({"study": name, "trial_ids": list(trial_ids)}) + "\n")
    return path


def read_plan(spec: StudySpec, name: str, out: Path) -> list[str] | None:
    """The cached trial ids of ``spec`` as study ``name``, or None."""
    key = plan_key(spec, name)
    if key is None:
        return None
    try:
        plan = json.loads(plan_path(out, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(plan, dict) or plan.get("study") != name:
        return None
    ids = plan.get("trial_ids")
    if not isinstance(ids, list) or not ids:
        return None
    return [str(i) for i in ids]


def finished_plan(
    spec: StudySpec, name: str, *, store_path: Path, out: Path, retry_failed: bool = False
) -> list[str] | None:
    """The trial ids of study ``name`` when it needs no work: a cached plan exists, the store
    holds the study with this spec, and every planned trial is finished (``failed`` counts
    as finished unless ``retry_failed``). None otherwise (then run the study as usual)."""
    ids = read_plan(spec, name, out)
    if ids is None or not Path(store_path).is_file():
        return None
    done = set(FINISHED_STATES)
    if retry_failed:
        done.discard(TrialState.FAILED)
    with Store(store_path, create=False) as store:
        try:
            record = store.study(name)
        except ValueError:
            return None
        if canonical_json(record.config) != canonical_json(spec.to_dict()):
            return None
        states = {t.id: t.state for t in store.trials(name, role="final")}
    if all(states.get(i) in done for i in ids):
        return ids
    return None
