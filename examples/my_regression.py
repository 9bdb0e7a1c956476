"""A regression problem on scikit-learn's diabetes data (442 patients, 10 features, disease
progression after a year), scored by mean squared error: lower is better.

    optarena compare --task my_regression:make_task --optimizers sgd,adam --seeds 3
    optarena.compare(make_task(), optimizers=["sgd", "adam"])       # from Python
"""

from __future__ import annotations

import torch
from sklearn.datasets import load_diabetes
from torch import nn

import optarena


def load() -> tuple[torch.Tensor, torch.Tensor]:
    """Standardised features and target (float32)."""
    X, y = load_diabetes(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    y = (y - y.mean()) / y.std()
    return torch.tensor(X, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def model(seed: int) -> nn.Module:
    """A small MLP; torch is already seeded with ``seed`` (so every optimizer starts alike)."""
    return nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 1))


def make_task(epochs: int = 20) -> optarena.UserTask:
    """The task: model + data (20% validation, 20% test carved once) + MSE."""
    return optarena.task("diabetes-mlp", model, load, loss="mse", metric="mse",
                         epochs=epochs, batch_size=32)  # fmt: skip
