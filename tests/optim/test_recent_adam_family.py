"""ADOPT, MARS-AdamW, AdEMAMix and the cautious flag, step by step against their papers'
equations, written out here (float64, given gradients)."""

from __future__ import annotations

import math

import pytest
import torch

from optarena import optim
from optarena.optim.ademamix import beta3_schedule


def _close(ours, expected):
    for a, b in zip(ours, expected, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-14)


def _mask(u, g):
    """Liang et al. 2024, Algorithm 1: φ = 1[u∘g > 0], scaled by d / (nnz(φ) + 1)."""
    phi = (u * g > 0).double()
    return u * phi * (phi.numel() / (phi.sum() + 1))


@pytest.mark.parametrize(("wd", "clip", "cautious"), [(0.0, True, False), (0.1, False, True)])
def test_adopt_algorithm_2(random_problem, run_steps, wd, clip, cautious):
    params0, grads = random_problem(steps=7)
    lr, b1, b2, eps = 0.01, 0.8, 0.9, 1e-6
    ours, _ = run_steps(
        lambda p: optim.ADOPT(p, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, clip=clip,
                              cautious=cautious), params0, grads,
    )  # fmt: skip
    expected = []
    for i, theta in enumerate(params0):
        theta = theta.clone()
        v = grads[0][i] ** 2  # t = 0: v₀ = g₀², no update
        m = torch.zeros_like(theta)
        for t in range(1, len(grads)):
            g = grads[t][i] + wd * theta
            n = g / torch.clamp(v.sqrt(), min=eps)
            if clip:
                n = n.clamp(-(t**0.25), t**0.25)
            m = b1 * m + (1 - b1) * n
            theta = theta - lr * (_mask(m.clone(), g) if cautious else m)
            v = b2 * v + (1 - b2) * g**2
        expected.append(theta)
    _close(ours, expected)


@pytest.mark.parametrize(("wd", "cautious"), [(0.0, False), (0.05, True)])
def test_mars_adamw_algorithm_2(random_problem, run_steps, wd, cautious):
    params0, grads = random_problem(steps=6)
    grads = [
        [g * scale for g in gs] for gs, scale in zip(grads, [0.01, 5, 0.02, 1, 3, 0.1], strict=True)
    ]
    lr, b1, b2, gamma, eps = 0.01, 0.9, 0.99, 0.5, 1e-8
    ours, _ = run_steps(
        lambda p: optim.MARSAdamW(p, lr=lr, betas=(b1, b2), gamma=gamma, eps=eps,
                                  weight_decay=wd, cautious=cautious), params0, grads,
    )  # fmt: skip
    expected = []
    for i, theta in enumerate(params0):
        theta, m, v, prev = theta.clone(), 0.0, 0.0, torch.zeros_like(theta)
        for t, gs in enumerate(grads, start=1):
            g = gs[i]
            c = g + gamma * b1 / (1 - b1) * (g - prev)
            if torch.linalg.vector_norm(c) > 1:
                c = c / torch.linalg.vector_norm(c)
            m = b1 * m + (1 - b1) * c
            v = b2 * v + (1 - b2) * c**2
            u = (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps)
            if cautious:
                u = _mask(u, g)
            theta = theta - lr * (u + wd * theta)
            prev = g
        expected.append(theta)
    _close(ours, expected)


@pytest.mark.parametrize(("horizon", "cautious"), [(None, False), (4, True)])
def test_ademamix_algorithm_1(random_problem, run_steps, horizon, cautious):
    params0, grads = random_problem(steps=6)
    lr, b1, b2, b3, alpha, eps, wd = 0.01, 0.9, 0.99, 0.999, 5.0, 1e-8, 0.1
    ours, _ = run_steps(
        lambda p: optim.AdEMAMix(p, lr=lr, betas=(b1, b2, b3), alpha=alpha, t_alpha_beta3=horizon,
                                 eps=eps, weight_decay=wd, cautious=cautious), params0, grads,
    )  # fmt: skip
    expected = []
    for i, theta in enumerate(params0):
        theta, m1, m2, nu = theta.clone(), 0.0, 0.0, 0.0
        for t, gs in enumerate(grads, start=1):
            g = gs[i]
            if horizon is None or t >= horizon:
                a_t, b3_t = alpha, b3
            else:  # section 3: linear α warmup, β₃ scheduled from β₁ (half-life linear in t)
                a_t = t * alpha / horizon
                lb1, lb3 = math.log(b1), math.log(b3)
                b3_t = min(math.exp(lb1 * lb3 / ((1 - t / horizon) * lb3 + t / horizon * lb1)), b3)
            m1 = b1 * m1 + (1 - b1) * g
            m2 = b3_t * m2 + (1 - b3_t) * g
            nu = b2 * nu + (1 - b2) * g**2
            u = (m1 / (1 - b1**t) + a_t * m2) / ((nu / (1 - b2**t)).sqrt() + eps)
            if cautious:
                u = _mask(u, g)
            theta = theta - lr * (u + wd * theta)
        expected.append(theta)
    _close(ours, expected)


def test_beta3_schedule_ends():
    assert beta3_schedule(0, 0.9, 0.9999, 100) == pytest.approx(0.9)
    assert beta3_schedule(100, 0.9, 0.9999, 100) == 0.9999
    assert 0.9 < beta3_schedule(50, 0.9, 0.9999, 100) < 0.9999


@pytest.mark.parametrize("cautious", [False, True])
def test_cautious_adamw_algorithm_1(random_problem, run_steps, cautious):
    params0, grads = random_problem(steps=5)
    lr, b1, b2, eps, wd = 0.01, 0.9, 0.99, 1e-8, 0.1
    ours, _ = run_steps(
        lambda p: optim.AdamW(p, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd,
                              cautious=cautious), params0, grads,
    )  # fmt: skip
    theirs, _ = run_steps(
        lambda p: torch.optim.AdamW(p, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd),
        params0,
        grads,
    )
    expected = []
    for i, theta in enumerate(params0):
        theta, m, v = theta.clone(), 0.0, 0.0
        for t, gs in enumerate(grads, start=1):
            g = gs[i]
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g**2
            u = (m / (1 - b1**t)) / ((v / (1 - b2**t)).sqrt() + eps)
            theta = theta - lr * (_mask(u, g) if cautious else u) - lr * wd * theta
        expected.append(theta)
    _close(ours, expected)
    if not cautious:
        _close(ours, theirs)  # the flag off is torch's AdamW
    else:
        assert not torch.allclose(ours[0], theirs[0])


def test_cautious_lion(random_problem, run_steps):
    params0, grads = random_problem(steps=5)
    lr, b1, b2, wd = 0.01, 0.9, 0.99, 0.1
    ours, _ = run_steps(lambda p: optim.create("cautious-lion", p, lr=lr, betas=(b1, b2),
                                               weight_decay=wd), params0, grads)  # fmt: skip
    expected = []
    for i, theta in enumerate(params0):
        theta, m = theta.clone(), 0.0
        for gs in grads:
            g = gs[i]
            u = _mask(torch.sign(b1 * m + (1 - b1) * g), g)
            theta = theta - lr * (u + wd * theta)
            m = b2 * m + (1 - b2) * g
        expected.append(theta)
    _close(ours, expected)


def test_flags_and_bad_values():
    w = [torch.zeros(2, requires_grad=True)]
    assert optim.create("cautious-adamw", w).param_groups[0]["cautious"] is True
    assert optim.create("lion", w).param_groups[0]["cautious"] is False
    for name, hp in [("ademamix", {"alpha": -1.0}), ("ademamix", {"betas": (0.9, 0.99)}),
                     ("mars-adamw", {"gamma": -0.1}), ("soap", {"precondition_frequency": 0}),
                     ("prodigy", {"d0": 0.0}), ("schedule-free-sgd", {"momentum": 0.0}),
                     ("ademamix", {"t_alpha_beta3": 0})]:  # fmt: skip
        with pytest.raises(ValueError, match=next(iter(hp))):
            optim.create(name, w, **hp)
