"""Many trials of one architecture in one process: one vmapped forward/backward per step.

Each trial keeps its own parameter tensors and its own optimizer. Per step the trials'
parameters are stacked, per-trial losses and gradients come from
``vmap(grad_and_value(loss))`` over (parameters, batch) with ``torch.func.functional_call``
(https://pytorch.org/docs/stable/func.html), the gradients are written back to each trial's
``.grad`` and every optimizer steps on its own. Trials with different seeds get their own
batches (their own data order), stacked along the vmap dimension. The numbers equal those of
running the trials one by one, to float tolerance (``tests/study/test_vectorized.py``).

Grouped: trials with the same task/data/model, batch size, epochs, subset and device whose
model has no buffers (no batch-norm), whose task adds no penalty, with no gradient clipping,
no metric-driven schedule and an optimizer without closure or train/eval switch. Others run
serially. A group keeps no checkpoints: a killed group restarts from its first epoch.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Iterator
from typing import Any

import torch
from torch.func import functional_call, grad_and_value, vmap

from optarena.data import batches
from optarena.study.executors.base import Executor, Job, Outcome, TrialEventFn, run_job
from optarena.train.device import resolve_device
from optarena.train.materials import build_materials
from optarena.train.records import epoch_record, epoch_rows, trial_summary


def group_key(job: Job) -> tuple[Any, ...]:
    c = job.config
    return (c.task, c.data, c.model, c.epochs, c.batch_size, c.subset, c.device, c.data_dir)


def _groupable(m: Any, job: Job) -> bool:
    c = job.config
    penalty = getattr(m.task, "l2", 0.0)
    return (
        not list(m.model.buffers())
        and not penalty
        and c.clip_grad is None
        and not getattr(m.schedule, "metric_driven", False)
        and not callable(getattr(m.optimizer, "train", None))
    )


class VectorizedExecutor(Executor):
    """Groups compatible trials and trains each group with ``vmap``; the rest run serially."""

    name = "vectorized"

    def run(self, jobs: Iterable[Job], on_event: TrialEventFn | None = None) -> Iterator[Outcome]:
        groups: dict[tuple[Any, ...], list[Job]] = {}
        for job in jobs:
            groups.setdefault(group_key(job), []).append(job)
        for group in groups.values():
            yield from _run_group(group, on_event)


def _run_group(jobs: list[Job], on_event: TrialEventFn | None) -> Iterator[Outcome]:
    from optarena.store import open_store

    device = resolve_device(jobs[0].config.device)
    mats = [build_materials(job.config, device) for job in jobs]
    keep = [i for i, (m, job) in enumerate(zip(mats, jobs, strict=True)) if _groupable(m, job)]
    for i in range(len(jobs)):
        if i not in keep:
            yield run_job(jobs[i], on_event)
    if not keep:
        return
    group = [jobs[i] for i in keep]
    results = train_group([mats[i] for i in keep], [j.config for j in group], device)
    with open_store(group[0].store_path) as store:
        for job, (state, summary, rows) in zip(group, results, strict=True):
            store.truncate_metrics(job.trial_id, 0)
            store.log_metrics(job.trial_id, rows)
            store.finish(job.trial_id, state, summary, owner=job.owner)
            if on_event is not None:
                on_event(job.trial_id, "end", {"state": state, **summary})
            yield Outcome(job.trial_id, state, summary)


def train_group(mats: list[Any], configs: list[Any], device: torch.device) -> list[tuple]:
    """Train the trials together; returns ``(state, summary, metric rows)`` per trial."""
    base = mats[0].model
    names = [n for n, _ in base.named_parameters()]
    loss_fn = mats[0].task.loss_fn

    def loss_of(params: dict[str, torch.Tensor], xb: torch.Tensor, yb: torch.Tensor):
        logits = functional_call(base, params, (xb,))
        return loss_fn(logits, yb), logits

    step_fn = vmap(grad_and_value(loss_of, has_aux=True))
    epochs, batch_size = mats[0].epochs, mats[0].batch_size
    n = len(mats)
    alive = list(range(n))
    steps, rows = [0] * n, [[] for _ in range(n)]
    initial: list[float | None] = [None] * n
    best = [(-1.0, 0, None)] * n  # (val acc, epoch, model state)
    history: list[list[dict[str, Any]]] = [[] for _ in range(n)]
    diverged: list[dict[str, int] | None] = [None] * n
    wall = 0.0
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        iters = [
            iter(
                batches(
                    m.dataset.train, batch_size, seed=c.seed, epoch=epoch, transform=m.transform
                )
            )
            for m, c in zip(mats, configs, strict=True)
        ]
        sums = [[0.0, 0, 0] for _ in range(n)]
        lrs = [0.0] * n
        while alive:
            items = [next(iters[i], None) for i in alive]
            if items[0] is None:
                break
            for i in alive:
                mats[i].model.train()
                lrs[i] = _set_lr(mats[i], configs[i], steps[i], epoch - 1)
            params = {
                k: torch.stack([dict(mats[i].model.named_parameters())[k].detach() for i in alive])
                for k in names
            }
            xb = torch.stack([x.to(device) for x, _ in items])
            yb = torch.stack([y.to(device) for _, y in items])
            grads, (losses, logits) = step_fn(params, xb, yb)
            for j, i in enumerate(list(alive)):
                value = float(losses[j])
                initial[i] = value if initial[i] is None else initial[i]
                if not math.isfinite(value) or value > configs[i].divergence_factor * max(
                    initial[i], 1e-8
                ):
                    diverged[i] = {"epoch": epoch, "step": steps[i]}
                    alive.remove(i)
                    continue
                model_params = dict(mats[i].model.named_parameters())
                for k in names:
                    model_params[k].grad = grads[k][j].clone()
                mats[i].optimizer.step()
                mats[i].optimizer.zero_grad(set_to_none=True)
                rows[i] += [
                    (steps[i], epoch, "train", "loss", value),
                    (steps[i], epoch, "train", "lr", lrs[i]),
                ]
                steps[i] += 1
                size = len(yb[j])
                sums[i][0] += value * size
                sums[i][1] += int((logits[j].argmax(dim=1) == yb[j]).sum())
                sums[i][2] += size
        wall += time.perf_counter() - started
        for i in list(alive):
            m = mats[i]
            val_loss, val_acc = m.evaluate("val", device)
            if not math.isfinite(val_loss):
                diverged[i] = {"epoch": epoch, "step": steps[i]}
                alive.remove(i)
                continue
            record = epoch_record(epoch, tuple(sums[i]), (val_loss, val_acc), wall, lrs[i])
            history[i].append(record)
            rows[i] += epoch_rows(record)
            if val_acc > best[i][0]:
                state = {k: v.detach().clone() for k, v in m.model.state_dict().items()}
                best[i] = (val_acc, epoch, state)
    return [
        _summary(mats[i], history[i], best[i], diverged[i], steps[i], rows[i], device)
        for i in range(n)
    ]


def _set_lr(m: Any, config: Any, step: int, epoch: int) -> float:
    if m.schedule is None:
        return config.lr
    lr = float(m.schedule(step if config.schedule_unit == "step" else epoch))
    for group in m.optimizer.param_groups:
        group["lr"] = lr
    return lr


def _summary(
    m: Any, history: list, best: tuple, diverged: Any, steps: int, rows: list, device: torch.device
) -> tuple:
    def test() -> float | None:
        loss, acc = m.evaluate("test", device)
        return acc if math.isfinite(loss) else None

    final_test = test() if diverged is None else None
    test_acc = None
    if best[2] is not None:
        m.model.load_state_dict(best[2])
        test_acc = test()
    state, summary = trial_summary(
        history,
        best=(best[0], best[1]),
        test_acc=test_acc,
        final_test_acc=final_test,
        steps=steps,
        wall_s=history[-1]["wall_s"] if history else 0.0,
        checkpoint=None,
        diverged_at=diverged,
    )
    return state, summary, rows
