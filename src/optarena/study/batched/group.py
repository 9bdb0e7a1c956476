"""Split a group's optimizers into families and step them on the stacked parameters."""

from __future__ import annotations

from typing import Any

import torch

from optarena.optim.adabelief import AdaBelief
from optarena.optim.lamb import Lamb
from optarena.optim.lars import LARS
from optarena.optim.lion import Lion
from optarena.optim.qhadam import QHAdam
from optarena.optim.qhm import QHM
from optarena.study.batched import adam, adaptive, momentum, paper
from optarena.study.batched.base import Hp, Rule, UnsupportedError

#: optimizer class -> batched rule (exact classes: a subclass may change the update)
RULES: dict[type, type[Rule]] = {
    torch.optim.SGD: momentum.SGD,
    torch.optim.Adam: adam.Adam,
    torch.optim.AdamW: adam.Adam,
    torch.optim.Adamax: adam.Adamax,
    torch.optim.NAdam: adam.NAdam,
    torch.optim.RAdam: adam.RAdam,
    torch.optim.RMSprop: adaptive.RMSprop,
    torch.optim.Adagrad: adaptive.Adagrad,
    torch.optim.Adadelta: adaptive.Adadelta,
    QHM: momentum.QHM,
    LARS: momentum.LARS,
    Lion: momentum.Lion,
    QHAdam: paper.QHAdam,
    Lamb: paper.Lamb,
    AdaBelief: paper.AdaBelief,
}


def rule_for(
    optimizer: torch.optim.Optimizer, params: list[torch.Tensor]
) -> tuple[type[Rule], tuple[Any, ...], list[dict[str, float]]]:
    """The rule, its flags and the per-tensor numbers of ``optimizer`` over ``params`` (in
    order); raises :class:`UnsupportedError` when the trial cannot be batched."""
    rule = RULES.get(type(optimizer))
    if rule is None:
        raise UnsupportedError(f"no batched rule for {type(optimizer).__name__}")
    group_of = {id(p): g for g in optimizer.param_groups for p in g["params"]}
    if len(group_of) != len(params) or any(id(p) not in group_of for p in params):
        raise UnsupportedError("the optimizer does not hold exactly the model's parameters")
    flags = {rule.flags(group_of[id(p)]) for p in params}
    if len(flags) != 1:
        raise UnsupportedError("parameter groups differ in flags")
    return rule, flags.pop(), [rule.read(group_of[id(p)]) for p in params]


class _Family:
    """Trials sharing one rule and one code path; ``idx`` is None when it holds every trial."""

    def __init__(
        self,
        rule: Rule,
        members: list[int],
        numbers: list[list[dict[str, float]]],
        params: list[torch.Tensor],
    ) -> None:
        k_all = params[0].shape[0]
        device, dtype = params[0].device, params[0].dtype
        self.rule, self.t = rule, 0
        self.idx = None if members == list(range(k_all)) else torch.tensor(members, device=device)
        self.views = [(len(members),) + (1,) * (p.ndim - 1) for p in params]
        self.hp: list[Hp] = [
            {
                key: torch.tensor(
                    [numbers[j][i][key] for j in members], device=device, dtype=dtype
                ).view(view)
                for key in rule.hparams
            }
            for i, view in enumerate(self.views)
        ]
        self.state = [
            rule.init_state(self._take(p), hp) for p, hp in zip(params, self.hp, strict=True)
        ]

    def _take(self, x: torch.Tensor) -> torch.Tensor:
        return x if self.idx is None else x.index_select(0, self.idx)

    @torch.no_grad()
    def step(
        self,
        params: list[torch.Tensor],
        grads: list[torch.Tensor],
        lr: torch.Tensor,
        alive: torch.Tensor,
    ) -> None:
        self.t += 1
        live = self._take(alive)
        lr = self._take(lr) * live
        for p, g, s, hp, view in zip(params, grads, self.state, self.hp, self.views, strict=True):
            mask = live.view(view)
            hp = {**hp, "lr": lr.view(view)}
            for key in self.rule.freeze:
                hp[key] = hp[key] * mask
            g = torch.where(mask > 0, self._take(g), 0.0)
            if self.idx is None:
                self.rule.update(p, g, s, hp, self.t)
            else:
                sub = p.index_select(0, self.idx)
                self.rule.update(sub, g, s, hp, self.t)
                p.index_copy_(0, self.idx, sub)


class GroupUpdate:
    """The update of a whole group: one batched family per (rule, flags)."""

    def __init__(
        self,
        optimizers: list[torch.optim.Optimizer],
        trial_params: list[list[torch.Tensor]],
        params: list[torch.Tensor],
    ) -> None:
        """``trial_params[j]``: trial j's own parameters in the order of the stacked ``params``."""
        found = [rule_for(o, ps) for o, ps in zip(optimizers, trial_params, strict=True)]
        keys: dict[tuple[Any, ...], list[int]] = {}
        for j, (rule, flags, _) in enumerate(found):
            keys.setdefault((rule, flags), []).append(j)
        numbers = [numbers for _, _, numbers in found]
        self.families = [
            _Family(rule(*flags), members, numbers, params)
            for (rule, flags), members in keys.items()
        ]

    def step(
        self,
        params: list[torch.Tensor],
        grads: list[torch.Tensor],
        lr: torch.Tensor,
        alive: torch.Tensor,
    ) -> None:
        """Update ``params`` in place; ``lr`` [K] this step's rates, ``alive`` [K] a 0/1 mask
        (a masked trial's gradient and lr are zeroed, so its parameters stay as they were)."""
        for family in self.families:
            family.step(params, grads, lr, alive)

    def state_dict(self) -> dict[str, Any]:
        return {"t": [f.t for f in self.families], "state": [f.state for f in self.families]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if len(state["t"]) != len(self.families):
            raise ValueError("the checkpoint's optimizer families do not match this group")
        for family, t, tensors in zip(self.families, state["t"], state["state"], strict=True):
            family.t = t
            for mine, saved in zip(family.state, tensors, strict=True):
                for key, value in saved.items():
                    mine[key].copy_(value)
