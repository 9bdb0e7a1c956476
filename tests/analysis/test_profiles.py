import numpy as np
import pandas as pd
import pytest

from optarena.analysis import cost_matrix, profile, ratios, score


@pytest.fixture
def costs():
    # problems p1..p3, solvers A, B, C (lower is better); C fails on p3
    return pd.DataFrame(
        {"A": [1.0, 2.0, 4.0], "B": [2.0, 2.0, 1.0], "C": [0.5, 8.0, np.nan]},
        index=["p1", "p2", "p3"],
    )


def test_ratios_divide_by_the_best_per_problem(costs):
    expected = np.array([[2.0, 4.0, 1.0], [1.0, 1.0, 4.0], [4.0, 1.0, np.inf]])
    np.testing.assert_array_equal(ratios(costs).to_numpy(), expected)


def test_profile_is_the_fraction_of_problems_within_tau(costs):
    rho = profile(costs)
    assert rho.index.tolist() == [1.0, 2.0, 4.0]
    np.testing.assert_allclose(rho["A"], [1 / 3, 2 / 3, 1.0], rtol=1e-15)
    np.testing.assert_allclose(rho["B"], [2 / 3, 2 / 3, 1.0], rtol=1e-15)
    np.testing.assert_allclose(rho["C"], [1 / 3, 1 / 3, 2 / 3], rtol=1e-15)
    fine = profile(costs, taus=np.array([1.5, 3.0, 100.0]))
    np.testing.assert_allclose(fine["C"], [1 / 3, 1 / 3, 2 / 3], rtol=1e-15)


def test_score_is_the_exact_normalized_area(costs):
    s = score(costs, tau_max=4.0)
    # area of each problem's indicator on [1, 4]: (4 - r) / 3 when r <= 4
    assert s["A"] == pytest.approx(((4 - 2) + (4 - 1) + (4 - 4)) / 3 / 3, rel=1e-15)
    assert s["B"] == pytest.approx(((4 - 4) + (4 - 1) + (4 - 1)) / 3 / 3, rel=1e-15)
    assert s["C"] == pytest.approx(((4 - 1) + 0 + 0) / 3 / 3, rel=1e-15)
    taus = np.linspace(1, 4, 300001)
    rho = profile(costs, taus=taus)
    numeric = (rho.iloc[1:].to_numpy() + rho.iloc[:-1].to_numpy()) / 2 * np.diff(taus)[:, None]
    np.testing.assert_allclose(numeric.sum(axis=0) / 3, s.to_numpy(), atol=1e-4)


def test_zero_costs_and_bad_input():
    r = ratios(pd.DataFrame({"A": [0.0], "B": [0.1]}))
    assert r.to_numpy().tolist() == [[1.0, np.inf]]
    with pytest.raises(ValueError, match="non-negative"):
        ratios(pd.DataFrame({"A": [-1.0]}))
    with pytest.raises(ValueError, match="tau_max"):
        score(pd.DataFrame({"A": [1.0]}), tau_max=1.0)


def test_cost_matrix_keeps_each_solvers_best_entry():
    rows = pd.DataFrame(
        {
            "task": ["t1", "t1", "t1", "t2"],
            "optimizer": ["sgd", "sgd", "adam", "adam"],
            "mean": [0.9, 0.8, 0.95, 0.5],
        }
    )
    m = cost_matrix(rows)
    assert m.loc["t1", "sgd"] == pytest.approx(0.1)
    assert m.loc["t1", "adam"] == pytest.approx(0.05)
    assert m.loc["t2", "adam"] == pytest.approx(0.5) and np.isnan(m.loc["t2", "sgd"])
