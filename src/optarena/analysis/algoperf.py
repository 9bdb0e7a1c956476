"""AlgoPerf's benchmark score of an imported AlgoPerf study (``optarena import algoperf``).

Rules (AlgoPerf v0.5, ``DOCUMENTATION.md`` of ``mlcommons/algorithmic-efficiency``, "Scoring",
and its published scoring code in ``mlcommons/submissions_algorithms``):

1. per trial, the time (the benchmark's clock, ``score`` seconds) of the first evaluation whose
   validation metric reaches the workload's target; ``inf`` when none does;
2. per study, the best trial; per workload, the median over studies (``targets.study_times``);
3. a held-out variant counts as ``inf`` when its base workload is ``inf``;
4. any time more than ``tau_max`` (4) times the fastest on that workload becomes ``inf``;
5. a base workload counts as ``inf`` when its held-out variant is ``inf`` (a missed variant
   costs the base workload); then only base workloads are scored;
6. ratios to the fastest per base workload, profiles on 100 evenly spaced taus in
   ``[1, tau_max]``, divided by the number of base workloads, and the trapezoidal integral
   over ``tau_max - 1`` (``targets.profile_grid``, ``targets.integrated_score``).

Submissions are scored against the other submissions of the same study (ruleset).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from optarena.analysis.targets import integrated_score, profile_grid, study_times, trial_time
from optarena.store import Store


@dataclass(frozen=True)
class AlgoPerfScore:
    """Per-workload times (raw and after the held-out rules), profiles and scores."""

    times: pd.DataFrame  # submissions × workloads (base and held-out), median times
    scored: pd.DataFrame  # submissions × base workloads after rules 3-5
    profiles: pd.DataFrame  # submissions × taus
    scores: pd.Series  # submission -> integrated score, best first


def study_targets(store: Store, study: str) -> dict[str, Any]:
    """The AlgoPerf targets stored with an imported study (``ValueError`` for other studies)."""
    config = store.study(study).config
    targets = config.get("algoperf")
    if not isinstance(targets, dict) or "workloads" not in targets:
        raise ValueError(f"study {study!r} was not imported from AlgoPerf logs")
    return targets


def trial_hits(store: Store, study: str, targets: dict[str, Any]) -> pd.DataFrame:
    """One row per trial: ``optimizer, task, study, trial, time, index`` (time to target)."""
    workloads = targets["workloads"]
    metrics = sorted({spec["metric"] for spec in workloads.values()} | {"wall_s"})
    rows = store.metrics_frame(
        study=study, names=metrics, splits=["val", "train"], level="epoch"
    )  # ordered by trial, split, name, epoch
    series = split_series(rows)
    out = []
    for record in store.trials(study):
        config = record.config
        spec = workloads.get(config.get("task"))
        if spec is None:
            continue
        values = series.get((record.id, "val", spec["metric"]), np.array([]))
        clock = series.get((record.id, "train", "wall_s"), np.array([]))
        t, i = trial_time(values, clock, spec["target"], higher_is_better=spec["higher_is_better"])
        out.append(
            {
                "optimizer": config.get("optimizer"),
                "task": config.get("task"),
                "study": config.get("algoperf_study", config.get("seed")),
                "trial": config.get("algoperf_trial", 0),
                "time": t,
                "index": i,
            }
        )
    frame = pd.DataFrame(out, columns=["optimizer", "task", "study", "trial", "time", "index"])
    return frame.sort_values(["optimizer", "task", "study", "trial"]).reset_index(drop=True)


def split_series(rows: pd.DataFrame) -> dict[tuple[str, str, str], np.ndarray]:
    """``{(trial_id, split, name): values}`` of metric rows already ordered by those keys."""
    if rows.empty:
        return {}
    keys = [rows[c].to_numpy(dtype=object) for c in ("trial_id", "split", "name")]
    change = np.zeros(len(rows) - 1, dtype=bool)
    for k in keys:
        change |= k[1:] != k[:-1]
    starts = np.concatenate([[0], np.flatnonzero(change) + 1])
    ends = np.concatenate([starts[1:], [len(rows)]])
    values = rows["value"].to_numpy(dtype=np.float64)
    return {
        (keys[0][a], keys[1][a], keys[2][a]): values[a:b]
        for a, b in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def held_out_rules(
    times: pd.DataFrame,
    base: list[str],
    held_out: list[str],
    *,
    tau_max: float = 4.0,
) -> pd.DataFrame:
    """Rules 3-5 on ``times`` (submissions × workloads); returns submissions × ``base``."""
    t = times.reindex(columns=sorted(set(base) | set(held_out))).astype(np.float64)
    t = t.fillna(np.inf)  # a workload a submission did not run is a miss
    pairs = [(w, base_of(w, base)) for w in held_out]
    for variant, parent in pairs:
        t.loc[~np.isfinite(t[parent]), variant] = np.inf
    fastest = t.min(axis=0)
    t = t.mask(t > tau_max * fastest, np.inf)
    for variant, parent in pairs:
        t.loc[~np.isfinite(t[variant]), parent] = np.inf
    return t[list(base)]


def base_of(workload: str, base: list[str]) -> str:
    """The base workload a held-out variant belongs to (the first base name it contains)."""
    for name in base:
        if name in workload:
            return name
    raise ValueError(f"held-out workload {workload!r} matches no base workload")


def algoperf_score(
    store: Store,
    study: str,
    *,
    tau_max: float = 4.0,
    num_points: int = 100,
    best: str = "evals",
) -> AlgoPerfScore:
    """The AlgoPerf benchmark score of every submission in an imported study."""
    targets = study_targets(store, study)
    hits = trial_hits(store, study, targets)
    if hits.empty:
        raise ValueError(f"study {study!r} has no trials on a workload with a target")
    times = study_times(hits, best=best)
    base, held_out = list(targets["base_workloads"]), list(targets["held_out_workloads"])
    scored = held_out_rules(times, base, held_out, tau_max=tau_max)
    profiles = profile_grid(scored, tau_max=tau_max, num_points=num_points, n_tasks=len(base))
    scores = integrated_score(profiles).sort_values(ascending=False, kind="stable")
    return AlgoPerfScore(times, scored, profiles, scores)
