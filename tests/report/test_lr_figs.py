"""Learning-rate curves and LR sensitivity."""

import math

import numpy as np

from optarena.report import data as report_data
from optarena.report.figure_data import lr_traces, sensitivity_table
from optarena.report.lr_figs import lr_curves, lr_sensitivity

# Student t 97.5% quantile with 2 degrees of freedom, closed form t = a·sqrt(2/(1-a²)), a = 0.95
T_975_2 = 0.95 * math.sqrt(2 / (1 - 0.95**2))


def test_lr_traces_are_the_stored_step_rows(demo_data):
    traces = lr_traces(demo_data)
    cosine = traces["adam lr=0.001 cosine"]
    steps = np.arange(20)
    np.testing.assert_array_equal(cosine["step"], steps)
    np.testing.assert_allclose(
        cosine["lr"], 0.001 * 0.5 * (1 + np.cos(np.pi * steps / 20)), rtol=1e-12
    )
    np.testing.assert_allclose(traces["sgd lr=0.1 constant"]["lr"], np.full(20, 0.1))
    assert len(traces) == len(demo_data.order) - 1  # every entry but the failed one


def test_flat_learning_rates_draw_no_schedule_figure(flat_data):
    from optarena.report import charts

    assert len(lr_traces(flat_data)) == 2  # no schedules: every lr stays where it started
    assert lr_curves(flat_data) is None and charts.lr_curves(flat_data) is None


def test_lr_curves_figure(demo_data):
    fig = lr_curves(demo_data)
    ax = fig.get_axes()[0]
    assert ax.get_title() and ax.get_xlabel() == "optimizer step" and ax.get_ylabel()
    assert ax.get_legend() is not None
    assert ax.get_yscale() == "log"  # 1e-4 .. 0.5 spans more than 100x


def test_sensitivity_table_by_hand(demo_store, demo_data):
    table = sensitivity_table(demo_data)
    assert sorted(set(table["group"])) == [
        "adam cosine",
        "momentum momentum=0.9 constant",
        "sgd constant",
    ]
    sgd = table[table["group"] == "sgd constant"].sort_values("lr")
    assert sgd["lr"].tolist() == [0.01, 0.1]
    for lr, mean, lo in zip(sgd["lr"], sgd["mean"], sgd["lo"], strict=True):
        values = [
            r.summary["test_acc"]
            for r in demo_store.trials("demo")
            if r.config["optimizer"] == "sgd" and r.config["lr"] == lr
        ]
        m, s = np.mean(values), np.std(values, ddof=1)
        assert math.isclose(mean, m, rel_tol=1e-12)
        assert math.isclose(lo, m - T_975_2 * s / math.sqrt(3), rel_tol=1e-12)
    wild = table[(table["group"].str.startswith("momentum")) & (table["lr"] == 0.5)].iloc[0]
    assert (wild["n"], wild["diverged"]) == (2, 1)


def test_lr_sensitivity_figure_uses_a_log_lr_axis(demo_data):
    fig = lr_sensitivity(demo_data)
    ax = fig.get_axes()[0]
    assert ax.get_xscale() == "log"
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.get_legend().get_texts()) == 3


def test_no_lr_grid_means_no_sensitivity_figure(demo_data):
    one_lr = demo_data.trials[demo_data.trials["lr"].isin([0.1, 0.001])].to_dict("records")
    rows = [
        {k: r[k] for k in ("id", "state", "role", "error", "wall_s", "config", "summary")}
        for r in one_lr
    ]
    data = report_data.from_rows("x", {}, rows, demo_data.metrics)
    assert sensitivity_table(data).empty
    assert lr_sensitivity(data) is None
