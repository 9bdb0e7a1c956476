import math

import pandas as pd
import pytest

from optarena.analysis import paired_test, summarize, time_to_target


def test_ci_of_a_known_sample():
    s = summarize([0.9, 0.92, 0.94])
    # mean 0.92; s = sqrt(((-0.02)^2 + 0 + 0.02^2) / 2) = 0.02; t_{0.975, 2} = 4.302653:
    # with 2 degrees of freedom F(q) = 1/2 + q / (2 sqrt(2 + q^2)) = 0.975 gives
    # q^2 = 2 * 0.95^2 / (1 - 0.95^2)
    t = math.sqrt(2 * 0.95**2 / (1 - 0.95**2))
    half = t * 0.02 / math.sqrt(3)
    assert s.n == 3
    assert s.mean == pytest.approx(0.92, abs=1e-15)
    assert s.std == pytest.approx(0.02, rel=1e-12)
    assert s.half_width == pytest.approx(half, rel=1e-12)
    assert s.half_width == pytest.approx(4.302653 * 0.02 / 1.7320508, rel=1e-6)
    assert (s.low, s.high) == (pytest.approx(0.92 - half), pytest.approx(0.92 + half))


def test_ci_with_five_values_and_other_confidence():
    x = [1.0, 2.0, 4.0, 8.0, 16.0]
    mean = 31 / 5
    std = math.sqrt(sum((v - mean) ** 2 for v in x) / 4)
    s = summarize(x, confidence=0.9)
    assert s.std == pytest.approx(std, rel=1e-12)
    assert s.half_width == pytest.approx(2.131846786326649 * std / math.sqrt(5), rel=1e-12)


def test_small_samples_and_nans():
    one = summarize([0.7, float("nan")])
    assert (one.n, one.mean) == (1, 0.7) and math.isnan(one.std) and math.isnan(one.half_width)
    none = summarize([])
    assert none.n == 0 and math.isnan(none.mean)
    with pytest.raises(ValueError, match="confidence"):
        summarize([1.0], confidence=95)


def test_paired_t_test_matches_the_formula():
    a = {0: 0.90, 1: 0.93, 2: 0.91, 3: 0.95, 9: 0.5}
    b = {0: 0.95, 1: 0.96, 2: 0.97, 3: 0.96, 7: 0.99}
    r = paired_test(a, b)
    d = [0.90 - 0.95, 0.93 - 0.96, 0.91 - 0.97, 0.95 - 0.96]
    mean = sum(d) / 4
    sd = math.sqrt(sum((v - mean) ** 2 for v in d) / 3)
    t = mean / (sd / 2)
    assert r.n == 4
    assert r.mean_diff == pytest.approx(mean, rel=1e-12)
    assert r.statistic == pytest.approx(t, rel=1e-10)
    # two-sided p for t = -3.4641, df 3: 2 * P(T_3 <= t), T_3's CDF in closed form
    theta = math.atan(t / math.sqrt(3))
    cdf = 0.5 + (theta + math.sin(theta) * math.cos(theta)) / math.pi
    assert r.p_value == pytest.approx(2 * cdf, rel=1e-9)


def test_paired_edge_cases():
    assert paired_test({0: 0.9}, {0: 0.8}) is None
    assert paired_test({0: 0.9, 1: 0.8}, {0: 0.9, 2: 0.8}) is None
    equal = paired_test({0: 0.9, 1: 0.8}, {0: 0.9, 1: 0.8})
    assert (equal.p_value, equal.mean_diff) == (1.0, 0.0)
    shifted = paired_test({0: 0.85, 1: 0.75}, {0: 0.9, 1: 0.8})
    assert shifted.p_value == 0.0 and shifted.mean_diff == pytest.approx(-0.05)
    with pytest.raises(ValueError, match="method"):
        paired_test({0: 1.0, 1: 2.0}, {0: 2.0, 1: 1.0}, method="z")


def test_wilcoxon_exact_p_value():
    a = {k: 0.9 - 0.01 * (k + 1) for k in range(6)}
    b = {k: 0.9 for k in range(6)}
    r = paired_test(a, b, method="wilcoxon")
    # all 6 differences negative: exact two-sided p = 2 / 2^6
    assert r.p_value == pytest.approx(2 / 64, rel=1e-12)


def _rows(acc, wall):
    rows = [(e, "val", "acc", v) for e, v in enumerate(acc, start=1)]
    rows += [(e, "train", "wall_s", v) for e, v in enumerate(wall, start=1)]
    return pd.DataFrame(rows, columns=["epoch", "split", "name", "value"])


def test_time_to_target():
    rows = _rows([0.5, 0.8, 0.79, 0.9], [1.5, 3.0, 4.5, 6.0])
    assert time_to_target(rows, 0.8) == (2.0, 3.0)
    assert time_to_target(rows, 0.85) == (4.0, 6.0)
    e, s = time_to_target(rows, 0.95)
    assert math.isnan(e) and math.isnan(s)
    e, s = time_to_target(_rows([0.9], []), 0.5)
    assert e == 1.0 and math.isnan(s)
