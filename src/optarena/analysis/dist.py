"""Normal and Student's t quantiles and the two-sided paired t-test from ``scipy.special``.

``scipy.stats`` takes about a second to import; the report needs only these, which
``scipy.stats`` itself computes the same way (``norm.ppf`` is ``special.ndtri``, ``t.ppf`` is
``special.stdtrit``; ``ttest_rel``'s two-sided p-value is ``2 · special.stdtr(n - 1, -|t|)``
with ``t = mean(d) / (sd(d) / √n)``).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special


def normal_quantile(q: float) -> float:
    """The ``q`` quantile of the standard normal distribution."""
    return float(special.ndtri(q))


def t_quantile(q: float, df: float) -> float:
    """The ``q`` quantile of Student's t with ``df`` degrees of freedom."""
    return float(special.stdtrit(df, q))


def paired_t(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """``(t, p)`` of the two-sided paired t-test of ``x`` against ``y`` (n ≥ 2, sd(d) > 0)."""
    d = np.asarray(x, dtype=np.float64) - np.asarray(y, dtype=np.float64)
    n = len(d)
    t = float(d.mean() / (d.std(ddof=1) / math.sqrt(n)))
    return t, float(2.0 * special.stdtr(n - 1, -abs(t)))
