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

from matplotlib.figure import Figure

from optarena.report.data import StudyData
from optarena.report.figure_data import profile_steps
from optarena.report.style import new_figure, outside_legend, styled


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
