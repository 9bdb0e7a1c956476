"""Budget curves, win probabilities, the seeds planner and ranking stability on constructed
data, against values computed by hand and against scipy."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from optarena.analysis.budget import budget_curve, budget_curves, expected_best, rank_at_budget
from optarena.analysis.stability import (
    flip_warning,
    kendall_tau_b,
    ranking_stability,
    stability_by_task,
)
from optarena.analysis.wins import (
    seeds_needed,
    seeds_plan,
    top_entries,
    wilson,
    win_matrix,
    win_probability,
)
from optarena.store import Store


def test_expected_best_by_hand_and_by_enumeration():
    v = [1.0, 2.0, 3.0]
    # k = 2: P(max = 1) = 1/9, P(max = 2) = 3/9, P(max = 3) = 5/9 -> 22/9
    assert expected_best(v, 2)[0] == pytest.approx(22 / 9)
    assert expected_best(v, 1)[0] == pytest.approx(2.0)
    # every ordered draw of 3 with replacement, enumerated
    draws = list(itertools.product(v, repeat=3))
    assert expected_best(v, 3)[0] == pytest.approx(np.mean([max(d) for d in draws]))
    lower = expected_best(v, 3, higher_is_better=False)[0]
    assert lower == pytest.approx(np.mean([min(d) for d in draws]))
    assert math.isnan(expected_best([math.nan], 1)[0])
    with pytest.raises(ValueError, match="at least 1"):
        expected_best(v, 0)


def test_budget_curve_band_matches_scipy_bootstrap():
    values = [0.80, 0.85, 0.70, 0.90, 0.60, 0.88, 0.75]
    curve = budget_curve(values, n_boot=4000, seed=1)
    assert curve["k"].tolist() == list(range(1, 8))
    assert np.all(np.diff(curve["expected"]) >= 0)  # more trials never hurt
    assert np.all(curve["low"] <= curve["expected"] + 1e-12)
    assert np.all(curve["expected"] <= curve["high"] + 1e-12)
    k = 3
    ref = stats.bootstrap(
        (np.array(values),),
        lambda x, axis: np.apply_along_axis(lambda s: expected_best(s, k)[0], axis, x),
        n_resamples=4000,
        method="percentile",
        random_state=2,
    ).confidence_interval
    row = curve[curve["k"] == k].iloc[0]
    assert row["low"] == pytest.approx(ref.low, abs=0.02)
    assert row["high"] == pytest.approx(ref.high, abs=0.02)


def _search_store(path) -> Store:
    store = Store(path)
    store.add_study("b")
    scores = {"steady": [0.80, 0.81, 0.82, 0.79], "lucky": [0.50, 0.55, 0.95, 0.52]}
    for opt, values in scores.items():
        for i, v in enumerate(values):
            tid = store.add_trial("b", {"task": "t", "optimizer": opt, "lr": 10.0**-i}, "search")
            store.finish(tid, "complete", {"best_val_acc": v})
    return store


def test_budget_curves_and_ranking_change_with_budget(tmp_path):
    with _search_store(tmp_path / "s.db") as store:
        curves = budget_curves(store, "b", n_boot=200)
    assert set(curves["optimizer"]) == {"steady", "lucky"}
    assert curves.groupby("optimizer")["n_trials"].first().tolist() == [4, 4]
    at1 = rank_at_budget(curves, 1)
    at4 = rank_at_budget(curves, 4)
    # mean: steady .805 > lucky .63; E[max of 4]: lucky ~ .95 * (1 - (3/4)^4) + ... > steady
    assert at1.iloc[0]["optimizer"] == "steady"
    assert at4.iloc[0]["optimizer"] == "lucky"
    with pytest.raises(ValueError, match="budget"):
        rank_at_budget(curves, 0)


def test_win_probability_by_hand_and_wilson_matches_scipy():
    a = {0: 0.9, 1: 0.8, 2: 0.7, 3: 0.6, 4: 0.5}
    b = {0: 0.8, 1: 0.8, 2: 0.9, 3: 0.5, 4: 0.4, 9: 1.0}  # seed 9 is not shared
    w = win_probability(a, b)
    assert w.n == 5 and w.p == pytest.approx((3 + 0.5) / 5)  # wins 0, 3, 4; tie 1
    ref = stats.binomtest(7, 10).proportion_ci(method="wilson")
    assert wilson(7, 10) == pytest.approx((ref.low, ref.high))
    lower = win_probability(a, b, higher_is_better=False)
    assert lower.p == pytest.approx(1.5 / 5)
    m = win_matrix({"a": a, "b": b})
    pab = m[(m["a"] == "a") & (m["b"] == "b")]["p"].iloc[0]
    pba = m[(m["a"] == "b") & (m["b"] == "a")]["p"].iloc[0]
    assert pab + pba == pytest.approx(1.0)
    assert math.isnan(win_probability({0: 1.0}, {1: 1.0}).p)


def test_seeds_needed_by_hand():
    # mean 1, sd 1: n = 6 gives 2.571/sqrt(6) = 1.05 > 1, n = 7 gives 2.447/sqrt(7) = .925
    d = [1 - math.sqrt(1.5), 1.0, 1.0, 1 + math.sqrt(1.5)]
    assert np.mean(d) == pytest.approx(1) and np.std(d, ddof=1) == pytest.approx(1)
    assert seeds_needed(d) == 7
    assert seeds_needed([0.5, 0.5]) == 2
    assert seeds_needed([1.0, -1.0]) is None
    plan = seeds_plan({i: 1 + v for i, v in enumerate(d)}, {i: 1.0 for i in range(4)})
    assert plan["n_now"] == 4 and plan["n_needed"] == 7 and not plan["enough"]
    assert "about 7" in plan["message"]
    # d = 1, 1.5, 2: n = 3 gives 4.303 * .5 / sqrt(3) = 1.24 < 1.5
    assert seeds_plan({0: 1.0, 1: 1.5, 2: 2.0}, {0: 0.0, 1: 0.0, 2: 0.0})["enough"]


def test_top_entries_follow_the_leaderboard(toy_store):
    top = top_entries(toy_store, "toy", top=2)
    assert list(top["toy"]) == ["1. adam", "2. adamw"]
    assert top["toy"]["1. adam"] == {0: 0.95, 1: 0.96, 2: 0.97}


def test_kendall_tau_b_matches_scipy():
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.integers(0, 4, size=7).astype(float)
        y = rng.integers(0, 4, size=7).astype(float)
        ref = stats.kendalltau(x, y).statistic
        ours = kendall_tau_b(x, y)
        assert (math.isnan(ref) and math.isnan(ours)) or ours == pytest.approx(ref)


def test_ranking_stability_and_flip_warning():
    means = pd.DataFrame(
        {1: [0.5, 0.6, 0.4], 2: [0.6, 0.65, 0.5], 3: [0.8, 0.7, 0.6]}, index=["a", "b", "c"]
    )
    table = ranking_stability(means)
    assert table["epoch"].tolist() == [1, 2, 3]
    # epoch 1 order b > a > c vs final a > b > c: one discordant pair of 3 -> tau 1/3
    assert table["tau"].tolist() == pytest.approx([1 / 3, 1 / 3, 1.0])
    assert table["leader"].tolist() == ["b", "b", "a"]
    warning = flip_warning(table)
    assert warning is not None and "epoch 2 b led" in warning and "a leads" in warning
    lower = ranking_stability(-means, higher_is_better=False)
    assert lower["tau"].tolist() == pytest.approx(table["tau"].tolist())
    assert flip_warning(ranking_stability(means[[3]])) is None


def test_stability_from_store(toy_store):
    tables = stability_by_task(toy_store, "toy")
    table = tables["toy"]
    assert table["epoch"].tolist() == [1, 2, 3]
    assert table["tau"].iloc[-1] == pytest.approx(1.0)


def test_seeds_needed_equals_the_first_n_of_a_linear_search():
    from optarena.analysis.dist import t_quantile

    def linear(d, max_seeds):  # the definition: the first n whose t half-width < |mean|
        mean, sd = abs(np.mean(d)), np.std(d, ddof=1)
        for n in range(2, max_seeds + 1):
            if t_quantile(0.975, n - 1) * sd / math.sqrt(n) < mean:
                return n
        return None

    rng = np.random.default_rng(7)
    for _ in range(25):
        d = rng.normal(rng.uniform(-0.01, 0.01), rng.uniform(0.001, 0.05), rng.integers(2, 6))
        for max_seeds in (2, 3, 40, 5000):
            assert seeds_needed(d, max_seeds=max_seeds) == linear(d, max_seeds)
