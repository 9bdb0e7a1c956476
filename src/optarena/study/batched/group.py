"""Split a group's optimizers into families and step them on the flat stacked parameters."""

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
from optarena.study.batched.layout import Layout

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


def family_key(optimizer: torch.optim.Optimizer, params: list[torch.Tensor]) -> tuple[str, ...]:
    """A sort key that puts trials of one family next to each other (so a family is a slice)."""
    rule, flags, _ = rule_for(optimizer, params)
    return (rule.name, *map(repr, flags))


class _Family:
    """Trials sharing one rule and one code path: a slice ``lo:hi`` of the trial dimension when
    they are contiguous, else an index (gathered and scattered back each step)."""

    def __init__(
        self,
        rule: Rule,
        members: list[int],
        numbers: list[list[dict[str, float]]],
        flat: torch.Tensor,
        layout: Layout,
    ) -> None:
        device, dtype = flat.device, flat.dtype
        self.rule, self.t = rule, 0
        rule.layout = layout
        lo, hi = members[0], members[-1] + 1
        self.span = (lo, hi) if members == list(range(lo, hi)) else None
        self.idx = torch.tensor(members, device=device)
        self.hp: Hp = {}
        for key in rule.hparams:
            table = torch.tensor(
                [[numbers[j][i][key] for i in range(len(layout.sizes))] for j in members],
                dtype=dtype,
                device=device,
            )  # [k, T]
            if bool((table == table[0, 0]).all()):  # shared by the family: a plain float
                if not (key == "weight_decay" and float(table[0, 0]) == 0.0):
                    self.hp[key] = float(table[0, 0])  # no decay at all: left out
            elif bool((table == table[:, :1]).all()):
                self.hp[key] = table[:, :1]
            else:
                self.hp[key] = layout.expand(table)
        self.state = rule.init_state(self._take(flat).detach(), self.hp)

    def _take(self, x: torch.Tensor) -> torch.Tensor:
        if self.span is not None:
            return x[self.span[0] : self.span[1]]
        return x.index_select(0, self.idx)

    @torch.no_grad()
    def step(self, flat: torch.Tensor, grad: torch.Tensor, lr: torch.Tensor, alive: torch.Tensor):
        self.t += 1
        live = self._take(alive).unsqueeze(1)  # [k, 1] of 0/1
        hp = {**self.hp, "lr": self._take(lr).unsqueeze(1) * live}
        for key in self.rule.freeze:
            hp[key] = hp[key] * live
        g = self._take(grad)  # masked trials' rows were zeroed by GroupUpdate.step
        if self.span is not None:
            self.rule.update(flat[self.span[0] : self.span[1]], g, self.state, hp, self.t)
        else:
            sub = flat.index_select(0, self.idx)
            self.rule.update(sub, g, self.state, hp, self.t)
            flat.index_copy_(0, self.idx, sub)


class GroupUpdate:
    """The update of a whole group: one batched family per (rule, flags)."""

    def __init__(
        self,
        optimizers: list[torch.optim.Optimizer],
        trial_params: list[list[torch.Tensor]],
        flat: torch.Tensor,
        layout: Layout,
    ) -> None:
        """``trial_params[j]``: trial j's own parameters in the order of ``layout``; ``flat``:
        the ``[K, P]`` stacked parameters."""
        found = [rule_for(o, ps) for o, ps in zip(optimizers, trial_params, strict=True)]
        keys: dict[tuple[Any, ...], list[int]] = {}
        for j, (rule, flags, _) in enumerate(found):
            keys.setdefault((rule, flags), []).append(j)
        numbers = [numbers for _, _, numbers in found]
        self.families = [
            _Family(rule(*flags), members, numbers, flat, layout)
            for (rule, flags), members in keys.items()
        ]

    def step(
        self, flat: torch.Tensor, grad: torch.Tensor, lr: torch.Tensor, alive: torch.Tensor
    ) -> None:
        """Update ``flat`` [K, P] in place; ``lr`` [K] this step's rates, ``alive`` [K] a 0/1
        mask (a masked trial's gradient and lr are zeroed, so its parameters stay put).

        ``grad`` is overwritten: masked trials' rows are zeroed in place (a fresh ``where``
        copy of ``[K, P]`` cost more than the whole SGD update on a CPU). On a CPU, where
        reading ``alive`` costs no device sync, only the masked rows are touched."""
        if alive.device.type == "cpu":
            dead = (alive == 0).nonzero().squeeze(1)
            if len(dead):
                grad.index_fill_(0, dead, 0.0)
        else:
            grad.masked_fill_(alive.unsqueeze(1) == 0, 0.0)
        for family in self.families:
            family.step(flat, grad, lr, alive)

    def state_dict(self) -> dict[str, Any]:
        return {"t": [f.t for f in self.families], "state": [f.state for f in self.families]}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if len(state["t"]) != len(self.families):
            raise ValueError("the checkpoint's optimizer families do not match this group")
        for family, t, saved in zip(self.families, state["t"], state["state"], strict=True):
            family.t = t
            for key, value in saved.items():
                family.state[key].copy_(value)
