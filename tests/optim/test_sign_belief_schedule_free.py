"""Lion, AdaBelief, schedule-free AdamW and Lookahead against the papers' equations."""

from __future__ import annotations

import copy

import pytest
import torch
from torch.testing import assert_close

from optarena import optim

TIGHT = {"rtol": 1e-12, "atol": 1e-12}


def lion_reference(params, grads, lr, betas, wd):
    """Chen et al. 2023, Algorithm 2."""
    b1, b2 = betas
    theta = [p.clone() for p in params]
    m = [torch.zeros_like(p) for p in params]
    for step_grads in grads:
        for i, g in enumerate(step_grads):
            c = b1 * m[i] + (1 - b1) * g
            theta[i] = theta[i] - lr * (torch.sign(c) + wd * theta[i])
            m[i] = b2 * m[i] + (1 - b2) * g
    return theta


@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_lion_matches_the_paper(random_problem, run_steps, wd):
    params, grads = random_problem()
    got, _ = run_steps(lambda p: optim.Lion(p, lr=1e-3, betas=(0.9, 0.99), weight_decay=wd),
                       params, grads)  # fmt: skip
    assert_close(got, lion_reference(params, grads, 1e-3, (0.9, 0.99), wd), **TIGHT)


def test_lion_update_entries_are_exactly_plus_or_minus_lr(random_problem):
    params, grads = random_problem(steps=5)
    lr = 2.0**-7  # dyadic params and lr: every subtraction is exact
    w = [(p * 2**10).round() / 2**10 for p in params]
    w = [p.clone().requires_grad_(True) for p in w]
    opt = optim.create("lion", w, lr=lr)
    for step_grads in grads:
        before = [p.detach().clone() for p in w]
        for p, g in zip(w, step_grads, strict=True):
            p.grad = g.clone()
        opt.step()
        for p, b in zip(w, before, strict=True):
            assert torch.equal((p.detach() - b).abs(), torch.full_like(b, lr))


def adabelief_reference(params, grads, lr, betas, eps, weight_decay, decoupled):
    """Zhuang et al. 2020, Algorithm 2: s = b2 s + (1-b2)(g-m)^2 + eps, bias-corrected."""
    b1, b2 = betas
    theta = [p.clone() for p in params]
    m = [torch.zeros_like(p) for p in params]
    s = [torch.zeros_like(p) for p in params]
    for t, step_grads in enumerate(grads, start=1):
        for i, g in enumerate(step_grads):
            if decoupled:
                theta[i] = theta[i] * (1 - lr * weight_decay)
            else:
                g = g + weight_decay * theta[i]
            m[i] = b1 * m[i] + (1 - b1) * g
            s[i] = b2 * s[i] + (1 - b2) * (g - m[i]) ** 2 + eps
            m_hat, s_hat = m[i] / (1 - b1**t), s[i] / (1 - b2**t)
            theta[i] = theta[i] - lr * m_hat / (torch.sqrt(s_hat) + eps)
    return theta


@pytest.mark.parametrize(("wd", "decoupled"), [(0.0, True), (0.1, True), (0.1, False)])
def test_adabelief_matches_the_paper(random_problem, run_steps, wd, decoupled):
    params, grads = random_problem()
    kw = dict(lr=1e-2, betas=(0.9, 0.99), eps=1e-8, weight_decay=wd)
    got, _ = run_steps(
        lambda p: optim.AdaBelief(p, **kw, decoupled_weight_decay=decoupled), params, grads
    )
    assert_close(got, adabelief_reference(params, grads, **kw, decoupled=decoupled), **TIGHT)


def schedule_free_reference(params, grads, lr, betas, eps, wd, warmup):
    """Defazio et al. 2024, Algorithm 1; returns the final (y, x) sequences."""
    b1, b2 = betas
    x = [p.clone() for p in params]
    z = [p.clone() for p in params]
    v = [torch.zeros_like(p) for p in params]
    sum_sq = 0.0
    for t, step_grads in enumerate(grads, start=1):
        gamma = lr * min(1.0, t / warmup if warmup else 1.0) * (1 - b2**t) ** 0.5
        sum_sq += gamma**2
        c = gamma**2 / sum_sq
        for i, g in enumerate(step_grads):
            y = (1 - b1) * z[i] + b1 * x[i]  # the gradient g_t is "taken" here
            v[i] = b2 * v[i] + (1 - b2) * g * g
            z[i] = z[i] - gamma * g / (torch.sqrt(v[i]) + eps) - gamma * wd * y
            x[i] = (1 - c) * x[i] + c * z[i]
    y = [(1 - b1) * zi + b1 * xi for zi, xi in zip(z, x, strict=True)]
    return y, x


@pytest.mark.parametrize(("wd", "warmup"), [(0.0, 0), (0.1, 3)])
def test_schedule_free_matches_the_paper_and_eval_gives_x(random_problem, run_steps, wd, warmup):
    params, grads = random_problem(steps=8)
    kw = dict(lr=0.05, betas=(0.9, 0.99), eps=1e-8)
    got_y, opt = run_steps(
        lambda p: optim.create("schedule-free-adamw", p, **kw, weight_decay=wd,
                               warmup_steps=warmup),
        params, grads,
    )  # fmt: skip
    want_y, want_x = schedule_free_reference(params, grads, **kw, wd=wd, warmup=warmup)
    assert_close(got_y, want_y, **TIGHT)
    live = [p for g in opt.param_groups for p in g["params"]]
    opt.eval()
    assert_close([p.detach() for p in live], want_x, **TIGHT)
    opt.eval()  # idempotent
    assert_close([p.detach() for p in live], want_x, **TIGHT)
    with pytest.raises(RuntimeError, match="eval mode"):
        opt.step()
    opt.train()
    assert_close([p.detach() for p in live], want_y, **TIGHT)


def test_schedule_free_state_dict_keeps_the_mode(random_problem, run_steps):
    params, grads = random_problem(steps=3)
    got, opt = run_steps(lambda p: optim.ScheduleFreeAdamW(p, lr=0.05), params, grads)
    opt.eval()
    saved = copy.deepcopy(opt.state_dict())
    fresh = optim.ScheduleFreeAdamW([p.clone() for p in got], lr=0.05)
    fresh.load_state_dict(saved)
    assert fresh.param_groups[0]["train_mode"] is False and fresh.param_groups[0]["k"] == 3


def lookahead_reference(params, grads, k, alpha, lr):
    """Zhang et al. 2019, Algorithm 1 with Adam as the inner optimizer A."""
    fast = [p.clone().requires_grad_(True) for p in params]
    slow = [p.clone() for p in params]
    inner = torch.optim.Adam(fast, lr=lr)
    for t, step_grads in enumerate(grads, start=1):
        for p, g in zip(fast, step_grads, strict=True):
            p.grad = g.clone()
        inner.step()
        if t % k == 0:
            with torch.no_grad():
                for p, s in zip(fast, slow, strict=True):
                    s += alpha * (p - s)
                    p.copy_(s)
    return [p.detach() for p in fast]


def test_lookahead_matches_the_paper(random_problem, run_steps):
    params, grads = random_problem(steps=11)
    got, opt = run_steps(
        lambda p: optim.create("lookahead", p, base="adam", k=3, alpha=0.4, lr=0.05), params, grads
    )
    assert_close(got, lookahead_reference(params, grads, k=3, alpha=0.4, lr=0.05), **TIGHT)
    assert set(opt.state_dict()) >= {"inner", "slow", "lookahead_step"}
    assert len(opt.state_dict()["slow"]) == len(params)


@pytest.mark.parametrize("base", ["adam", "momentum", "lion"])
def test_lookahead_k1_alpha1_is_the_inner_optimizer(random_problem, run_steps, base):
    params, grads = random_problem()
    got, _ = run_steps(lambda p: optim.create("lookahead", p, base=base, k=1, alpha=1.0),
                       params, grads)  # fmt: skip
    want, _ = run_steps(lambda p: optim.create(base, p), params, grads)
    for a, b in zip(got, want, strict=True):
        assert torch.equal(a, b)


def test_lookahead_shares_param_groups_with_the_inner_optimizer():
    w = [torch.zeros(3, requires_grad=True)]
    opt = optim.create("lookahead", w, base="sgd", lr=0.3)
    assert opt.param_groups is opt.optimizer.param_groups
    assert opt.param_groups[0]["lr"] == 0.3  # base hyper-parameters pass through
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda step: 0.5**step)
    w[0].grad = torch.ones(3)
    opt.step()
    sched.step()
    assert opt.optimizer.param_groups[0]["lr"] == pytest.approx(0.15)
    opt.load_state_dict(copy.deepcopy(opt.state_dict()))
    assert opt.param_groups is opt.optimizer.param_groups  # still shared after a load


def test_lookahead_defaults_come_from_the_base():
    w = [torch.zeros(3, requires_grad=True)]
    assert optim.create("lookahead", w, base="sgd").param_groups[0]["lr"] == 1e-2
    assert optim.create("lookahead", w).param_groups[0]["lr"] == 1e-3
    with pytest.raises(ValueError, match=r"lookahead over 'adam': unknown hyper-parameter 'nu'"):
        optim.create("lookahead", w, nu=0.5)
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        optim.create("lookahead", w, base="adamm")
