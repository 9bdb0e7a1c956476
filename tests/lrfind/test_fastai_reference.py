"""The whole range test against a plain-loop transcription of fastai's ``lr_find``.

fastai (``fastai.callback.schedule``): ``LRFinder.before_batch`` sets ``lr = start * (end /
start) ** (train_iter / num_it)``; the Recorder appends that lr and the debiased beta=0.98
``AvgSmoothLoss`` after the batch; ``after_batch`` stops once ``smooth > 4 * best`` (best
updated first) or after ``num_it`` batches; ``lr_find`` keeps ``[num_it // 10 : -5]``, cut at
the first NaN, and runs ``valley``. The loss of each batch is scripted here, so both sides see
the same curve. Our one documented change: the divergence check starts at ``num_it // 10``; the
curves below do not diverge before that.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from optarena.lrfind import lr_range_test


def fastai_lr_find(raw, start, end, num_it):
    """Returns (lrs, smoothed, valley_lr) as fastai's loops would compute them."""
    lrs, losses, best, avg = [], [], math.inf, 0.0
    for i in range(num_it):
        lr = start * (end / start) ** (i / num_it)
        avg = 0.98 * avg + 0.02 * raw[i]  # torch.lerp(loss, val, beta)
        smooth = avg / (1 - 0.98 ** (i + 1))
        lrs.append(lr)
        losses.append(smooth)
        if smooth < best:
            best = smooth
        if smooth > 4 * best or math.isnan(smooth):
            break
    sel_lrs, sel = lrs[num_it // 10 : -5], losses[num_it // 10 : -5]
    for k, v in enumerate(sel):
        if math.isnan(v):
            sel_lrs, sel = sel_lrs[:k], sel[:k]
            break
    n = len(sel)
    lds, max_start, max_end = [1] * n, 0, 0
    for i in range(1, n):
        for j in range(i):
            if sel[i] < sel[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return lrs, losses, sel_lrs[max_start + int(sections) + int(sections / 2)]


def scripted(raw):
    """A model whose loss on batch ``i`` is ``raw[i]`` (gradient zero), and its loss_fn."""
    calls = []

    def loss_fn(out, target):
        calls.append(1)
        return out.sum() * 0 + raw[len(calls) - 1]

    return torch.nn.Linear(1, 1).double(), loss_fn  # float64: raw[i] is kept exactly


def curves():
    rng = np.random.default_rng(3)
    t = np.arange(100) / 100
    plateau_then_fall = 2.3 - 1.2 / (1 + np.exp(-(t - 0.7) * 25)) + rng.normal(0, 0.02, 100)
    exploding = plateau_then_fall + np.where(t > 0.85, np.exp((t - 0.85) * 40) - 1, 0)
    whole_fall = np.linspace(3.0, 1.0, 100) + rng.normal(0, 0.01, 100)  # valley start is -1
    with_nan = plateau_then_fall.copy()
    with_nan[80:] = math.nan
    return {"plateau": plateau_then_fall, "exploding": exploding, "falls": whole_fall,
            "nan": with_nan}  # fmt: skip


@pytest.mark.parametrize("name", ["plateau", "exploding", "falls", "nan"])
def test_matches_fastai_lr_find(name):
    raw = curves()[name]
    model, loss_fn = scripted([float(v) for v in raw])
    res = lr_range_test(
        model, loss_fn, lambda e: [(torch.ones(2, 1).double(), torch.ones(2, 1))],
        lambda p: torch.optim.SGD(p, lr=1.0), start=1e-7, end=10, steps=100,
    )  # fmt: skip
    ref_lrs, ref_smooth, ref_valley = fastai_lr_find(raw, 1e-7, 10.0, 100)
    if name == "nan":  # we stop at the first NaN loss; fastai records it and stops too
        assert res.stopped_early and res.lrs.size == len(ref_lrs) == 81
    np.testing.assert_allclose(res.lrs, ref_lrs, rtol=1e-13)
    np.testing.assert_allclose(res.smoothed, ref_smooth, rtol=1e-12)
    assert res.stopped_early == (len(ref_lrs) < 100)
    assert res.suggestions["valley"] == pytest.approx(ref_valley, rel=1e-13)
