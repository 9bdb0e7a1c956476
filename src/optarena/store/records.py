"""Plain records the store hands out: trial states, trials and studies."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any


class TrialState(str, Enum):
    """A trial's life cycle (optuna's split): pending → running → complete/diverged/failed."""

    PENDING = "pending"
    RUNNING = "running"
    COMPLETE = "complete"
    DIVERGED = "diverged"
    FAILED = "failed"

    @property
    def finished(self) -> bool:
        return self in FINISHED_STATES

    def __str__(self) -> str:
        return self.value


FINISHED_STATES = frozenset({TrialState.COMPLETE, TrialState.DIVERGED, TrialState.FAILED})
ROLES = ("search", "final")
SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class StudyRecord:
    """One study: its name, the spec it was run with, and when it was first added."""

    name: str
    config: dict[str, Any]
    created: float


@dataclass(frozen=True)
class TrialRecord:
    """One trial as stored. ``study``/``role`` are those of the study it was listed for.

    Times are POSIX seconds; ``summary`` is ``None`` until the trial finishes.
    """

    id: str
    study: str
    config: dict[str, Any]
    role: str
    state: TrialState
    attempt: int = 0
    lease_owner: str | None = None
    lease_until: float | None = None
    started: float | None = None
    finished: float | None = None
    wall_s: float | None = None
    summary: dict[str, Any] | None = None
    error: str | None = None
    created: float = 0.0


def dumps(obj: Any) -> str:
    """JSON text for a config or summary column (sorted keys; NaN allowed)."""
    return json.dumps(obj, sort_keys=True, allow_nan=True, default=str)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def record_from_row(row: Sequence[Any]) -> TrialRecord:
    """A ``TrialRecord`` from ``(study, role, id, config, state, ..., created)`` columns."""
    (
        study,
        role,
        tid,
        config,
        state,
        attempt,
        owner,
        until,
        started,
        finished,
        wall_s,
        summary,
        error,
        created,
    ) = row
    return TrialRecord(
        id=tid,
        study=study,
        config=json.loads(config),
        role=role,
        state=TrialState(state),
        attempt=attempt,
        lease_owner=owner,
        lease_until=until,
        started=started,
        finished=finished,
        wall_s=wall_s,
        summary=loads(summary),
        error=error,
        created=created,
    )
