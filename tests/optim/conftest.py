"""Fixtures for the optimizer tests: random problems and a step runner (float64)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest
import torch

Shapes = Sequence[tuple[int, ...]]


@pytest.fixture
def random_problem() -> Callable[..., tuple[list[torch.Tensor], list[list[torch.Tensor]]]]:
    """``make(shapes, steps, seed)`` -> (initial params, one list of gradients per step)."""

    def make(shapes: Shapes = ((3, 4), (5,)), steps: int = 6, seed: int = 0):
        gen = torch.Generator().manual_seed(seed)
        params = [torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes]
        grads = [
            [torch.randn(s, generator=gen, dtype=torch.float64) for s in shapes]
            for _ in range(steps)
        ]
        return params, grads

    return make


@pytest.fixture
def run_steps() -> Callable[..., tuple[list[torch.Tensor], torch.optim.Optimizer]]:
    """``run(make_optimizer, params0, grads)``: feed the given gradients, one step each."""

    def run(make_optimizer, params0, grads):
        params = [p.clone().requires_grad_(True) for p in params0]
        optimizer = make_optimizer(params)
        for step_grads in grads:
            for p, g in zip(params, step_grads, strict=True):
                p.grad = g.clone()
            optimizer.step()
        return [p.detach().clone() for p in params], optimizer

    return run


@pytest.fixture
def quadratic() -> Callable[[list[torch.Tensor]], torch.Tensor]:
    """A fixed convex quadratic over two tensors (shapes (3, 4) and (3,)), minimum 0."""
    gen = torch.Generator().manual_seed(1)
    scales = [
        torch.rand(3, 4, generator=gen, dtype=torch.float64) * 3 + 1,
        torch.rand(3, generator=gen, dtype=torch.float64) * 3 + 1,
    ]
    centers = [
        torch.randn(3, 4, generator=gen, dtype=torch.float64),
        torch.randn(3, generator=gen, dtype=torch.float64),
    ]

    def loss(params: list[torch.Tensor]) -> torch.Tensor:
        return sum(
            0.5 * (a * (p - c) ** 2).sum() for p, a, c in zip(params, scales, centers, strict=True)
        )

    loss.centers = centers  # type: ignore[attr-defined]
    return loss
