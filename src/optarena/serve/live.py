"""What the live view polls: a study's progress, its finished trials and its validation curves,
read from the store (read-only) as one JSON-able dict.

The report page itself is rebuilt only when ``version`` (``fingerprint.study_fingerprint``: the
spec and every trial's state, finish time and summary) changes; epochs of running trials show
up in ``curves`` at once, since their rows are stored as each epoch ends.
"""

from __future__ import annotations

import math
from typing import Any

from optarena.fingerprint import study_fingerprint
from optarena.metrics import DEFAULT, Metric, get, of_summary
from optarena.store.records import FINISHED_STATES


def _label(config: dict[str, Any]) -> str:
    """``optimizer lr=… [schedule] seed=…``: enough to tell a study's trials apart."""
    parts = [str(config.get("optimizer", "?")), f"lr={_num(config.get('lr'))}"]
    if config.get("schedule"):
        parts.append(str(config["schedule"]))
    parts.append(f"seed={config.get('seed', '?')}")
    return " ".join(parts)


def _num(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, float) else str(value)


def _finite(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else None


def _metric(trials: list[Any], val_names: set[str]) -> Metric:
    """The study's metric: a finished trial's, else the first known one with stored rows."""
    for trial in trials:
        if trial.summary:
            return of_summary(trial.summary)
    for key in ("acc", "bpc", "loss"):
        if key in val_names:
            return get(key)
    return DEFAULT


def study_status(store: Any, study: str) -> dict[str, Any]:
    """``{study, version, counts, total, finished, running, metric, trials, curves}``:
    ``trials`` one row per trial (``id, label, role, state, epochs, score``; ``score`` the
    summary's test value of finished trials), ``curves`` ``{trial id: [[epoch, value], ...]}``
    of the metric on the validation split, for every trial with stored epochs."""
    trials = store.trials(study)
    frame = store.metrics_frame(study=study, level="epoch", splits=["val"])
    metric = _metric(trials, set(frame["name"]))
    rows = frame[frame["name"] == metric.key]
    curves: dict[str, list[list[float | None]]] = {}
    for trial_id, group in rows.groupby("trial_id", sort=False):
        curves[str(trial_id)] = [
            [int(e), _finite(v)] for e, v in zip(group["epoch"], group["value"], strict=True)
        ]
    counts = {state: 0 for state in ("pending", "running", "complete", "diverged", "failed")}
    out_trials = []
    for trial in trials:
        state = getattr(trial.state, "value", str(trial.state))
        counts[state] = counts.get(state, 0) + 1
        summary = trial.summary or {}
        out_trials.append(
            {
                "id": trial.id,
                "label": _label(trial.config),
                "role": trial.role,
                "state": state,
                "epochs": len(curves.get(trial.id, [])),
                "planned_epochs": trial.config.get("epochs"),
                "score": _finite(summary.get(f"test_{metric.key}")),
            }
        )
    finished = sum(1 for t in trials if t.state in FINISHED_STATES)
    return {
        "study": study,
        "version": study_fingerprint(store, study),
        "counts": counts,
        "total": len(trials),
        "finished": finished,
        "running": counts["running"] > 0 or counts["pending"] > 0,
        "metric": {"key": metric.key, "label": metric.label, "higher": metric.higher_is_better},
        "trials": out_trials,
        "curves": curves,
    }


def studies_status(store: Any) -> list[dict[str, Any]]:
    """One row per study of the store: ``{name, total, finished, counts}`` (the index page)."""
    out = []
    for name in store.study_names():
        counts = store.counts(name)
        finished = sum(counts.get(s.value, 0) for s in FINISHED_STATES)
        out.append(
            {"name": name, "total": sum(counts.values()), "finished": finished, "counts": counts}
        )
    return out
