"""The range test on a named task: the task's data, model and loss, an optimizer by name."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import torch

from optarena.lrfind.core import LRFindResult, lr_range_test


def lr_find_task(
    task_name: str,
    optimizer_name: str,
    *,
    opt: Mapping[str, Any] | None = None,
    data_dir: str | None = None,
    download: bool = False,
    subset: int | None = None,
    seed: int = 0,
    batch_size: int | None = None,
    start: float = 1e-7,
    end: float = 10.0,
    steps: int = 100,
    **test_kwargs: Any,
) -> LRFindResult:
    """Run :func:`lr_range_test` on task ``task_name`` with optimizer ``optimizer_name``.

    The model is built after ``torch.manual_seed(seed)`` (as the trainer does for that seed) and
    batches come from ``optarena.data.batches`` with the task's transform, shuffled by ``seed``.
    ``opt`` holds the optimizer's hyper-parameters other than ``lr``, which the test sets itself.
    Names and values are checked before any data is read.
    """
    from optarena import data, optim, tasks

    opt = dict(opt or {})
    if "lr" in opt:
        raise ValueError("lr is set by the range test; use --start/--end instead of --opt lr=...")
    optim.create(optimizer_name, [torch.zeros(1, requires_grad=True)], lr=start, **opt)
    task = tasks.get(task_name)
    batch_size = batch_size or task.batch_size
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    dataset = task.load_data(data_dir=data_dir, download=download, subset=subset, seed=seed)
    transform = data.make_transform(
        dataset.train, normalize=task.normalize, augment=tuple(task.augment)
    )
    rng = torch.get_rng_state()
    torch.manual_seed(seed)
    model = task.build_model(dataset)
    torch.set_rng_state(rng)

    def batch_iter(epoch: int):
        return data.batches(
            dataset.train, batch_size, seed=seed, epoch=epoch, transform=transform, train=True
        )

    def loss_fn(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return task.loss_fn(logits, y) + task.penalty(model)  # what training optimizes

    return lr_range_test(
        model,
        loss_fn,
        batch_iter,
        lambda params: optim.create(optimizer_name, params, lr=start, **opt),
        start=start,
        end=end,
        steps=steps,
        **test_kwargs,
    )
