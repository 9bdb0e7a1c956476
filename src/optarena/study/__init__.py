"""Studies: a spec expands to trials, which executors run and the store keeps (issue 6).

The runner (executors, trainer, torch) is imported on first use of ``run_study``/``StudyRun``
(PEP 562), so parsing a spec and checking a finished study's plan stay light.
"""

from __future__ import annotations

from typing import Any

from optarena.study.expand import expand
from optarena.study.spec import DEFAULT_STUDY, StudySpec, check_names, load_spec, parse_spec

__all__ = [
    "DEFAULT_STUDY",
    "StudyRun",
    "StudySpec",
    "check_names",
    "expand",
    "load_spec",
    "parse_spec",
    "run_study",
]


def __getattr__(name: str) -> Any:
    if name in ("StudyRun", "run_study"):
        from optarena.study import runner

        value = getattr(runner, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'optarena.study' has no attribute {name!r}")
