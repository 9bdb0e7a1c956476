"""Parameter routing: one optimizer that sends each parameter, by its role, to a sub-optimizer.

Muon-style optimizers only make sense for hidden weight matrices (Jordan et al. 2024, "Muon";
Liu et al. 2025, "Muon is scalable for LLM training", arXiv:2502.16982): embeddings, the output
head and 1-D tensors (biases, norm scales) go to AdamW. :class:`Routed` does this as ONE
``torch.optim.Optimizer`` — the trainer, the store and reports see one optimizer.

Roles (:data:`ROLES`): ``hidden`` (≥ 2-D weights that are neither embedding nor head),
``embedding`` (``nn.Embedding`` weights), ``head`` (the weight of the model's last
``nn.Linear``, the output layer) and ``vector`` (≤ 1-D tensors). A route claims roles; ``rest``
claims every role no earlier route took. :func:`role_groups` tags a model's parameters with their
role; plain parameters without a tag are ``hidden`` when ≥ 2-D, else ``vector``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.optim import Optimizer

ROLES = ("hidden", "embedding", "head", "vector")
REST = "rest"
#: Route optimizer names that are torch.optim.Muon itself (2-D only: conv kernels are flattened
#: to (out, in·k·k) views, as in Keller Jordan's reference implementation).
MATRIX_OPTIMIZERS = ("muon",)


@dataclass(frozen=True)
class Route:
    """Parameters of ``roles`` go to optimizer ``optimizer`` with ``hparams``; its lr is the
    routed optimizer's lr times ``lr_scale`` (so one LR schedule drives every route)."""

    roles: tuple[str, ...]
    optimizer: str
    hparams: Mapping[str, Any] = field(default_factory=dict)
    lr_scale: float = 1.0

    def __post_init__(self) -> None:
        bad = [r for r in self.roles if r not in (*ROLES, REST)]
        if bad or not self.roles:
            raise ValueError(f"route roles must be drawn from {(*ROLES, REST)}, got {self.roles}")
        if not isinstance(self.optimizer, str):
            raise ValueError(f"a route's optimizer must be a name, got {self.optimizer!r}")
        if isinstance(self.lr_scale, bool) or not (
            isinstance(self.lr_scale, (int, float)) and self.lr_scale > 0
        ):
            raise ValueError(f"lr_scale must be a positive number, got {self.lr_scale!r}")


def param_roles(model: nn.Module) -> dict[int, str]:
    """``id(parameter) -> role`` for every parameter of ``model`` (see the module docstring)."""
    embedding = {id(m.weight) for m in model.modules() if isinstance(m, nn.Embedding)}
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    head = {id(linears[-1].weight)} if linears else set()
    roles: dict[int, str] = {}
    for p in model.parameters():
        if id(p) in embedding:
            roles[id(p)] = "embedding"
        elif id(p) in head:
            roles[id(p)] = "head"
        else:
            roles[id(p)] = "hidden" if p.ndim >= 2 else "vector"
    return roles


def role_groups(model: nn.Module, no_decay_norm_bias: bool = False) -> list[dict[str, Any]]:
    """Parameter groups of ``model`` (trainable only), one per role present, each with ``role``;
    ``no_decay_norm_bias`` sets ``weight_decay=0`` on the ``vector`` group."""
    roles = param_roles(model)
    groups: list[dict[str, Any]] = []
    for role in ROLES:
        params = [p for p in model.parameters() if p.requires_grad and roles[id(p)] == role]
        if params:
            group: dict[str, Any] = {"params": params, "role": role}
            if no_decay_norm_bias and role == "vector":
                group["weight_decay"] = 0.0
            groups.append(group)
    return groups


def _as_groups(params: Iterable[Any]) -> list[dict[str, Any]]:
    items = list(params)
    if not items:
        raise ValueError("optimizer got an empty parameter list")
    if all(isinstance(item, dict) for item in items):
        return [dict(item, params=list(item["params"])) for item in items]
    return [{"params": items}]


def _role_of(p: torch.Tensor, group: Mapping[str, Any]) -> str:
    role = group.get("role")
    if role is None:
        return "hidden" if p.ndim >= 2 else "vector"
    if role not in ROLES:
        raise ValueError(f"unknown parameter role {role!r} (roles: {', '.join(ROLES)})")
    return role


def _route_index(role: str, routes: Sequence[Route]) -> int | None:
    for i, route in enumerate(routes):
        if role in route.roles:
            return i
    for i, route in enumerate(routes):
        if REST in route.roles:
            return i
    return None


class _Matrix:
    """A 2-D stand-in for a ≥ 3-D parameter (a view when its storage allows, else a copy)."""

    def __init__(self, p: torch.Tensor) -> None:
        self.param = p
        self.view = p.detach().reshape(p.shape[0], -1)
        self.shared = self.view.data_ptr() == p.data_ptr() and p.is_contiguous()

    def before(self) -> None:
        if not self.shared:
            self.view.copy_(self.param.detach().reshape(self.view.shape))
        grad = self.param.grad
        self.view.grad = None if grad is None else grad.reshape(self.view.shape)

    def after(self) -> None:
        if not self.shared:
            self.param.detach().copy_(self.view.reshape(self.param.shape))


Builder = Callable[[str, list[dict[str, Any]], dict[str, Any]], Optimizer]


class Routed(Optimizer):
    """One optimizer over several: each parameter goes to the first route claiming its role.

    ``param_groups`` are the router's own (one per route and incoming group, with ``lr``,
    ``lr_scale`` and ``route``); each :meth:`step` copies ``lr × lr_scale`` into the route's
    optimizer, so LR schedules and tuners that set ``group["lr"]`` reach every route.
    ``state_dict()`` holds each route optimizer's state dict. ``train()``/``eval()`` reach the
    routes that have them (schedule-free ones).

    Args:
        params: parameters or groups (a group's ``role`` key says its role).
        routes: the routes, in priority order.
        lr: the base learning rate.
        build: ``build(name, groups, hparams) -> Optimizer`` (default: optarena's registry; a
            ``muon`` route is ``torch.optim.Muon``).
    """

    def __init__(
        self,
        params: Iterable[Any],
        routes: Sequence[Route],
        *,
        lr: float,
        build: Builder | None = None,
    ) -> None:
        self.routes = tuple(routes)
        if not self.routes:
            raise ValueError("a routed optimizer needs at least one route")
        build = build or _build
        per_route: list[list[dict[str, Any]]] = [[] for _ in self.routes]
        for group in _as_groups(params):
            extras = {k: v for k, v in group.items() if k not in ("params", "role")}
            split: dict[int, list[torch.Tensor]] = {}
            for p in group["params"]:
                index = _route_index(_role_of(p, group), self.routes)
                if index is None:
                    raise ValueError(f"no route takes role {_role_of(p, group)!r}; add `rest`")
                split.setdefault(index, []).append(p)
            for index, ps in split.items():
                per_route[index].append({**extras, "params": ps})
        own_groups: list[dict[str, Any]] = []
        self.optimizers: list[Optimizer] = []
        self._matrices: list[list[_Matrix]] = []
        for index, (route, groups) in enumerate(zip(self.routes, per_route, strict=True)):
            hparams = dict(route.hparams)
            matrices: list[_Matrix] = []
            if not groups:  # no parameter of these roles: still check the hyper-parameters
                probe = torch.zeros(2, 2, requires_grad=True)
                build(route.optimizer, [{"params": [probe]}], {**hparams, "lr": lr})
                continue
            sub_groups = []
            for g in groups:
                base_lr = g.pop("lr", lr)
                own_groups.append({"params": g["params"], "lr": base_lr, "lr_scale": route.lr_scale,
                                   "route": index})  # fmt: skip
                sub = dict(g, lr=base_lr * route.lr_scale)
                if route.optimizer in MATRIX_OPTIMIZERS:
                    ms = [_Matrix(p) if p.ndim > 2 else None for p in g["params"]]
                    matrices += [m for m in ms if m is not None]
                    sub["params"] = [
                        m.view if m else p for m, p in zip(ms, g["params"], strict=True)
                    ]
                sub_groups.append(sub)
            self.optimizers.append(build(route.optimizer, sub_groups, hparams))
            self._matrices.append(matrices)
        if not own_groups:
            raise ValueError("optimizer got an empty parameter list")
        super().__init__(own_groups, {"lr": lr})

    def _sync(self) -> None:
        groups = iter(self.param_groups)
        for optimizer in self.optimizers:
            for sub in optimizer.param_groups:
                own = next(groups)
                sub["lr"] = own["lr"] * own["lr_scale"]

    @torch.no_grad()
    def step(self, closure: Callable[[], float] | None = None) -> float | None:
        """Evaluate ``closure`` once (with grads), then step every route's optimizer."""
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        self._sync()
        for optimizer, matrices in zip(self.optimizers, self._matrices, strict=True):
            for m in matrices:
                m.before()
            optimizer.step()
            for m in matrices:
                m.after()
        return loss

    def train(self) -> None:
        """Switch schedule-free routes to their training weights."""
        self._each("train")

    def eval(self) -> None:
        """Switch schedule-free routes to their evaluation (averaged) weights."""
        self._each("eval")

    def _each(self, method: str) -> None:
        for optimizer in self.optimizers:
            fn = getattr(optimizer, method, None)
            if callable(fn):
                fn()

    def state_dict(self) -> dict[str, Any]:
        return {
            "routes": [optimizer.state_dict() for optimizer in self.optimizers],
            "lrs": [group["lr"] for group in self.param_groups],
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        if set(state_dict) != {"routes", "lrs"} or len(state_dict["routes"]) != len(
            self.optimizers
        ):
            raise ValueError("not a state_dict of this routed optimizer")
        for optimizer, state in zip(self.optimizers, state_dict["routes"], strict=True):
            optimizer.load_state_dict(state)
        for group, lr in zip(self.param_groups, state_dict["lrs"], strict=True):
            group["lr"] = lr

    def __repr__(self) -> str:
        parts = ", ".join(f"{'+'.join(r.roles)}: {r.optimizer}" for r in self.routes)
        return f"Routed({parts})"


def _build(name: str, groups: list[dict[str, Any]], hparams: dict[str, Any]) -> Optimizer:
    if name in MATRIX_OPTIMIZERS:
        from optarena.optim._checks import checked

        unknown = sorted(set(hparams) - set(MUON_KEYS))
        if unknown:
            raise ValueError(
                f"unknown hyper-parameter(s) {', '.join(map(repr, unknown))} for a muon route "
                f"(accepted: {', '.join(sorted(MUON_KEYS))})"
            )
        return torch.optim.Muon(groups, **checked(hparams, {}))
    from optarena.optim.registry import create

    return create(name, groups, **hparams)


#: The keyword arguments of torch.optim.Muon that a ``muon`` route accepts.
MUON_KEYS = ("lr", "weight_decay", "momentum", "nesterov", "ns_coefficients", "eps", "ns_steps",
             "adjust_lr_fn")  # fmt: skip
