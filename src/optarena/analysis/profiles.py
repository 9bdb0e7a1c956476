"""Performance profiles (Dolan & Moré, "Benchmarking optimization software with performance
profiles", Math. Programming 91, 2002), as AlgoPerf scores training algorithms (Dahl et al.,
"Benchmarking Neural Network Training Algorithms", 2023).

For costs ``t[p, s] > 0`` (lower is better: error, time to target) of solver ``s`` on problem
``p``, the ratio is ``r[p, s] = t[p, s] / min_s t[p, s]`` and the profile
``rho_s(tau) = |{p : r[p, s] <= tau}| / n_problems``. A failed run (NaN or inf cost) has ratio
inf, so it never counts. The AlgoPerf-style score is the normalized area
``1/(tau_max - 1) · ∫_1^tau_max rho_s(tau) dtau`` (1 = best on every problem).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def ratios(costs: pd.DataFrame) -> pd.DataFrame:
    """Performance ratios of ``costs`` (rows: problems, columns: solvers).

    A zero best cost gives ratio 1 to the solvers that reach zero and inf to the others.
    """
    t = costs.to_numpy(dtype=np.float64)
    if np.any(t < 0):
        raise ValueError("performance-profile costs must be non-negative")
    t = np.where(np.isfinite(t), t, np.inf)
    best = t.min(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = t / best
    r = np.where(best == 0, np.where(t == 0, 1.0, np.inf), r)
    r = np.where(np.isinf(best), np.inf, r)  # every solver failed on that problem
    return pd.DataFrame(r, index=costs.index, columns=costs.columns)


def profile(costs: pd.DataFrame, taus: np.ndarray | None = None) -> pd.DataFrame:
    """``rho_s(tau)`` for each solver (columns) at each ``tau`` (index, ascending).

    Without ``taus``: 1 and every finite ratio, so the step function is exact at its jumps.
    """
    r = ratios(costs).to_numpy()
    if taus is None:
        finite = r[np.isfinite(r)]
        taus = np.unique(np.concatenate([[1.0], finite]))
    taus = np.asarray(taus, dtype=np.float64)
    rho = (r[None, :, :] <= taus[:, None, None]).mean(axis=1)
    return pd.DataFrame(rho, index=pd.Index(taus, name="tau"), columns=costs.columns)


def score(costs: pd.DataFrame, tau_max: float = 4.0) -> pd.Series:
    """The normalized area under each solver's profile on ``[1, tau_max]``, computed exactly:
    each problem contributes ``max(0, tau_max - r) / (tau_max - 1)``."""
    if not tau_max > 1:
        raise ValueError(f"tau_max must exceed 1, not {tau_max!r}")
    r = ratios(costs).to_numpy()
    area = np.clip(tau_max - r, 0.0, None) / (tau_max - 1)
    return pd.Series(area.mean(axis=0), index=costs.columns, name="score")


def cost_matrix(
    rows: pd.DataFrame, *, problem: str = "task", solver: str = "optimizer", cost: str = "error"
) -> pd.DataFrame:
    """Problems × solvers costs from leaderboard rows, keeping each solver's best entry.

    ``cost="error"`` uses ``1 - mean`` (test error of the mean accuracy); any other name is
    taken as a column (e.g. ``secs_to_target``). Missing pairs are NaN (a failure).
    """
    values = 1.0 - rows["mean"] if cost == "error" else rows[cost]
    frame = pd.DataFrame({"p": rows[problem], "s": rows[solver], "c": values.astype(float)})
    table = frame.pivot_table(index="p", columns="s", values="c", aggfunc="min", dropna=False)
    table.index.name, table.columns.name = problem, solver
    return table
