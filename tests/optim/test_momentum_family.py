"""QHM, QHAdam, LARS and LAMB against references written from the papers' equations."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from optarena import optim

TIGHT = {"rtol": 1e-12, "atol": 1e-12}


def qhm_reference(params, grads, lr, beta, nu, wd=0.0, decoupled=False):
    """Ma & Yarats 2019, eq. (2)-(3): g <- b g + (1-b) grad; theta <- theta - a[(1-v)grad + v g]."""
    theta = [p.clone() for p in params]
    buf = [torch.zeros_like(p) for p in params]
    for step_grads in grads:
        for i, g in enumerate(step_grads):
            if decoupled:
                theta[i] = theta[i] * (1 - lr * wd)
            else:
                g = g + wd * theta[i]
            buf[i] = beta * buf[i] + (1 - beta) * g
            theta[i] = theta[i] - lr * ((1 - nu) * g + nu * buf[i])
    return theta


@pytest.mark.parametrize(("wd", "decoupled"), [(0.0, False), (0.1, False), (0.1, True)])
def test_qhm_matches_the_paper(random_problem, run_steps, wd, decoupled):
    params, grads = random_problem()
    got, _ = run_steps(
        lambda p: optim.QHM(p, lr=0.1, momentum=0.9, nu=0.7, weight_decay=wd,
                            decoupled_weight_decay=decoupled),
        params, grads,
    )  # fmt: skip
    assert_close(got, qhm_reference(params, grads, 0.1, 0.9, 0.7, wd, decoupled), **TIGHT)


def test_qhm_nu_zero_is_plain_sgd(random_problem, run_steps):
    params, grads = random_problem()
    got, _ = run_steps(
        lambda p: optim.create("qhm", p, lr=0.1, momentum=0.9, nu=0.0), params, grads
    )
    want, _ = run_steps(lambda p: torch.optim.SGD(p, lr=0.1), params, grads)
    assert_close(got, want, **TIGHT)


def test_qhm_nu_one_is_normalized_momentum(random_problem, run_steps):
    """g <- b g + (1-b) grad, theta <- theta - a g  ==  torch momentum SGD with lr a(1-b)."""
    params, grads = random_problem()
    lr, beta = 0.1, 0.9
    got, _ = run_steps(lambda p: optim.QHM(p, lr=lr, momentum=beta, nu=1.0), params, grads)
    want, _ = run_steps(lambda p: torch.optim.SGD(p, lr=lr * (1 - beta), momentum=beta), params,
                        grads)  # fmt: skip
    assert_close(got, want, **TIGHT)
    assert_close(got, qhm_reference(params, grads, lr, beta, 1.0), **TIGHT)


def qhadam_reference(params, grads, lr, betas, nus, eps, wd=0.0):
    """Ma & Yarats 2019, Algorithm 2 (QHAdam), L2 weight decay."""
    (b1, b2), (v1, v2) = betas, nus
    theta = [p.clone() for p in params]
    m = [torch.zeros_like(p) for p in params]
    s = [torch.zeros_like(p) for p in params]
    for t, step_grads in enumerate(grads, start=1):
        for i, g in enumerate(step_grads):
            g = g + wd * theta[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            s[i] = b2 * s[i] + (1 - b2) * g * g
            m_hat, s_hat = m[i] / (1 - b1**t), s[i] / (1 - b2**t)
            numer = (1 - v1) * g + v1 * m_hat
            denom = torch.sqrt((1 - v2) * g * g + v2 * s_hat) + eps
            theta[i] = theta[i] - lr * numer / denom
    return theta


@pytest.mark.parametrize("wd", [0.0, 0.05])
def test_qhadam_matches_the_paper(random_problem, run_steps, wd):
    params, grads = random_problem()
    kw = dict(lr=0.01, betas=(0.9, 0.99), nus=(0.7, 0.6), eps=1e-8)
    got, _ = run_steps(lambda p: optim.QHAdam(p, **kw, weight_decay=wd), params, grads)
    assert_close(got, qhadam_reference(params, grads, **kw, wd=wd), **TIGHT)


def test_qhadam_nus_one_is_adam(random_problem, run_steps):
    params, grads = random_problem()
    kw = dict(lr=0.01, betas=(0.9, 0.99), eps=1e-8)
    got, _ = run_steps(lambda p: optim.create("qhadam", p, **kw, nus=(1.0, 1.0)), params, grads)
    want, _ = run_steps(lambda p: torch.optim.Adam(p, **kw), params, grads)
    assert_close(got, want, **TIGHT)


def lamb_reference(params, grads, lr, betas, eps, wd):
    """You et al. 2020, Algorithm 2 with phi = identity and the 0-norm fallback ratio = 1."""
    b1, b2 = betas
    theta = [p.clone() for p in params]
    m = [torch.zeros_like(p) for p in params]
    v = [torch.zeros_like(p) for p in params]
    for t, step_grads in enumerate(grads, start=1):
        for i, g in enumerate(step_grads):
            m[i] = b1 * m[i] + (1 - b1) * g
            v[i] = b2 * v[i] + (1 - b2) * g * g
            r = (m[i] / (1 - b1**t)) / (torch.sqrt(v[i] / (1 - b2**t)) + eps)
            u = r + wd * theta[i]
            w_norm, u_norm = theta[i].norm().item(), u.norm().item()
            ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
            theta[i] = theta[i] - lr * ratio * u
    return theta


@pytest.mark.parametrize("wd", [0.0, 0.01])
def test_lamb_matches_the_paper(random_problem, run_steps, wd):
    params, grads = random_problem(shapes=((3, 4), (5,), (2,)))
    params[2].zero_()  # a zero-initialised layer: trust ratio falls back to 1
    kw = dict(lr=0.01, betas=(0.9, 0.99), eps=1e-6)
    got, _ = run_steps(lambda p: optim.Lamb(p, **kw, weight_decay=wd), params, grads)
    assert_close(got, lamb_reference(params, grads, **kw, wd=wd), **TIGHT)


def test_lamb_layer_update_norm_is_lr_times_ratio_times_update_norm(random_problem, run_steps):
    """||delta theta|| = lr * (||theta|| / ||r + wd theta||) * ||r + wd theta|| = lr * ||theta||."""
    params, grads = random_problem(steps=1)
    lr = 0.01
    got, opt = run_steps(lambda p: optim.Lamb(p, lr=lr, weight_decay=0.1), params, grads)
    for before, after in zip(params, got, strict=True):
        assert_close((after - before).norm(), lr * before.norm(), rtol=1e-12, atol=0.0)


def lars_reference(params, grads, lr, momentum, wd, eta):
    """You et al. 2017, Algorithm 1: local lr = eta ||w|| / (||g|| + wd ||w||)."""
    w = [p.clone() for p in params]
    v = [torch.zeros_like(p) for p in params]
    for step_grads in grads:
        for i, g in enumerate(step_grads):
            w_norm, g_norm = w[i].norm().item(), g.norm().item()
            local = eta * w_norm / (g_norm + wd * w_norm) if w_norm > 0 and g_norm > 0 else 1.0
            v[i] = momentum * v[i] + lr * local * (g + wd * w[i])
            w[i] = w[i] - v[i]
    return w


@pytest.mark.parametrize("wd", [0.0, 5e-4])
def test_lars_matches_the_paper(random_problem, run_steps, wd):
    params, grads = random_problem(shapes=((3, 4), (5,), (2,)))
    params[2].zero_()
    kw = dict(lr=0.5, momentum=0.9, trust_coefficient=0.01)
    got, _ = run_steps(lambda p: optim.LARS(p, **kw, weight_decay=wd), params, grads)
    assert_close(got, lars_reference(params, grads, 0.5, 0.9, wd=wd, eta=0.01), **TIGHT)
