"""SOAP, Vyas, Morwani, Zhao, Kwun, Shapira, Brandfonbrener, Janson & Kakade 2024, "SOAP:
Improving and Stabilizing Shampoo using Adam", arXiv:2409.11321, Algorithms 3 and 4 (as in the
authors' code, github.com/nikhilvyas/SOAP)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import chain
from typing import Any

import torch

from optarena.optim._base import Group, OwnOptimizer, State
from optarena.optim._checks import UNIT_OPEN, Interval


def project(x: torch.Tensor, qs: list[torch.Tensor | None], back: bool = False) -> torch.Tensor:
    """Rotate every dimension i of ``x`` by Qᵢᵀ (``back``: by Qᵢ); None leaves it alone."""
    for q in qs:
        if q is None:
            x = x.permute(*range(1, x.dim()), 0)
        else:
            x = torch.tensordot(x, q, dims=[[0], [1 if back else 0]])
    return x


class SOAP(OwnOptimizer):
    r"""Adam run in the eigenbasis of Shampoo's preconditioner, refreshed every f steps.

    For a matrix G (every dimension i of a tensor likewise has a factor Lᵢ and basis Qᵢ; a
    dimension longer than ``max_precond_dim``, and 1-D tensors, are not rotated)::

        step 0:   L = (1 − β_s)·G Gᵀ,  R = (1 − β_s)·Gᵀ G,   Q_L, Q_R = eigenvectors (descending);
                  no update
        t ≥ 1:    G' = Q_Lᵀ G Q_R
                  M = β₁·M + (1 − β₁)·G          (in the original basis)
                  V = β₂·V + (1 − β₂)·G'∘G'      (in the rotated basis)
                  N = Q_L ((Q_Lᵀ M Q_R) / (√V + ε)) Q_Rᵀ
                  W ← W − η·√(1 − β₂ᵗ)/(1 − β₁ᵗ)·N;    W ← W − η·λ·W
                  L = β_s·L + (1 − β_s)·G Gᵀ;   R likewise
                  every f-th t (Algorithm 4): sort Q's columns by the estimated eigenvalues
                  diag(Qᵀ L Q) (V's axes permuted alike), then Q = QR(L Q)

    β_s (``shampoo_beta``) defaults to β₂. Bias correction, the eigh start and the eigenvalue
    sort are the authors' code's (the paper's Algorithm 3 leaves them out); optarena follows
    the code, as ``pytorch-optimizer`` does.

    Args:
        params: parameters or groups.  lr: η ≥ 0.  betas: (β₁, β₂) in [0, 1).
        shampoo_beta: β_s in [0, 1) or None.  eps: ε ≥ 0.  weight_decay: λ ≥ 0.
        precondition_frequency: f ≥ 1.  max_precond_dim: ≥ 1.
    """

    _rules = {
        "shampoo_beta": UNIT_OPEN,
        "precondition_frequency": Interval(1.0, integer=True),
        "max_precond_dim": Interval(1.0, integer=True),
    }

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 3e-3,
        betas: tuple[float, float] = (0.95, 0.95),
        shampoo_beta: float | None = None,
        eps: float = 1e-8,
        weight_decay: float = 0.01,
        precondition_frequency: int = 10,
        max_precond_dim: int = 10000,
    ) -> None:
        hparams: dict[str, Any] = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        if shampoo_beta is not None:
            hparams["shampoo_beta"] = shampoo_beta
        hparams.update(precondition_frequency=precondition_frequency)
        hparams.update(max_precond_dim=max_precond_dim)
        super().__init__(params, hparams)

    def _step_group(self, group: Group) -> None:
        beta1, beta2 = group["betas"]
        for p, grad, state in self._with_grads(group):
            if not state:
                state.update(step=0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
                state["GG"] = [
                    torch.zeros(n, n, dtype=p.dtype, device=p.device)
                    if p.dim() > 1 and n <= group["max_precond_dim"]
                    else None
                    for n in p.shape
                ]
                state["Q"] = None
                self._precondition(grad, state, group)
                continue
            state["step"] += 1
            t = state["step"]
            qs = state["Q"]
            m, v = state["exp_avg"], state["exp_avg_sq"]
            m.lerp_(grad, 1 - beta1)
            v.lerp_(project(grad, qs).square(), 1 - beta2)
            direction = project(project(m, qs) / v.sqrt().add(group["eps"]), qs, back=True)
            p.add_(direction, alpha=-group["lr"] * math.sqrt(1 - beta2**t) / (1 - beta1**t))
            p.add_(p, alpha=-group["lr"] * group["weight_decay"])
            self._precondition(grad, state, group)

    def _precondition(self, grad: torch.Tensor, state: State, group: Group) -> None:
        """Accumulate L, R (each dimension's factor); set or refresh the bases Q."""
        beta_s = group.get("shampoo_beta", group["betas"][1])
        for i, gg in enumerate(state["GG"]):
            if gg is not None:
                others = [*chain(range(i), range(i + 1, grad.dim()))]
                gg.lerp_(torch.tensordot(grad, grad, dims=[others, others]), 1 - beta_s)
        if state["Q"] is None:
            state["Q"] = [None if gg is None else _eigenbasis(gg) for gg in state["GG"]]
        elif state["step"] % group["precondition_frequency"] == 0:
            state["Q"] = self._refresh(state)

    @staticmethod
    def _refresh(state: State) -> list[torch.Tensor | None]:
        """One power iteration with QR, columns sorted by estimated eigenvalue (Algorithm 4)."""
        v, qs = state["exp_avg_sq"], []
        for i, (gg, q) in enumerate(zip(state["GG"], state["Q"], strict=True)):
            if gg is None:
                qs.append(None)
                continue
            lq = gg @ q
            order = torch.argsort((q * lq).sum(dim=0), descending=True)
            v = v.index_select(i, order)
            qs.append(torch.linalg.qr(lq.index_select(1, order))[0])
        state["exp_avg_sq"] = v
        return qs


def _eigenbasis(gg: torch.Tensor) -> torch.Tensor:
    eye = torch.eye(gg.shape[0], dtype=gg.dtype, device=gg.device)
    return torch.flip(torch.linalg.eigh(gg + 1e-30 * eye)[1], dims=[1])
