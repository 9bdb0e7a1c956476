"""Prodigy, schedule-free SGD/RAdam and SOAP, step by step against their equations, written
out here (float64, given gradients)."""

from __future__ import annotations

import math

import pytest
import torch

from optarena import optim


def _close(ours, expected):
    for a, b in zip(ours, expected, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_prodigy_algorithm_4(random_problem, run_steps):
    params0, grads = random_problem(steps=8)
    lr, b1, b2, eps, wd, d0 = 1.0, 0.9, 0.99, 1e-8, 0.01, 1e-3
    ours, opt = run_steps(
        lambda p: optim.Prodigy(p, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd, d0=d0),
        params0,
        grads,
    )
    xs = [p.clone() for p in params0]
    ms = [torch.zeros_like(p) for p in xs]
    vs = [torch.zeros_like(p) for p in xs]
    ss = [torch.zeros_like(p) for p in xs]
    d, r, root = d0, 0.0, math.sqrt(b2)
    for gs in grads:
        r = root * r + (1 - root) * lr * d**2 * sum(
            float((g * (x0 - x)).sum()) for g, x0, x in zip(gs, params0, xs, strict=True)
        )
        for i, g in enumerate(gs):
            ms[i] = b1 * ms[i] + (1 - b1) * d * g
            vs[i] = b2 * vs[i] + (1 - b2) * d**2 * g**2
            ss[i] = root * ss[i] + (1 - root) * lr * d**2 * g
        d_next = max(d, r / sum(float(s.abs().sum()) for s in ss))
        xs = [x - lr * d * m / (v.sqrt() + d * eps) - lr * d * wd * x
              for x, m, v in zip(xs, ms, vs, strict=True)]  # fmt: skip
        d = d_next
    _close(ours, xs)
    assert opt.param_groups[0]["d"] == pytest.approx(d, rel=1e-12)


def _schedule_free(params0, grads, lr_t, direction, beta, wd):
    """Defazio et al. 2024, Algorithm 1 (r = 0, p = 2: c = γ_max² / Σ γ_max²): returns x, y."""
    zs = [p.clone() for p in params0]
    xs = [p.clone() for p in params0]
    weight_sum, lr_max = 0.0, 0.0
    for t, gs in enumerate(grads, start=1):
        ys = [(1 - beta) * z + beta * x for z, x in zip(zs, xs, strict=True)]
        lr = lr_t(t)
        lr_max = max(lr, lr_max)
        weight_sum += lr_max**2
        c = lr_max**2 / weight_sum if weight_sum > 0 else 0.0
        zs = [z - lr * (direction(i, g, t) + wd * y)
              for i, (z, g, y) in enumerate(zip(zs, gs, ys, strict=True))]  # fmt: skip
        xs = [(1 - c) * x + c * z for x, z in zip(xs, zs, strict=True)]
    ys = [(1 - beta) * z + beta * x for z, x in zip(zs, xs, strict=True)]
    return xs, ys


def test_schedule_free_sgd_algorithm_1(random_problem, run_steps):
    params0, grads = random_problem(steps=7)
    lr, beta, wd, warmup = 0.1, 0.8, 0.01, 3
    ours, opt = run_steps(
        lambda p: optim.ScheduleFreeSGD(p, lr=lr, momentum=beta, weight_decay=wd,
                                        warmup_steps=warmup), params0, grads,
    )  # fmt: skip
    xs, ys = _schedule_free(
        params0, grads, lambda t: lr * min(1.0, t / warmup), lambda i, g, t: g, beta, wd
    )
    _close(ours, ys)  # training holds y
    params = opt.param_groups[0]["params"]
    opt.eval()
    _close([p.detach() for p in params], xs)  # evaluation holds x
    opt.train()
    _close([p.detach() for p in params], ys)


@pytest.mark.parametrize("silent", [True, False])
def test_schedule_free_radam(random_problem, run_steps, silent):
    params0, grads = random_problem(steps=9)
    lr, b1, b2, eps, wd = 0.01, 0.9, 0.8, 1e-8, 0.01  # β₂ = 0.8: ρ_t > 4 from t = 5 on
    ours, _ = run_steps(
        lambda p: optim.ScheduleFreeRAdam(p, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd,
                                          silent_sgd_phase=silent), params0, grads,
    )  # fmt: skip
    rho_inf = 2 / (1 - b2) - 1

    def rho(t):
        return rho_inf - 2 * t * b2**t / (1 - b2**t)

    def lr_t(t):
        if rho(t) <= 4:
            return 0.0 if silent else lr
        rt = rho(t)
        return lr * math.sqrt((rt - 4) * (rt - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rt))

    vs = [torch.zeros_like(p) for p in params0]

    def direction(i, g, t):
        vs[i] = b2 * vs[i] + (1 - b2) * g**2
        return g if rho(t) <= 4 else g / ((vs[i] / (1 - b2**t)).sqrt() + eps)

    assert rho(4) <= 4 < rho(5)
    _, ys = _schedule_free(params0, grads, lr_t, direction, b1, wd)
    _close(ours, ys)


def _soap_reference(w0, grads, lr, b1, b2, eps, wd, freq):
    """SOAP for one matrix, written with explicit L, R, Q_L, Q_R (Algorithms 3 and 4)."""

    def eig(mat):
        return torch.flip(torch.linalg.eigh(mat + 1e-30 * torch.eye(len(mat)))[1], dims=[1])

    def refresh(mat, q, v, axis):
        order = torch.argsort(torch.diag(q.T @ mat @ q), descending=True)
        return torch.linalg.qr((mat @ q)[:, order])[0], v.index_select(axis, order)

    w, g0 = w0.clone(), grads[0]
    left, right = (1 - b2) * g0 @ g0.T, (1 - b2) * g0.T @ g0
    ql, qr = eig(left), eig(right)
    m, v = torch.zeros_like(w), torch.zeros_like(w)
    for t, g in enumerate(grads[1:], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * (ql.T @ g @ qr) ** 2
        n = ql @ ((ql.T @ m @ qr) / (v.sqrt() + eps)) @ qr.T
        w = w - lr * math.sqrt(1 - b2**t) / (1 - b1**t) * n
        w = w - lr * wd * w
        left, right = b2 * left + (1 - b2) * g @ g.T, b2 * right + (1 - b2) * g.T @ g
        if t % freq == 0:
            ql, v = refresh(left, ql, v, 0)
            qr, v = refresh(right, qr, v, 1)
    return w


@pytest.mark.parametrize("freq", [2, 100])
def test_soap_algorithm_3(random_problem, run_steps, freq):
    params0, grads = random_problem(shapes=((4, 3), (5,)), steps=8)
    lr, b1, b2, eps, wd = 0.01, 0.9, 0.95, 1e-8, 0.01
    ours, opt = run_steps(
        lambda p: optim.SOAP(p, lr=lr, betas=(b1, b2), eps=eps, weight_decay=wd,
                             precondition_frequency=freq), params0, grads,
    )  # fmt: skip
    w = _soap_reference(params0[0], [gs[0] for gs in grads], lr, b1, b2, eps, wd, freq)
    torch.testing.assert_close(ours[0], w, rtol=1e-9, atol=1e-11)
    # a 1-D tensor is not rotated: Adam from the second step, decoupled decay after it
    bias, m, v = params0[1].clone(), 0.0, 0.0
    for t, gs in enumerate(grads[1:], start=1):
        m = b1 * m + (1 - b1) * gs[1]
        v = b2 * v + (1 - b2) * gs[1] ** 2
        bias = bias - lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (v.sqrt() + eps)
        bias = bias - lr * wd * bias
    _close([ours[1]], [bias])
    assert opt.state[opt.param_groups[0]["params"][1]]["Q"] == [None]


def test_soap_leaves_long_dimensions_unrotated(run_steps):
    gen = torch.Generator().manual_seed(0)
    w0 = torch.randn(3, 6, generator=gen, dtype=torch.float64)
    grads = [[torch.randn(3, 6, generator=gen, dtype=torch.float64)] for _ in range(3)]
    _, opt = run_steps(lambda p: optim.SOAP(p, max_precond_dim=4), [w0], grads)
    q = next(iter(opt.state.values()))["Q"]
    assert q[0].shape == (3, 3) and q[1] is None
