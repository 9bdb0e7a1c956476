"""Studies: a spec expands to trials, which executors run and the store keeps (issue 6)."""

from optarena.study.expand import expand
from optarena.study.runner import StudyRun, run_study
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
