"""The stacked state of a vectorized group and its device-side training step.

Parameters and buffers of the K models are stacked once (``torch.func.stack_module_state``) and
live as ``[K, ...]`` leaf tensors for the whole run. A step gathers each trial's own batch (its
own data order) on the device, runs ``vmap(functional_call)`` over (parameters, buffers, batch)
(https://pytorch.org/docs/stable/func.html) -- or, for plain MLPs, a hand-batched ``baddbmm``
forward (:mod:`~optarena.study.executors.vec_forward`, which also supplies per-trial dropout
masks) -- takes one ordinary backward pass on the summed
loss and updates every trial with :class:`optarena.study.batched.GroupUpdate`. Losses, accuracy
counts and divergence flags stay on the device; nothing in a step waits for the host.
"""

from __future__ import annotations

from typing import Any

import torch
from torch.func import functional_call, stack_module_state, vmap

from optarena.data.batching import batch_order, num_batches
from optarena.study.batched import GroupUpdate
from optarena.study.batched.layout import Layout
from optarena.study.executors.vec_forward import DropoutNoise, mlp_forward
from optarena.study.executors.vec_setup import GroupSetup
from optarena.train.checkpoint import same_state


class GroupEngine:
    """Stacked parameters, buffers, optimizer state and device-side running numbers."""

    def __init__(self, setup: GroupSetup) -> None:
        self.setup = setup
        members = setup.members
        models = [m.model for m in members]
        self.k, self.device = len(models), setup.device
        params, self.buffers = stack_module_state(models)
        self.names = list(params)
        self.layout = Layout([v.shape[1:] for v in params.values()], self.device)
        self.flat = self.layout.flatten(list(params.values())).detach()
        del params
        self.update = GroupUpdate(
            [m.optimizer for m in members],
            [list(m.parameters()) for m in models],
            self.flat,
            self.layout,
        )
        self.base = setup.base
        self.mlp = mlp_forward(self.base)
        self.has_bn = any(
            isinstance(mod, torch.nn.modules.batchnorm._BatchNorm) for mod in self.base.modules()
        )
        for m in members:  # the per-trial copies are no longer needed
            m.model = m.optimizer = None  # type: ignore[assignment]
        self.dtype = self.flat.dtype
        configs = [m.job.config for m in members]
        self.noise = None
        if setup.mask_order:
            self.noise = DropoutNoise(
                setup.mask_order,
                [m.rng for m in members],
                [c.seed for c in configs],
                self.device,
                self.dtype,
            )
        self.seeds = sorted({c.seed for c in configs})
        self.seed_index = torch.tensor(
            [self.seeds.index(c.seed) for c in configs], device=self.device
        )
        self.same_order = self.seeds == [c.seed for c in configs]
        self.factor = torch.tensor(
            [c.divergence_factor for c in configs], dtype=torch.float64, device=self.device
        )
        clip = [c.clip_grad if c.clip_grad is not None else float("inf") for c in configs]
        self.clip = torch.tensor(clip, dtype=self.dtype, device=self.device)
        self.clipping = any(c.clip_grad is not None for c in configs)
        self.l2 = float(getattr(setup.task, "l2", 0.0) or 0.0)
        self.alive = torch.ones(self.k, dtype=torch.bool, device=self.device)
        self.initial = torch.full((self.k,), float("nan"), dtype=torch.float64, device=self.device)
        self.best = self._snapshot()
        split = setup.dataset.train
        self.n_train = len(split)
        self.augment = bool(getattr(setup.transform, "augment", ()))
        self.train_x = None if self.augment else self._prepared(split.x)
        self.train_y = split.y.to(self.device)
        self._eval_data: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
        self._train_fn = self._mlp_loss if self.mlp is not None else vmap(self._loss)
        self._eval_fn = (
            self._mlp_eval if self.mlp is not None else vmap(self._eval, in_dims=(0, 0, None, None))
        )
        self._loss_fn = vmap(self.setup.task.loss_fn)

    @property
    def params(self) -> dict[str, torch.Tensor]:
        """``[K, *shape]`` views of the flat parameters, by name."""
        return dict(zip(self.names, self.layout.views(self.flat), strict=True))

    # -- the functional model ------------------------------------------------------------
    def _loss(self, p: dict, b: dict, x: torch.Tensor, y: torch.Tensor) -> tuple:
        logits = functional_call(self.base, (p, b), (x,))
        loss = self.setup.task.loss_fn(logits, y)
        total = loss
        if self.l2:
            weights = [w for w in p.values() if w.dim() > 1]
            if weights:
                total = loss + 0.5 * self.l2 * sum(w.pow(2).sum() for w in weights)
        return total, (loss, (logits.argmax(dim=-1) == y).sum())

    def _eval(self, p: dict, b: dict, x: torch.Tensor, y: torch.Tensor) -> tuple:
        logits = functional_call(self.base, (p, b), (x,))
        return self.setup.task.loss_fn(logits, y), (logits.argmax(dim=-1) == y).sum()

    def _mlp_loss(self, p: dict, b: dict, x: torch.Tensor, y: torch.Tensor) -> tuple:
        """:meth:`_loss` for all K trials at once through the hand-batched MLP."""
        logits = self.mlp(p, b, x, True)  # type: ignore[misc]
        loss = self._loss_fn(logits, y)
        total = loss
        if self.l2:
            weights = [w for w in p.values() if w.dim() > 2]
            if weights:
                total = loss + 0.5 * self.l2 * sum(w.pow(2).flatten(1).sum(1) for w in weights)
        return total, (loss, (logits.argmax(dim=-1) == y).sum(1))

    def _mlp_eval(self, p: dict, b: dict, x: torch.Tensor, y: torch.Tensor) -> tuple:
        k = self.k
        logits = self.mlp(p, b, x.expand(k, *x.shape), False)  # type: ignore[misc]
        loss = self._loss_fn(logits, y.expand(k, *y.shape))
        return loss, (logits.argmax(dim=-1) == y).sum(1)

    def _upload(self, t: torch.Tensor) -> torch.Tensor:
        """Host -> device without blocking the host (pinned memory on CUDA)."""
        if self.device.type == "cuda":
            return t.pin_memory().to(self.device, non_blocking=True)
        return t.to(self.device)

    def _prepared(self, x: torch.Tensor) -> torch.Tensor:
        t = self.setup.transform
        out = t(x, seed=0, epoch=0, batch_index=0, train=False) if t is not None else x.float()
        return out.to(self.device, self.dtype)

    def _snapshot(self) -> dict[str, torch.Tensor]:
        return {
            "flat": self.flat.detach().clone(),
            **{k: v.detach().clone() for k, v in self.buffers.items()},
        }

    # -- training ------------------------------------------------------------------------
    def steps_in_epoch(self) -> list[tuple[int, int]]:
        """(lo, hi) of the epoch's batches; a size-1 tail is dropped for batch-norm models as
        the serial trainer does."""
        bs = self.setup.batch_size
        spans = [
            (b * bs, min(self.n_train, (b + 1) * bs)) for b in range(num_batches(self.n_train, bs))
        ]
        return [(lo, hi) for lo, hi in spans if not (self.has_bn and hi - lo == 1)]

    def _batch(self, orders: tuple, b: int, lo: int, hi: int, epoch: int) -> tuple:
        order, host_order = orders  # the epoch's permutations on the device and on the host
        idx = order[:, lo:hi]  # [S, B]
        if self.train_x is not None:
            xs = self.train_x[idx]
        else:
            host = host_order[:, lo:hi]
            t = self.setup.transform
            xs = torch.stack(
                [
                    t(self.setup.dataset.train.x[host[s]], seed=seed, epoch=epoch, batch_index=b)
                    for s, seed in enumerate(self.seeds)
                ]
            )
            xs = self._upload(xs.to(self.dtype))
        ys = self.train_y[idx]
        if self.same_order:
            return xs, ys
        return xs[self.seed_index], ys[self.seed_index]

    def train_epoch(self, epoch: int, step: int, lr: torch.Tensor) -> dict[str, torch.Tensor]:
        """Run one epoch from global step ``step`` with rates ``lr`` [steps, K]; returns its
        device-side numbers (per-step losses, sums, where trials diverged)."""
        spans = self.steps_in_epoch()
        host_order = torch.stack(
            [batch_order(self.n_train, seed=s, epoch=epoch) for s in self.seeds]
        )
        orders = (self._upload(host_order), host_order)
        lr = self._upload(lr.to(self.dtype))
        losses = torch.zeros(len(spans), self.k, dtype=self.dtype, device=self.device)
        loss_sum = torch.zeros(self.k, dtype=torch.float64, device=self.device)
        correct = torch.zeros(self.k, dtype=torch.long, device=self.device)
        where = torch.full((self.k,), -1, dtype=torch.long, device=self.device)
        grad_buf = torch.empty_like(self.flat)
        self.base.train()
        for j, (lo, hi) in enumerate(spans):
            xb, yb = self._batch(orders, j, lo, hi, epoch)
            leaves = [v.requires_grad_() for v in self.layout.views(self.flat.detach())]
            params = dict(zip(self.names, leaves, strict=True))
            buffers = self.buffers
            if self.noise is not None:
                buffers = {**buffers, **self.noise.draw(hi - lo)}
            total, (loss, hits) = self._train_fn(params, buffers, xb, yb)
            loss = loss.detach()
            if step + j == 0:
                self.initial = loss.double()
            value = loss.double()
            bad = ~torch.isfinite(value) | (value > self.factor * self.initial.clamp_min(1e-8))
            where = torch.where(bad & self.alive, step + j, where)
            self.alive = self.alive & ~bad
            # gradients of the [K, *shape] leaves, packed flat in one copy (a gradient through
            # the views would zero-fill and add a [K, P] tensor per parameter tensor)
            grad = self.layout.flatten_into(torch.autograd.grad(total.sum(), leaves), grad_buf)
            if self.clipping:
                grad = self._clipped(grad)
            self.update.step(self.flat, grad, lr[j], self.alive.to(self.dtype))
            losses[j] = loss
            loss_sum += value * (hi - lo)
            correct += hits
        return {
            "losses": losses,
            "loss_sum": loss_sum,
            "correct": correct,
            "diverged": where,
            "count": sum(hi - lo for lo, hi in spans),
            "steps": len(spans),
        }

    def probe_pass(self) -> None:
        """One forward/backward pass on the first batch of epoch 1 that changes nothing (no
        update, all-ones dropout masks): what :mod:`vec_threads` times."""
        lo, hi = self.steps_in_epoch()[0]
        host_order = torch.stack([batch_order(self.n_train, seed=s, epoch=1) for s in self.seeds])
        xb, yb = self._batch((self._upload(host_order), host_order), 0, lo, hi, 1)
        leaves = [v.requires_grad_() for v in self.layout.views(self.flat.detach())]
        buffers = {k: v.clone() for k, v in self.buffers.items()}  # batch-norm stats move
        if self.noise is not None:
            shapes = self.noise.shapes(hi - lo).items()
            buffers.update(
                {k: torch.ones(v.shape, dtype=v.dtype, device=self.device) for k, v in shapes}
            )
        self.base.train()
        total, _ = self._train_fn(dict(zip(self.names, leaves, strict=True)), buffers, xb, yb)
        torch.autograd.grad(total.sum(), leaves)

    def _clipped(self, grad: torch.Tensor) -> torch.Tensor:
        """``torch.nn.utils.clip_grad_norm_`` per trial (an unclipped trial has max norm inf):
        the norm of the per-tensor norms, scaled by ``min(1, max / (norm + 1e-6))``."""
        total = torch.linalg.vector_norm(self.layout.norms(grad), dim=1)
        coef = (self.clip / (total + 1e-6)).clamp(max=1.0)
        return grad.mul_(coef.unsqueeze(1))

    # -- evaluation and the best state ---------------------------------------------------
    @torch.no_grad()
    def evaluate(self, split_name: str, state: dict[str, torch.Tensor] | None = None) -> tuple:
        """Per-trial mean loss and accuracy on a split (eval mode), as two host lists."""
        split = getattr(self.setup.dataset, split_name)
        p = (
            self.params
            if state is None
            else dict(zip(self.names, self.layout.views(state["flat"]), strict=True))
        )
        b = self.buffers if state is None else {k: state[k] for k in self.buffers}
        if split_name not in self._eval_data:
            self._eval_data[split_name] = (self._prepared(split.x), split.y.to(self.device))
        x, y = self._eval_data[split_name]
        size = max(self.setup.batch_size, 256)
        total = torch.zeros(self.k, dtype=torch.float64, device=self.device)
        correct = torch.zeros(self.k, dtype=torch.long, device=self.device)
        self.base.eval()
        for lo in range(0, len(y), size):
            loss, hits = self._eval_fn(p, b, x[lo : lo + size], y[lo : lo + size])
            total += loss.double() * len(y[lo : lo + size])
            correct += hits
        count = max(len(y), 1)
        return (total / count).tolist(), (correct.double() / count).tolist()

    @torch.no_grad()
    def best_is_current(self) -> bool:
        """Whether the kept best weights and buffers are the current ones, bit for bit."""
        return same_state({"flat": self.flat, **self.buffers}, self.best)

    @torch.no_grad()
    def keep_best(self, improved: list[bool]) -> None:
        mask = torch.tensor(improved, device=self.device)
        for key, value in {"flat": self.flat, **self.buffers}.items():
            view = mask.view((-1,) + (1,) * (value.ndim - 1))
            self.best[key] = torch.where(view, value.detach(), self.best[key])

    def kill(self, trials: list[int]) -> None:
        """Mask ``trials`` from now on (the host found them diverged at validation)."""
        if trials:
            self.alive[torch.tensor(trials, device=self.device)] = False

    def trial_state(self, state: dict[str, torch.Tensor], j: int) -> dict[str, torch.Tensor]:
        """Trial ``j``'s model ``state_dict`` from a snapshot (names as the module's own)."""
        views = self.layout.views(state["flat"][j : j + 1])
        out = {k: v[0].detach().cpu().clone() for k, v in zip(self.names, views, strict=True)}
        out.update({k: state[k][j].detach().cpu().clone() for k in self.buffers})
        return out

    # -- checkpoints -----------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        return {
            "flat": self.flat.detach().cpu(),
            "buffers": {k: v.cpu() for k, v in self.buffers.items()},
            "best": {k: v.cpu() for k, v in self.best.items()},
            "optimizer": _to(self.update.state_dict(), torch.device("cpu")),
            "alive": self.alive.cpu(),
            "initial": self.initial.cpu(),
            "dropout": self.noise.state_dict() if self.noise is not None else None,
        }

    @torch.no_grad()
    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.flat.copy_(state["flat"])
        for k, v in state["buffers"].items():
            self.buffers[k].copy_(v)
        self.best = {k: v.to(self.device) for k, v in state["best"].items()}
        self.update.load_state_dict(state["optimizer"])
        self.alive = state["alive"].to(self.device)
        self.initial = state["initial"].to(self.device)
        if self.noise is not None:
            self.noise.load_state_dict(state["dropout"])


def _to(obj: Any, device: torch.device) -> Any:
    if isinstance(obj, torch.Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        return {k: _to(v, device) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to(v, device) for v in obj]
    return obj
