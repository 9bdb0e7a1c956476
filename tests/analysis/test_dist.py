"""The scipy.special formulas behind the report's intervals and tests equal scipy.stats."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from optarena.analysis.dist import normal_quantile, paired_t, t_quantile


@pytest.mark.parametrize("df", [1, 2, 4, 9, 30])
@pytest.mark.parametrize("q", [0.9, 0.95, 0.975, 0.995])
def test_quantiles_equal_scipy_stats(q: float, df: int) -> None:
    assert t_quantile(q, df) == pytest.approx(stats.t.ppf(q, df), rel=1e-14)
    assert normal_quantile(q) == pytest.approx(stats.norm.ppf(q), rel=1e-14)


@pytest.mark.parametrize("n", [2, 3, 5, 10])
def test_paired_t_equals_ttest_rel(n: int) -> None:
    rng = np.random.default_rng(n)
    x, y = rng.normal(0.9, 0.02, n), rng.normal(0.89, 0.02, n)
    t, p = paired_t(x, y)
    reference = stats.ttest_rel(x, y)
    assert t == pytest.approx(reference.statistic, rel=1e-12)
    assert p == pytest.approx(reference.pvalue, rel=1e-12)
