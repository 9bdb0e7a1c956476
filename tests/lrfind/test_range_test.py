"""The range test itself: schedule, smoothing, stopping, restoring, robustness."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.nn import functional as F

from optarena.lrfind import lr_range_test, lr_schedule


def sgd(params):
    return torch.optim.SGD(params, lr=1.0)


def ref_smoothed(losses, beta):
    """fastai AvgSmoothLoss (debiased EMA from the first batch on)."""
    out, avg = [], 0.0
    for n, loss in enumerate(losses, start=1):
        avg = beta * avg + (1 - beta) * loss
        out.append(avg / (1 - beta**n))
    return out


def test_schedule_is_fastais_sched_exp_at_train_iter_over_num_it():
    lrs = lr_schedule(1e-7, 10, 100)
    ref = [1e-7 * (10 / 1e-7) ** (i / 100) for i in range(100)]  # end itself is never tried
    np.testing.assert_allclose(lrs, ref, rtol=1e-12)
    np.testing.assert_allclose(lr_schedule(0.1, 1.1, 4, "linear"), [0.1, 0.35, 0.6, 0.85])
    for bad in ((0, 1, 10, "exp"), (1, 0.5, 10, "exp"), (1e-3, 1, 1, "exp"), (1e-3, 1, 5, "x")):
        with pytest.raises(ValueError):
            lr_schedule(*bad)


def test_quadratic_suggestions_land_below_the_divergence_threshold(regression):
    x, y, make_model = regression
    model = make_model()
    res = lr_range_test(model, F.mse_loss, lambda e: [(x, y)], sgd, start=1e-4, end=100)
    # gradient descent on this loss diverges beyond lr = 2/L = 2; the best rate is 1/L = 1
    assert res.stopped_early and "diverged" in res.stop_reason and res.lrs[-1] > 2
    for name, lr in res.suggestions.items():
        assert 1 / 50 <= lr <= 2, (name, lr)
    assert res.summary()["suggested"] == res.suggestions["suggested"] == res.suggested
    np.testing.assert_allclose(res.smoothed, ref_smoothed(list(res.losses), 0.98), rtol=1e-12)


def test_losses_are_measured_at_the_scheduled_rates(regression):
    x, y, make_model = regression
    seen = []

    class Spy(torch.optim.SGD):
        def step(self, closure=None):
            seen.append(self.param_groups[0]["lr"])
            return super().step(closure)

    model = make_model()
    res = lr_range_test(
        model,
        F.mse_loss,
        lambda e: [(x, y)],
        lambda p: Spy(p, lr=0.5),
        start=1e-3,
        end=1.0,
        steps=12,
    )
    assert not res.stopped_early and seen == list(res.lrs) and res.lrs.size == 12
    # the first loss is the untouched model's loss on the batch
    assert res.losses[0] == pytest.approx(F.mse_loss(model(x), y).item(), rel=1e-12)


def test_batches_cycle_through_epochs():
    calls = []
    x, y = torch.randn(8, 3), torch.randn(8, 1)

    def factory(epoch):
        calls.append(epoch)
        return [(x[:4], y[:4]), (x[4:], y[4:])]

    lr_range_test(torch.nn.Linear(3, 1), F.mse_loss, factory, sgd, start=1e-6, end=1e-5, steps=7)
    assert calls == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="no batches"):
        lr_range_test(torch.nn.Linear(3, 1), F.mse_loss, lambda e: [], sgd, steps=5)


def test_restores_model_optimizer_grads_mode_and_rng():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(5, 16),
        torch.nn.BatchNorm1d(16),
        torch.nn.Dropout(0.3),
        torch.nn.Linear(16, 3),
    )
    x, y = torch.randn(32, 5), torch.randint(0, 3, (32,))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(3):  # give the optimizer real state to protect
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    model.eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    grads = [p.grad.clone() for p in model.parameters()]
    opt_before = {
        k: {n: t.clone() for n, t in s.items()} for k, s in opt.state_dict()["state"].items()
    }
    groups_before = [dict(g) for g in opt.state_dict()["param_groups"]]
    rng = torch.get_rng_state()

    res = lr_range_test(
        model, F.cross_entropy, lambda e: [(x, y)], opt, start=1e-5, end=10, steps=30
    )

    assert res.lrs.size > 5
    after = model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert all(torch.equal(g, p.grad) for g, p in zip(grads, model.parameters(), strict=True))
    state = opt.state_dict()
    assert state["param_groups"] == groups_before and opt.param_groups[0]["lr"] == 1e-3
    for k, s in opt_before.items():
        assert all(torch.equal(t, state["state"][k][n]) for n, t in s.items())
    assert not model.training and not model[2].training
    assert torch.equal(torch.get_rng_state(), rng)


def test_nan_loss_ends_the_test_gracefully(regression):
    x, y, make_model = regression
    model = make_model()
    w0 = model.weight.detach().clone()
    lrs_seen = []

    def loss_fn(out, target):
        lr_now = lrs_seen[-1]
        loss = F.mse_loss(out, target)
        return loss * math.nan if lr_now > 0.3 else loss

    class Spy(torch.optim.SGD):
        def step(self, closure=None):
            lrs_seen.append(self.param_groups[0]["lr"])
            return super().step(closure)

    res = lr_range_test(
        model, loss_fn, lambda e: [(x, y)], lambda p: Spy(p, lr=1), start=1e-4, end=100
    )
    assert res.stopped_early and "non-finite" in res.stop_reason
    assert math.isnan(res.losses[-1]) and res.lrs[-1] > 0.3 and res.lrs[-2] <= 0.3
    assert all(v is not None and 0 < v <= 0.3 for v in res.suggestions.values())
    assert torch.equal(model.weight, w0)


def test_nan_at_the_first_step_gives_no_suggestions():
    res = lr_range_test(
        torch.nn.Linear(2, 1),
        lambda o, t: (o * math.nan).mean(),
        lambda e: [(torch.ones(4, 2), torch.ones(4, 1))],
        sgd,
        steps=10,
    )
    assert res.stopped_early and res.lrs.size == 1
    assert res.suggestions == dict.fromkeys(["valley", "steep", "minimum", "slide", "suggested"])
    assert res.summary()["suggested"] is None


def test_an_early_spike_does_not_stop_the_test(regression):
    x, y, make_model = regression
    run = lambda fn: lr_range_test(  # noqa: E731
        make_model(), fn, lambda e: [(x, y)], sgd, start=1e-4, end=100
    )
    clean = run(F.mse_loss)
    calls = []

    def spiky(out, target):
        calls.append(1)
        loss = F.mse_loss(out, target)
        # a huge value at steps 1-2 that does not change the gradient; fastai would stop here
        return loss + 1e4 * loss.detach() if len(calls) in (2, 3) else loss

    spiked = run(spiky)
    assert spiked.losses[1] > 1e3 * clean.losses[1]
    assert spiked.smoothed[1] > 4 * spiked.smoothed[0]
    # it runs on to where gradient descent really diverges (lr > 2), as the clean run does
    assert "diverged" in spiked.stop_reason and spiked.lrs[-1] > 2
    assert abs(spiked.lrs.size - clean.lrs.size) <= 2


def test_argument_checks():
    model = torch.nn.Linear(2, 1)
    batches = lambda e: [(torch.ones(2, 2), torch.ones(2, 1))]  # noqa: E731
    for kwargs in ({"smooth": 1.0}, {"diverge_factor": 1.0}, {"skip_start": 100}, {"steps": 1}):
        with pytest.raises(ValueError):
            lr_range_test(model, F.mse_loss, batches, sgd, **kwargs)
