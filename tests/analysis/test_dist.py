"""The report's t/normal quantiles, t distribution and paired t-test (plain Python, no
scipy import) equal scipy's to float tolerance, and the textbook values."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from optarena.analysis.dist import betainc, normal_quantile, paired_t, t_cdf, t_quantile

stats = pytest.importorskip("scipy.stats")
special = pytest.importorskip("scipy.special")


@pytest.mark.parametrize("df", [1, 2, 2.5, 4, 9, 30, 100])
@pytest.mark.parametrize("q", [1e-9, 1e-4, 0.025, 0.1, 0.5, 0.6, 0.9, 0.95, 0.975, 0.995])
def test_quantiles_equal_scipy_stats(q: float, df: float) -> None:
    assert t_quantile(q, df) == pytest.approx(stats.t.ppf(q, df), rel=1e-12, abs=1e-15)
    assert normal_quantile(q) == pytest.approx(stats.norm.ppf(q), rel=1e-14)


@pytest.mark.parametrize("df", [1, 3, 7.5, 50])
@pytest.mark.parametrize("t", [-40.0, -3.0, -0.2, 0.0, 1.0, 12.0])
def test_t_cdf_equals_stdtr(t: float, df: float) -> None:
    assert t_cdf(t, df) == pytest.approx(special.stdtr(df, t), rel=1e-12)


@pytest.mark.parametrize("a,b", [(0.5, 0.5), (2.0, 3.0), (10.0, 0.5), (0.3, 7.0)])
@pytest.mark.parametrize("x", [0.0, 1e-6, 0.2, 0.5, 0.93, 1.0])
def test_betainc_equals_scipy(a: float, b: float, x: float) -> None:
    assert betainc(a, b, x) == pytest.approx(special.betainc(a, b, x), rel=1e-12, abs=1e-300)


def test_textbook_values() -> None:
    # Student (1908) tables / any statistics text: t_{0.975} with 1, 4 and 9 degrees of freedom
    assert t_quantile(0.975, 1) == pytest.approx(12.706204736, rel=1e-10)
    assert t_quantile(0.975, 4) == pytest.approx(2.776445105, rel=1e-9)
    assert t_quantile(0.975, 9) == pytest.approx(2.262157163, rel=1e-9)
    # one degree of freedom is the Cauchy distribution: F(t) = 1/2 + atan(t)/π
    assert t_cdf(0.7, 1) == pytest.approx(0.5 + np.arctan(0.7) / np.pi, rel=1e-14)
    with pytest.raises(ValueError):
        t_quantile(1.0, 3)


@pytest.mark.parametrize("n", [2, 3, 5, 10])
def test_paired_t_equals_ttest_rel(n: int) -> None:
    rng = np.random.default_rng(n)
    x, y = rng.normal(0.9, 0.02, n), rng.normal(0.89, 0.02, n)
    t, p = paired_t(x, y)
    reference = stats.ttest_rel(x, y)
    assert t == pytest.approx(reference.statistic, rel=1e-12)
    assert p == pytest.approx(reference.pvalue, rel=1e-12)


def test_leaderboard_statistics_import_no_scipy() -> None:
    code = "import sys, optarena.analysis.leaderboard; print('scipy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
