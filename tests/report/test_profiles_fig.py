"""Performance profiles across tasks."""

import numpy as np

from optarena.report import data as report_data
from optarena.report.figure_data import cost_table
from optarena.report.profiles_fig import performance_profile


def test_cost_table_is_one_minus_mean_test_accuracy(multitask_store):
    data = report_data.load(multitask_store, "multi")
    costs = cost_table(data)
    assert list(costs.index) == ["digits-logreg", "digits-mlp"]
    assert sorted(costs.columns) == ["adam lr=0.001", "momentum lr=0.05 momentum=0.9", "sgd lr=0.1"]
    for record in multitask_store.trials("multi"):
        c = record.config
        solver = next(s for s in costs.columns if s.startswith(c["optimizer"] + " "))
        accs = [
            r.summary["test_acc"]
            for r in multitask_store.trials("multi")
            if r.config["task"] == c["task"] and r.config["optimizer"] == c["optimizer"]
        ]
        assert abs(costs.loc[c["task"], solver] - (1 - sum(accs) / len(accs))) < 1e-12


def test_profile_figure_steps_match_hand_computed_ratios(multitask_store):
    data = report_data.load(multitask_store, "multi")
    costs = cost_table(data)
    fig = performance_profile(data)
    ax = fig.get_axes()[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_legend() is not None and ax.get_xscale() == "log"
    for line in ax.get_lines():
        solver = line.get_label()
        taus, rho = np.asarray(line.get_xdata()), np.asarray(line.get_ydata())
        for tau_index in (0, len(taus) // 3, len(taus) - 1):
            tau = taus[tau_index]
            hand = np.mean([costs.loc[p, solver] / costs.loc[p].min() <= tau for p in costs.index])
            assert rho[tau_index] == hand
        assert rho[-1] == 1.0


def test_single_task_study_has_no_profile(demo_data):
    assert performance_profile(demo_data) is None
