"""torch.optim's newer optimizers (Muon, Adafactor) and L-BFGS, plus the routed entries.

``muon`` is routed (:mod:`optarena.optim.routing`): ``torch.optim.Muon`` on hidden weight
matrices, AdamW (or the ``rest`` optimizer) on embeddings, the output head, biases and norms.
``routed`` is the general form: ``hidden``/``embedding``/``head``/``vector``/``rest`` each name
an optimizer (a string, or a table with ``optimizer``, ``lr_scale`` and hyper-parameters); keys
``ROLE.KEY`` (``rest.weight_decay=0``) set one route's hyper-parameter.

:data:`LEFT_OUT` says why the remaining ``torch.optim`` classes have no name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import torch

from optarena.optim._checks import Interval
from optarena.optim.registry import register
from optarena.optim.routing import REST, ROLES, Route, Routed

#: torch.optim classes without a name, and why.
LEFT_OUT = {
    "SparseAdam": "needs sparse gradients (nn.Embedding(sparse=True)); no dense model trains "
    "with it",
}

_MUON_DOC = "https://pytorch.org/docs/stable/generated/torch.optim.Muon.html"
_NS = (3.4445, -4.775, 2.0315)


def _route_table(role: str, value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {"optimizer": value}
    if isinstance(value, Mapping):
        if "optimizer" not in value:
            raise ValueError(f"route {role!r}: a table needs `optimizer = NAME`")
        return dict(value)
    raise ValueError(f"route {role!r} must be an optimizer name or a table, got {value!r}")


def routes_from(tables: Mapping[str, Any], dotted: Mapping[str, Any]) -> list[Route]:
    """Routes from ``{role: name | table}`` and ``{"role.key": value}`` (in :data:`ROLES` order,
    ``rest`` last)."""
    merged = {role: _route_table(role, tables.get(role)) for role in (*ROLES, REST)}
    for key, value in dotted.items():
        role, sep, name = key.partition(".")
        if not sep or role not in merged:
            raise ValueError(
                f"unknown hyper-parameter {key!r} for a routed optimizer (routes: "
                f"{', '.join((*ROLES, REST))}; a route's own as ROLE.KEY, e.g. rest.weight_decay)"
            )
        if merged[role] is None:
            raise ValueError(f"{key!r} sets a hyper-parameter of route {role!r}, which is unset")
        merged[role][name] = value  # type: ignore[index]
    routes = []
    for role, table in merged.items():
        if table is None:
            continue
        hparams = {k: v for k, v in table.items() if k not in ("optimizer", "lr_scale")}
        if "lr" in hparams:
            raise ValueError(f"route {role!r}: set `lr_scale` (relative to the lr), not `lr`")
        routes.append(Route((role,), table["optimizer"], hparams, table.get("lr_scale", 1.0)))
    if not routes:
        raise ValueError("a routed optimizer needs at least one route")
    return routes


def routed(
    params: Iterable[Any],
    *,
    lr: float = 1e-3,
    hidden: Any = "muon",
    embedding: Any = None,
    head: Any = None,
    vector: Any = None,
    rest: Any = "adamw",
    **dotted: Any,
) -> Routed:
    """A :class:`~optarena.optim.routing.Routed` optimizer from route names/tables."""
    tables = dict(hidden=hidden, embedding=embedding, head=head, vector=vector, rest=rest)
    return Routed(params, routes_from(tables, dotted), lr=lr)


def muon(
    params: Iterable[Any],
    *,
    lr: float = 1e-3,
    weight_decay: float = 0.1,
    momentum: float = 0.95,
    nesterov: bool = True,
    ns_coefficients: tuple[float, float, float] = _NS,
    eps: float = 1e-7,
    ns_steps: int = 5,
    adjust_lr_fn: str | None = "match_rms_adamw",
    rest: Any = "adamw",
    **dotted: Any,
) -> Routed:
    """``torch.optim.Muon`` (these hyper-parameters) on hidden matrices, ``rest`` on the others.

    The default ``adjust_lr_fn="match_rms_adamw"`` scales Muon's update to AdamW's RMS
    (Liu et al. 2025), so one learning rate and weight decay suit both routes.
    """
    hidden = dict(optimizer="muon", lr_scale=dotted.pop("hidden.lr_scale", 1.0),
                  weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                  ns_coefficients=tuple(ns_coefficients), eps=eps, ns_steps=ns_steps,
                  adjust_lr_fn=adjust_lr_fn)  # fmt: skip
    tables = {role: dotted.pop(role) for role in ("embedding", "head", "vector") if role in dotted}
    return Routed(params, routes_from({**tables, "hidden": hidden, "rest": rest}, dotted), lr=lr)


def _register_all() -> None:
    register(
        "muon",
        muon,
        lr_range=(1e-5, 1e-1),
        routes_params=True,
        constraints={"ns_steps": Interval(1.0, integer=True)},
        reference="Jordan et al. 2024 (Muon); Liu et al. 2025, arXiv:2502.16982; " + _MUON_DOC,
        description="torch.optim.Muon on hidden matrices + AdamW on the rest (routed)",
    )
    register(
        "routed",
        routed,
        lr_range=(1e-5, 1e-1),
        routes_params=True,
        reference="optarena routing (hidden/embedding/head/vector/rest)",
        description="one optimizer per parameter role: hidden=..., rest=... (see the guide)",
    )
    register(
        "adafactor",
        torch.optim.Adafactor,
        defaults={
            "lr": 1e-2,
            "beta2_decay": -0.8,
            "eps": (None, 1e-3),
            "d": 1.0,
            "weight_decay": 0.0,
        },  # fmt: skip
        lr_range=(1e-4, 1.0),
        constraints={
            "eps": _OptionalPair(0.0, size=2),
            "beta2_decay": Interval(hi=0.0),
            "d": Interval(0.0, lo_open=True),
        },  # fmt: skip
        reference="Shazeer & Stern 2018, arXiv:1804.04235; "
        "https://pytorch.org/docs/stable/generated/torch.optim.Adafactor.html",
        description="torch.optim.Adafactor (factored second moments)",
    )
    register(
        "lbfgs",
        torch.optim.LBFGS,
        defaults={"lr": 1.0, "max_iter": 20, "history_size": 100, "line_search_fn": None},
        lr_range=(1e-2, 10.0),
        needs_closure=True,
        constraints={
            "max_iter": Interval(1.0, integer=True),
            "history_size": Interval(1.0, integer=True),
        },  # fmt: skip
        reference="Liu & Nocedal 1989; "
        "https://pytorch.org/docs/stable/generated/torch.optim.LBFGS.html",
        description="torch.optim.LBFGS (re-evaluates the batch through a closure)",
    )


class _OptionalPair(Interval):
    """A pair whose entries are ``None`` or in the interval (Adafactor's ``eps``)."""

    def check(self, name: str, value: Any) -> None:
        if isinstance(value, (list, tuple)) and len(value) == self.size:
            for i, item in enumerate(value):
                if item is not None:
                    Interval(self.lo).check(f"{name}[{i}]", item)
            return
        raise ValueError(f"{name} must be a pair of numbers or None, got {value!r}")


_register_all()
