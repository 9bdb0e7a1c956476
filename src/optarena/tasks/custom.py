"""A user's own problem as a task: a model builder, any data, a loss and a metric with its
direction (the task protocol of DESIGN wave 2; benchopt's Objective/Dataset and AlgoPerf's
workload API show the shape). Registered tasks (:class:`~optarena.tasks.task.Task`) and these
are one kind: the trainer, executors, store and reports treat them alike.

Fairness: the trainer seeds torch with the trial's seed right before :meth:`UserTask.make_model`
(which also gets the seed), and batches come from ``optarena.data.batch_order(seed, epoch)``,
so the initial weights and the data order depend on the seed only, never on the optimizer.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from optarena import metrics as metrics_lib
from optarena.data.types import Dataset, Split
from optarena.tasks import losses as losses_lib
from optarena.tasks.task import Task
from optarena.tasks.userdata import to_dataset

_TOKENS = itertools.count(1)


def _token() -> int:
    return next(_TOKENS)


@dataclass(frozen=True)
class UserTask(Task):
    """A task from Python objects. Give ``model`` (a function of the seed or of nothing, or an
    ``nn.Module`` whose parameters are re-initialised per seed) and ``data`` (see
    :mod:`optarena.tasks.userdata`); ``loss`` is a name (:mod:`optarena.tasks.losses`) or a
    function ``(output, target) -> scalar``, by default cross-entropy for integer targets and
    MSE for floating ones; ``metric`` a name (:mod:`optarena.metrics`) or a :class:`Metric`
    (with ``fn``), by default accuracy for integer targets and MSE otherwise. Or subclass and
    override :meth:`make_model`, :meth:`make_data` and :meth:`loss_fn`.

    The task's ``name`` is its identity in the store: rename it when its model or data change.
    """

    dataset: str = "user data"
    model: str = "user model"
    normalize: bool = False
    loss: Any = "auto"
    metric: Any = "auto"
    factory: Any = field(default=None, repr=False, compare=False)
    data: Any = field(default=None, repr=False, compare=False)
    val_fraction: float = 0.2
    test_fraction: float = 0.2
    token: int = field(default_factory=_token)  # tells two same-named tasks apart in caches

    custom = True  # the trainer's marker for code it cannot assume anything about

    def __post_init__(self) -> None:
        if isinstance(self.factory, nn.Module) or callable(self.factory):
            pass
        elif self.factory is not None or type(self).make_model is UserTask.make_model:
            raise ValueError(f"task {self.name!r}: model must be a function or an nn.Module")
        if isinstance(self.metric, metrics_lib.Metric):
            object.__setattr__(self, "metric", metrics_lib.register(self.metric).name)
        for key in ("val_fraction", "test_fraction"):
            if not 0 < getattr(self, key) < 1:
                raise ValueError(f"task {self.name!r}: {key} must lie in (0, 1)")
        if not callable(self.loss) and self.loss not in (*losses_lib.LOSSES, "auto"):
            raise ValueError(f"task {self.name!r}: loss must be a function or one of "
                             f"{tuple(losses_lib.LOSSES)}, got {self.loss!r}")  # fmt: skip
        if self.metric != "auto":
            metrics_lib.get(self.metric)  # unknown names: "did you mean"
        super().__post_init__()

    def replace(self, **changes: Any) -> UserTask:
        """A copy with ``changes`` (works for subclasses with their own ``__init__`` too)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"task {self.name!r} has no field(s) {sorted(unknown)}")
        new = copy.copy(self)
        for key, value in changes.items():
            object.__setattr__(new, key, value)
        new.__post_init__()
        return new

    # --- what a user overrides ------------------------------------------------------------

    def make_model(self, seed: int) -> nn.Module:
        """The model for ``seed`` (torch is already seeded with it)."""
        if isinstance(self.factory, nn.Module):
            model = copy.deepcopy(self.factory)
            for module in model.modules():
                reset = getattr(module, "reset_parameters", None)
                if callable(reset):
                    reset()
            return model
        try:
            takes_seed = len(inspect.signature(self.factory).parameters) >= 1
        except (TypeError, ValueError):
            takes_seed = False
        model = self.factory(seed) if takes_seed else self.factory()
        if not isinstance(model, nn.Module):
            raise ValueError(f"task {self.name!r}: model() returned {type(model).__name__}, "
                             "not an nn.Module")  # fmt: skip
        return model

    def make_data(self) -> Any:
        """The data in any accepted shape (default: the ``data`` given)."""
        if self.data is None:
            raise ValueError(f"task {self.name!r} has no data")
        return self.data

    def loss_fn(self, output: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        if callable(self.loss):
            return self.loss(output, y)
        return losses_lib.LOSSES[self._resolved(self.loss, y, "cross_entropy", "mse")](output, y)

    # --- the protocol the trainer uses -----------------------------------------------------

    @staticmethod
    def _resolved(value: str, y: torch.Tensor, labels: str, targets: str) -> str:
        if value != "auto":
            return value
        return targets if y.dtype.is_floating_point else labels

    @property
    def scored_by(self) -> metrics_lib.Metric:
        if self.metric == "auto":
            kind = getattr(self, "_target_kind", None)
            return metrics_lib.get("mse" if kind == "float" else "accuracy")
        return metrics_lib.get(self.metric)

    def load_data(
        self,
        *,
        data_dir: str | None = None,
        download: bool = False,
        subset: int | None = None,
        seed: int = 0,
    ) -> Dataset:
        """The user's data as train/val/test tensors (read once per call; the trainer caches
        it); ``subset`` keeps that many training examples, chosen by ``seed``."""
        g = torch.Generator().manual_seed(0)
        with torch.random.fork_rng():  # a Dataset reading with randomness: the same every time
            torch.manual_seed(0)
            dataset = to_dataset(self.name, self.make_data(), val_fraction=self.val_fraction,
                                 test_fraction=self.test_fraction)  # fmt: skip
        kind = "float" if dataset.train.y.dtype.is_floating_point else "int"
        object.__setattr__(self, "_target_kind", kind)
        if subset is not None and subset < len(dataset.train):
            if subset < 1:
                raise ValueError(f"subset must be >= 1, got {subset}")
            g.manual_seed(seed)
            keep = torch.randperm(len(dataset.train), generator=g)[:subset].sort().values
            train = Split(dataset.train.x[keep], dataset.train.y[keep])
            dataset = Dataset(dataset.name, train, dataset.val, dataset.test, dataset.classes,
                              dataset.info)  # fmt: skip
        return self.cap_evaluation(dataset)

    def cap_evaluation(self, dataset: Dataset) -> Dataset:
        """Validation and test cut to ``eval_subset`` examples (a fixed seed-0 choice, not
        stratified: targets may be real numbers), or unchanged."""
        n = self.eval_subset
        if n is None:
            return dataset

        def cap(split: Split) -> Split:
            if n >= len(split):
                return split
            g = torch.Generator().manual_seed(0)
            keep = torch.randperm(len(split), generator=g)[:n].sort().values
            return Split(split.x[keep], split.y[keep])

        return Dataset(dataset.name, dataset.train, cap(dataset.val), cap(dataset.test),
                       dataset.classes, dataset.info)  # fmt: skip

    def make_transform(self, train: Split) -> Any:
        """No transform unless ``normalize=True`` (then the standard one)."""
        return super().make_transform(train) if self.normalize else None

    def build_model(self, dataset: Dataset) -> nn.Module:
        """:meth:`make_model` for the seed torch was just seeded with (also seeds ``random``
        and NumPy, for builders that draw from them)."""
        seed = int(torch.initial_seed()) % 2**32
        random.seed(seed)
        try:
            import numpy as np

            np.random.seed(seed)
        except ImportError:  # pragma: no cover - numpy comes with torch
            pass
        return self.make_model(seed)

    def metric_sum(self, output: torch.Tensor, y: torch.Tensor) -> float:
        if getattr(self, "_target_kind", None) is None:
            kind = "float" if y.dtype.is_floating_point else "int"
            object.__setattr__(self, "_target_kind", kind)
        return super().metric_sum(output, y)

    def summary(self) -> dict[str, Any]:
        return {**super().summary(), "dataset": "user data", "model": "user model"}


def task(
    name: str,
    model: Callable[..., nn.Module] | nn.Module,
    data: Any,
    *,
    loss: str | Callable[[torch.Tensor, torch.Tensor], torch.Tensor] = "auto",
    metric: str | metrics_lib.Metric = "auto",
    epochs: int = 10,
    batch_size: int = 64,
    **fields: Any,
) -> UserTask:
    """A :class:`UserTask` in one call: ``task("diabetes", make_model, (X, y), loss="mse")``."""
    return UserTask(name=name, factory=model, data=data, loss=loss, metric=metric,
                    epochs=epochs, batch_size=batch_size, **fields)  # fmt: skip
