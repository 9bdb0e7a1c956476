"""The test-accuracy bar chart and its confidence interval."""

import math

import numpy as np

from optarena.report.bars import accuracy_bars
from optarena.report.figure_data import mean_ci

# Student t 97.5% quantile with 2 degrees of freedom, closed form t = a·sqrt(2/(1-a²)), a = 0.95
T_975_2 = 0.95 * math.sqrt(2 / (1 - 0.95**2))


def test_mean_ci_is_the_student_t_interval():
    mean, lo, hi = mean_ci([0.90, 0.92, 0.94, math.nan])
    half = T_975_2 * 0.02 / math.sqrt(3)
    assert math.isclose(mean, 0.92, rel_tol=1e-14)
    assert math.isclose(lo, 0.92 - half, abs_tol=1e-12)
    assert math.isclose(hi, 0.92 + half, abs_tol=1e-12)
    assert mean_ci([0.5]) == (0.5, 0.5, 0.5)
    assert all(math.isnan(v) for v in mean_ci([]))


def test_bars_are_sorted_means_with_ci_whiskers(demo_store, demo_data):
    per_label: dict[str, list[float]] = {}
    for _, row in demo_data.trials.iterrows():
        if row["state"] == "complete":
            per_label.setdefault(row["label"], []).append(row["summary"]["test_acc"])
    expected = sorted(((sum(v) / len(v), k) for k, v in per_label.items()), reverse=True)
    fig = accuracy_bars(demo_data)
    ax = fig.get_axes()[0]
    assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_legend() is not None
    bars = sorted(ax.patches, key=lambda p: -p.get_y())  # top bar first
    np.testing.assert_allclose([b.get_width() for b in bars], [m for m, _ in expected], rtol=1e-12)
    ticks = sorted(
        zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True),
        reverse=True,
    )
    assert [label for _, label in ticks] == [k for _, k in expected]
    # the top entry's whisker spans its t-interval
    values = per_label[expected[0][1]]
    m, s = np.mean(values), np.std(values, ddof=1)
    whisker = ax.collections[0].get_segments()[0]
    np.testing.assert_allclose(
        sorted(whisker[:, 0]),
        [m - T_975_2 * s / math.sqrt(3), m + T_975_2 * s / math.sqrt(3)],
        rtol=1e-12,
    )
