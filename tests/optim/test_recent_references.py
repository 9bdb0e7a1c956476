"""Side by side with the maintained reference packages (test-only; skipped when absent):
``pytorch-optimizer`` (ADOPT, MARS, AdEMAMix, Prodigy, SOAP, cautious Lion) and
``schedulefree`` (the authors' schedule-free SGD and RAdam). Where a reference differs from
the paper, its options are set to the paper's choice (the docstrings say which)."""

from __future__ import annotations

import pytest
import torch

from optarena import optim

po = pytest.importorskip("pytorch_optimizer")


def _both(random_problem, run_steps, ours, theirs, steps=8, shapes=((4, 3), (5,)), train=False):
    params0, grads = random_problem(shapes=shapes, steps=steps, seed=3)

    def reference(p):
        opt = theirs(p)
        if train:
            opt.train()
        return opt

    a, _ = run_steps(ours, params0, grads)
    b, _ = run_steps(reference, params0, grads)
    for x, y in zip(a, b, strict=True):
        torch.testing.assert_close(x, y, rtol=1e-9, atol=1e-11)


def test_adopt(random_problem, run_steps):
    hp = {"lr": 0.01, "betas": (0.9, 0.99), "eps": 1e-6}
    _both(
        random_problem,
        run_steps,
        lambda p: optim.ADOPT(p, **hp),
        # its step counter includes the initialisation step: clip at (k − 1)^{1/4} is the paper's
        lambda p: po.ADOPT(p, **hp, clip_lambda=lambda k: (k - 1) ** 0.25, foreach=False),
    )


def test_mars_adamw(random_problem, run_steps):
    hp = {"lr": 0.01, "betas": (0.9, 0.99), "gamma": 0.1, "weight_decay": 0.05}
    _both(
        random_problem,
        run_steps,
        lambda p: optim.MARSAdamW(p, **hp, eps=0.0),
        lambda p: po.MARS(p, **hp, eps=0.0, optimize_1d=True, foreach=False),
    )


def test_ademamix(random_problem, run_steps):
    hp = {"lr": 0.01, "betas": (0.9, 0.99, 0.999), "alpha": 5.0, "weight_decay": 0.1}
    _both(
        random_problem,
        run_steps,
        lambda p: optim.AdEMAMix(p, **hp, t_alpha_beta3=5),
        lambda p: po.AdEMAMix(p, **hp, t_alpha_beta3=5, weight_decouple=True, foreach=False),
    )


def test_prodigy(random_problem, run_steps):
    hp = {"lr": 1.0, "betas": (0.9, 0.99), "d0": 1e-3, "weight_decay": 0.01}
    _both(
        random_problem,
        run_steps,
        lambda p: optim.Prodigy(p, **hp),
        lambda p: po.Prodigy(p, **hp, foreach=False),
        steps=10,
    )


def test_soap_between_refreshes(random_problem, run_steps):
    hp = {"lr": 0.01, "betas": (0.9, 0.95), "weight_decay": 0.01}
    _both(
        random_problem,
        run_steps,
        lambda p: optim.SOAP(p, **hp, precondition_frequency=1000),
        lambda p: po.SOAP(p, **hp, precondition_frequency=1000),
    )


def test_cautious_lion(random_problem, run_steps):
    hp = {"lr": 0.01, "betas": (0.9, 0.99), "weight_decay": 0.1}
    _both(
        random_problem,
        run_steps,
        lambda p: optim.Lion(p, **hp, cautious=True),
        lambda p: po.Lion(p, **hp, cautious=True, weight_decouple=True, foreach=False),
    )


@pytest.mark.parametrize(
    ("ours", "cls", "hp"),
    [
        (optim.ScheduleFreeSGD, "SGDScheduleFree",
         {"lr": 0.1, "momentum": 0.8, "weight_decay": 0.01, "warmup_steps": 3}),
        (optim.ScheduleFreeRAdam, "RAdamScheduleFree",
         {"lr": 0.01, "betas": (0.9, 0.8), "weight_decay": 0.01}),
    ],
)  # fmt: skip
def test_schedule_free_against_the_authors_package(random_problem, run_steps, ours, cls, hp):
    schedulefree = pytest.importorskip("schedulefree")
    _both(
        random_problem,
        run_steps,
        lambda p: ours(p, **hp),
        lambda p: getattr(schedulefree, cls)(p, **hp, foreach=False),
        steps=9,
        train=True,
    )
