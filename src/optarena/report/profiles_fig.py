"""Dolan–Moré performance profiles for studies that span several tasks.

Dolan & Moré, "Benchmarking optimization software with performance profiles", Math. Program.
91 (2002): for problems ``p`` and solvers ``s`` with cost ``t[p, s]`` (lower is better), the
ratio is ``r[p, s] = t[p, s] / min_s t[p, s]`` (``inf`` when ``s`` failed on ``p``) and the
profile ``rho_s(tau) = |{p : r[p, s] <= tau}| / n_p``. AlgoPerf (Dahl et al., 2023) scores
training-algorithm submissions this way. Here a problem is a task, a solver an entry without
its task, and the cost the test error ``1 - mean test accuracy`` of the solver's best setting
on the task. Ratios and profiles come from ``optarena.analysis.profiles``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from optarena.analysis import profile, ratios
from optarena.report.data import StudyData
from optarena.report.style import new_figure, outside_legend, styled


def cost_table(data: StudyData) -> pd.DataFrame:
    """Tasks × solvers: test error of each solver's best entry (by mean test accuracy)."""
    t = data.final_trials[data.final_trials["state"] == "complete"]
    means = t.groupby(["task", "solver", "label"])["score"].mean().reset_index()
    best = means.groupby(["task", "solver"])["score"].max().unstack("solver")
    solvers = list(dict.fromkeys(data.final_trials["solver"]))
    best = best.reindex(index=data.tasks, columns=solvers)
    return 1.0 - best


def profile_steps(data: StudyData, points: int) -> tuple[pd.DataFrame, np.ndarray, Any, Any] | None:
    """``(costs, taus, rho, looks)`` of the study's performance profiles: τ on ``points``
    log-spaced values from 1 to past the largest finite ratio, plus every ratio itself (where
    the steps are); None for a single-task study."""
    if len(data.tasks) < 2:
        return None
    costs = cost_table(data)
    r = ratios(costs).to_numpy()
    finite = r[np.isfinite(r)]
    top = max(2.0, float(finite.max()) * 1.2) if finite.size else 2.0
    taus = np.unique(np.concatenate([np.geomspace(1.0, top, points), finite]))
    return costs, taus, profile(costs, taus), _solver_looks(data, list(costs.columns))


def performance_profile(data: StudyData) -> Figure | None:
    """The profile figure (step curves on a log τ axis); None for a single-task study."""
    steps = profile_steps(data, 200)
    if steps is None:
        return None
    costs, taus, rho, looks = steps
    with styled():
        fig, axes = new_figure(1, 1, width=7.4, height=4.4)
        ax = axes[0][0]
        for solver in costs.columns:
            look = looks[solver]
            ax.step(
                taus,
                rho[solver],
                where="post",
                color=look.colour,
                linestyle=look.linestyle,
                lw=1.8,
                label=solver,
            )
        ax.set_xscale("log")
        ax.set_ylim(-0.02, 1.02)
        ax.set_title(f"Performance profiles over {len(costs.index)} tasks (test error)")
        ax.set_xlabel("τ (ratio to the best solver's test error, log scale)")
        ax.set_ylabel("fraction of tasks within τ of the best")
        outside_legend(ax)
    return fig


def _solver_looks(data: StudyData, solvers: list[str]):
    by_solver = dict(zip(data.trials["label"], data.trials["solver"], strict=True))
    out = {}
    for label in data.order:
        solver = by_solver.get(label)
        if solver is not None and solver not in out:
            out[solver] = data.look[label]
    fallback = next(iter(data.look.values()))
    return {s: out.get(s, fallback) for s in solvers}
