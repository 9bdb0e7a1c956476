"""``Task`` = dataset + model + loss + metric + default budget (and the data settings)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from optarena import metrics as metrics_lib
from optarena.data.types import Dataset, Split
from optarena.tasks import losses as losses_lib

AUTO = "auto"  # model chosen from the data's input shape when it is built
LOSSES = tuple(losses_lib.LOSSES)
AUGMENTATIONS = ("crop", "flip")


def auto_model(input_shape: tuple[int, ...]) -> str:
    """Default model for a shape: ``mlp`` for tabular data and tiny images (≤ 16×16),
    ``mnist-cnn`` for other grey images, ``cifar-cnn`` for colour images."""
    if len(input_shape) != 3 or input_shape[1] * input_shape[2] <= 16 * 16:
        return "mlp"
    return "mnist-cnn" if input_shape[0] == 1 else "cifar-cnn"


@dataclass(frozen=True)
class Task:
    """A named training problem with a default budget.

    ``normalize``/``augment`` are what the trainer passes to ``optarena.data.make_transform``;
    ``image_size``/``grayscale`` go to ``optarena.data.load``. An empty ``dataset`` marks a
    template (``imagefolder``) that :func:`optarena.tasks.from_data` fills with a path. ``l2`` is
    the benchmark's own L2 penalty on weights (DeepOBS 3c3d: 0.002), added by :meth:`penalty`,
    separate from any optimizer weight decay. ``model="auto"`` picks the model from the data
    (:func:`auto_model`).
    """

    name: str
    dataset: str
    model: str
    model_kwargs: dict[str, Any] = field(default_factory=dict)
    loss: str = "cross_entropy"
    metric: str = "accuracy"
    epochs: int = 10
    batch_size: int = 128
    normalize: bool = True
    augment: tuple[str, ...] = ()
    image_size: int | tuple[int, int] | None = None
    grayscale: bool | None = None
    description: str = ""
    l2: float = 0.0
    eval_subset: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "augment", tuple(self.augment))
        object.__setattr__(self, "model_kwargs", dict(self.model_kwargs))
        problems = []
        if not self.name:
            problems.append("a task needs a name")
        custom = getattr(self, "custom", False)  # a UserTask checks its own loss and metric
        if self.loss not in LOSSES and not custom:
            problems.append(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.metric not in metrics_lib.METRICS and not custom:
            problems.append(f"metric must be one of {tuple(metrics_lib.METRICS)}, "
                            f"got {self.metric!r}")  # fmt: skip
        if not (isinstance(self.epochs, int) and self.epochs >= 1):
            problems.append(f"epochs must be an int >= 1, got {self.epochs!r}")
        if not (isinstance(self.batch_size, int) and self.batch_size >= 1):
            problems.append(f"batch_size must be an int >= 1, got {self.batch_size!r}")
        if bad := [a for a in self.augment if a not in AUGMENTATIONS]:
            problems.append(f"augment must be drawn from {AUGMENTATIONS}, got {bad}")
        if self.eval_subset is not None and not (
            isinstance(self.eval_subset, int) and self.eval_subset >= 1
        ):
            problems.append(f"eval_subset must be an int >= 1, got {self.eval_subset!r}")
        if not (math.isfinite(self.l2) and self.l2 >= 0):
            problems.append(f"l2 must be >= 0, got {self.l2}")
        if problems:
            raise ValueError(f"task {self.name!r}: " + "; ".join(problems))

    def replace(self, **changes: Any) -> Task:
        """A copy with ``changes`` (unknown fields are a clear ``ValueError``)."""
        unknown = set(changes) - {f.name for f in dataclasses.fields(self)}
        if unknown:
            raise ValueError(f"task {self.name!r} has no field(s) {sorted(unknown)}")
        return dataclasses.replace(self, **changes)

    @property
    def uses_backbone(self) -> bool:
        return self.model == "frozen-backbone"

    def load_data(
        self,
        *,
        data_dir: str | None = None,
        download: bool = False,
        subset: int | None = None,
        seed: int = 0,
    ) -> Dataset:
        """Load the dataset with this task's settings.

        ``subset`` caps the training examples (seeded by ``seed``, stratified); validation and
        test stay whole unless the task's ``eval_subset`` caps them (always the same examples),
        and the train/val/test carve itself is fixed (``split_seed=0``), so every trial of a
        study evaluates on the same examples. For a ``frozen-backbone`` task
        the splits are replaced by the backbone's cached features (float32 N×D) and
        :meth:`build_model` builds the head.
        """
        from optarena import data

        if not self.dataset:
            raise ValueError(
                f"task {self.name!r} needs data: use tasks.from_data(PATH) (CLI: --data PATH)"
            )
        dataset = data.load(
            self.dataset,
            data_dir=data_dir,
            download=download,
            image_size=self.image_size,
            grayscale=self.grayscale,
        )
        if subset is not None:
            if subset < 1:
                raise ValueError(f"subset must be >= 1, got {subset}")
            dataset = dataclasses.replace(dataset, train=data.subset(dataset.train, subset, seed))
        dataset = self.cap_evaluation(dataset)
        if self.uses_backbone:
            dataset = self.backbone_features(dataset)
        return dataset

    def cap_evaluation(self, dataset: Dataset) -> Dataset:
        """``dataset`` with validation and test cut to ``eval_subset`` examples (the same ones
        for every trial and seed), or unchanged."""
        from optarena import data

        n = self.eval_subset
        if n is None:
            return dataset
        return dataclasses.replace(
            dataset, val=data.subset(dataset.val, n, 0), test=data.subset(dataset.test, n, 0)
        )

    def backbone_features(self, dataset: Dataset) -> Dataset:
        """Replace every split by frozen-backbone features (computed once, cached)."""
        from optarena.models.backbone import extract_features, load_backbone

        kwargs = self.model_kwargs
        backbone = load_backbone(
            kwargs.get("weights") or "",
            arch=kwargs.get("arch"),
            input_shape=dataset.input_shape,
            mean=kwargs.get("mean"),
            std=kwargs.get("std"),
            **(kwargs.get("backbone_kwargs") or {}),
        )
        parts = {
            name: extract_features(backbone, getattr(dataset, name), self.batch_size)
            for name in ("train", "val", "test")
        }
        info = {**dataset.info, "features": backbone.fingerprint}
        return dataclasses.replace(dataset, info=info, **parts)

    def build_model(self, dataset: Dataset) -> nn.Module:
        """The model for ``dataset``'s input shape and class count (seed torch first)."""
        from optarena import models

        if self.uses_backbone and "features" in dataset.info:
            from optarena.models.backbone import head

            keys = ("head", "hidden", "dropout")
            head_kwargs = {k: v for k, v in self.model_kwargs.items() if k in keys}
            return head(dataset.input_shape[0], dataset.num_classes, **head_kwargs)
        name = auto_model(dataset.input_shape) if self.model == AUTO else self.model
        return models.create(name, dataset.input_shape, dataset.num_classes, **self.model_kwargs)

    def loss_fn(self, logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The batch's mean loss (:mod:`optarena.tasks.losses`; cross-entropy of ``logits``
        N×K, or N×T×K for sequences, against integer labels ``y`` by default)."""
        return losses_lib.LOSSES[self.loss](logits, y)

    @property
    def scored_by(self) -> metrics_lib.Metric:
        """The task's metric (:mod:`optarena.metrics`): name, record key and direction."""
        return metrics_lib.get(self.metric)

    def metric_sum(self, logits: torch.Tensor, y: torch.Tensor) -> float:
        """The batch's metric summed over its examples (the trainer divides by the count and
        applies the metric's ``finish``): accuracy/top-5 count rows whose arg-max/top 5 hold
        the label (sequences: the fraction of positions); ``loss``/``bpc``/``perplexity`` add
        each example's mean loss (nats; bits for bpc); ``mse``/``mae`` each example's mean
        squared/absolute error; a user metric's ``fn`` gives the batch mean."""
        metric = self.scored_by
        n = len(y)
        per_row = y[0].numel() if y.dim() > 1 and metric.key in ("acc", "top5") else 1
        if metric.fn is not None:
            return float(metric.fn(logits, y)) * n
        if metric.key == "acc":
            return float((logits.argmax(dim=-1) == y).sum()) / per_row
        if metric.key == "top5":
            top = logits.topk(min(5, logits.shape[-1]), dim=-1).indices
            return float((top == y.unsqueeze(-1)).any(dim=-1).sum()) / per_row
        if metric.key in ("mse", "mae"):
            return float(losses_lib.per_example(logits, y, 2 if metric.key == "mse" else 1).sum())
        loss = float(self.loss_fn(logits, y)) * n
        return loss / math.log(2) if metric.key == "bpc" else loss

    def metric_value(self, total: float, count: int) -> float:
        """The reported metric from a sum over ``count`` examples (mean, then ``finish``)."""
        mean = total / max(count, 1)
        finish = self.scored_by.finish
        return finish(mean) if finish is not None else mean

    def metric_fn(self, logits: torch.Tensor, y: torch.Tensor) -> float:
        """The batch's metric (accuracy: the fraction of rows whose arg-max is the label)."""
        if len(y) == 0:
            raise ValueError(f"{self.metric} of an empty batch is undefined")
        return self.metric_value(self.metric_sum(logits, y), len(y))

    def make_transform(self, train: Split) -> Any:
        """The batch transform the trainer applies (normalisation, augmentation)."""
        from optarena import data

        return data.make_transform(train, normalize=self.normalize, augment=tuple(self.augment))

    def penalty(self, model: nn.Module) -> torch.Tensor:
        """``l2/2 · Σ‖W‖²`` over weight matrices and kernels (not biases, not norm scales)."""
        weights = [p for p in model.parameters() if p.requires_grad and p.dim() > 1]
        if not self.l2 or not weights:
            return torch.zeros(())
        return 0.5 * self.l2 * sum(w.pow(2).sum() for w in weights)

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "dataset": self.dataset,
            "model": self.model,
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "augment": ",".join(self.augment) or "-",
            "description": self.description,
        }
