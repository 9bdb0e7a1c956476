"""Time to target, AlgoPerf aggregation and profiles on constructed data, checked by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from optarena.analysis.algoperf import base_of, held_out_rules
from optarena.analysis.targets import (
    first_hit,
    integrated_score,
    profile_grid,
    ratios_to_best,
    study_times,
    trial_time,
)

INF = math.inf


def test_first_hit_both_directions_and_nan():
    assert first_hit([0.1, np.nan, 0.5, 0.9], 0.5) == 2
    assert first_hit([0.1, 0.2], 0.5) == -1
    assert first_hit([3.0, np.nan, 1.0, 0.5], 1.0, higher_is_better=False) == 2
    assert trial_time([0.1, 0.6], [10.0, 20.0], 0.5) == (20.0, 1)
    assert trial_time([0.1, 0.2], [10.0, 20.0], 0.5) == (INF, -1)


def _hits() -> pd.DataFrame:
    rows = [
        # optimizer, task, study, trial, time, index
        ("a", "w", 0, 1, 30.0, 1),
        ("a", "w", 0, 2, 20.0, 2),  # fastest in study 0, but more evaluations
        ("a", "w", 1, 1, INF, -1),
        ("a", "w", 1, 2, 50.0, 4),
        ("a", "w", 2, 1, INF, -1),
    ]
    return pd.DataFrame(rows, columns=["optimizer", "task", "study", "trial", "time", "index"])


def test_study_times_median_of_best_within_study():
    # best by time: study 0 -> 20, study 1 -> 50, study 2 -> inf; median = 50
    assert study_times(_hits()).loc["a", "w"] == 50.0
    # best by fewest evaluations: study 0 -> 30 (index 1), 1 -> 50, 2 -> inf; median 50
    by_evals = study_times(_hits(), best="evals")
    assert by_evals.loc["a", "w"] == 50.0
    two = _hits()[_hits()["study"] < 1]
    assert study_times(two).loc["a", "w"] == 20.0
    assert study_times(two, best="evals").loc["a", "w"] == 30.0
    with pytest.raises(ValueError, match="best"):
        study_times(_hits(), best="mean")


def test_median_with_inf_is_inf_when_most_studies_miss():
    h = _hits()
    h.loc[h["study"] == 1, "time"] = INF
    assert math.isinf(study_times(h).loc["a", "w"])


def test_profile_and_score_by_hand():
    times = pd.DataFrame({"w1": [10.0, 20.0], "w2": [30.0, INF]}, index=["a", "b"])
    r = ratios_to_best(times)
    assert r.loc["b", "w1"] == 2.0 and np.isnan(r.loc["b", "w2"])
    prof = profile_grid(times, tau_max=4.0, num_points=4)  # taus 1, 2, 3, 4
    assert list(prof.columns) == [1.0, 2.0, 3.0, 4.0]
    assert prof.loc["a"].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert prof.loc["b"].tolist() == [0.0, 0.5, 0.5, 0.5]
    score = integrated_score(prof)
    assert score["a"] == pytest.approx(1.0)
    # trapezoid of (0, .5, .5, .5) on unit steps: .25 + .5 + .5 = 1.25, over 3
    assert score["b"] == pytest.approx(1.25 / 3)
    # a fine grid approaches the exact area: b is within ratio 2 on w1 -> (4-2)/3/2
    fine = integrated_score(profile_grid(times, num_points=30001))
    assert fine["b"] == pytest.approx(1 / 3, abs=1e-4)


def test_profile_divides_by_given_task_count():
    times = pd.DataFrame({"w1": [1.0]}, index=["a"])
    assert profile_grid(times, num_points=2, n_tasks=4).iloc[0].tolist() == [0.25, 0.25]
    with pytest.raises(ValueError, match="tau_max"):
        profile_grid(times, tau_max=1.0)


def test_held_out_rules():
    # base workloads x, y; held-out variant x_v of x
    times = pd.DataFrame(
        {
            "x": [10.0, 12.0, INF, 15.0],
            "x_v": [5.0, INF, 6.0, 30.0],
            "y": [100.0, 100.0, 100.0, 500.0],
        },
        index=["a", "b", "c", "d"],
    )
    out = held_out_rules(times, ["x", "y"], ["x_v"])
    assert list(out.columns) == ["x", "y"]
    assert out.loc["a", "x"] == 10.0  # both hit
    assert math.isinf(out.loc["b", "x"])  # missed the variant: base counts as a miss
    assert math.isinf(out.loc["c", "x"])  # missed the base
    # c's variant (6.0) became inf because its base missed, so the fastest variant is 5;
    # d's variant 30 > 4 * 5 -> inf -> d's base is a miss too
    assert math.isinf(out.loc["d", "x"])
    assert math.isinf(out.loc["d", "y"])  # 500 > 4 * 100
    assert out.loc["a", "y"] == 100.0
    assert base_of("imagenet_resnet_large_bn_init", ["fastmri", "imagenet_resnet"]) == (
        "imagenet_resnet"
    )
    with pytest.raises(ValueError, match="no base"):
        base_of("zzz", ["x"])
