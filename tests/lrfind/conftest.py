"""Small known-answer problems for the LR range test."""

from __future__ import annotations

import pytest
import torch


@pytest.fixture
def regression():
    """Least squares whose mean-squared-error Hessian is exactly ``I`` (L = 1): plain gradient
    descent converges for lr < 2/L = 2 and explodes beyond."""
    g = torch.Generator().manual_seed(0)
    n, d = 256, 8
    q, _ = torch.linalg.qr(torch.randn(n, d, generator=g, dtype=torch.float64))
    x = q * (n / 2) ** 0.5  # 2 X^T X / n = I
    w = torch.randn(d, 1, generator=g, dtype=torch.float64)
    y = x @ w + 0.01 * torch.randn(n, 1, generator=g, dtype=torch.float64)
    hessian = 2 * x.T @ x / n
    assert torch.allclose(hessian, torch.eye(d, dtype=torch.float64), atol=1e-12)

    def make_model() -> torch.nn.Module:
        torch.manual_seed(1)
        return torch.nn.Linear(d, 1, bias=False).double()

    return x, y, make_model
