"""User tasks (issue 17): the task protocol, any data shape, named and user metrics with their
direction, and fairness (initial weights and batch order depend on the seed only)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch import nn

from optarena import metrics, tasks
from optarena.tasks.userdata import to_dataset
from optarena.train import TrialConfig, run_trial
from optarena.train.materials import build_materials


@pytest.fixture(autouse=True)
def _forget():
    yield
    tasks.forget_session()


def _xy(n: int = 60, classes: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(3)
    x = torch.randn(n, 4, generator=g)
    y = (x.sum(1) > 0).long() if classes else x @ torch.tensor([1.0, -2.0, 0.5, 0.0])
    return x, y


class Seen(nn.Module):
    """A linear model that records every training input it sees."""

    log: list[torch.Tensor] = []

    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.training:
            Seen.log.append(x.clone())
        return self.lin(x)


def test_classifier_needs_only_model_and_data():
    task = tasks.task("cls", lambda: nn.Linear(4, 2), _xy(classes=2))
    data = task.load_data()
    assert task.scored_by.name == "accuracy" and data.num_classes == 2
    out = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    assert task.loss_fn(out, torch.tensor([0, 0])).item() == pytest.approx(
        nn.functional.cross_entropy(out, torch.tensor([0, 0])).item()
    )
    assert task.metric_fn(out, torch.tensor([0, 0])) == 0.5


def test_regression_defaults_to_mse_lower_is_better():
    task = tasks.task("reg", lambda: nn.Linear(4, 1), _xy())
    data = task.load_data()
    assert data.train.y.dtype == torch.float32 and data.classes == []
    assert task.scored_by.key == "mse" and not task.scored_by.higher_is_better
    out, y = torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 1.0])  # N×1 against N
    assert task.loss_fn(out, y).item() == pytest.approx(2.5)
    assert task.metric_fn(out, y) == pytest.approx(2.5)


@pytest.mark.parametrize(
    "shape",
    ["pair", "numpy", "dataset", "function", "mapping", "triple"],
)
def test_data_shapes_give_the_same_fixed_splits(shape):
    x, y = _xy(50, classes=2)

    class DS(torch.utils.data.Dataset):
        def __len__(self):
            return len(y)

        def __getitem__(self, i):
            return x[i], int(y[i])

    sources = {
        "pair": (x, y),
        "numpy": (x.numpy(), y.numpy()),
        "dataset": DS(),
        "function": DS,
        "mapping": {"train": (x[:30], y[:30]), "val": (x[30:40], y[30:40]),
                    "test": (x[40:], y[40:])},
        "triple": ((x[:30], y[:30]), DS(), (x[40:], y[40:])),
    }  # fmt: skip
    data = to_dataset("d", sources[shape], val_fraction=0.2, test_fraction=0.2)
    assert data.train.x.dtype == torch.float32 and data.train.y.dtype == torch.int64
    if shape in ("pair", "numpy", "dataset", "function"):
        assert (len(data.train), len(data.val), len(data.test)) == (30, 10, 10)
        again = to_dataset("d", (x, y), val_fraction=0.2, test_fraction=0.2)
        assert torch.equal(data.test.x, again.test.x)  # one fixed carve, whatever the shape
    elif shape == "mapping":
        assert torch.equal(data.val.x, x[30:40])
    else:
        assert len(data.val) == 50


def test_eval_subset_caps_validation_and_test_of_a_regression():
    task = tasks.task("cap", lambda: nn.Linear(4, 1), _xy(100), eval_subset=7)
    data = task.load_data(subset=10)
    assert (len(data.train), len(data.val), len(data.test)) == (10, 7, 7)
    assert torch.equal(data.val.x, task.load_data().val.x)  # the same examples every time


def test_bad_inputs_are_value_errors():
    with pytest.raises(ValueError, match="did you mean 'mse'"):
        tasks.task("t", lambda: nn.Linear(4, 1), _xy(), metric="mses")
    with pytest.raises(ValueError, match="loss must be"):
        tasks.task("t", lambda: nn.Linear(4, 1), _xy(), loss="l2")
    with pytest.raises(ValueError, match="map-style Dataset"):
        to_dataset("d", {"train": 3})
    bad = tasks.task("t", lambda: "not a model", _xy())
    with pytest.raises(ValueError, match="not an nn.Module"):
        bad.make_model(0)


def test_builtin_metrics_values():
    task = tasks.Task(name="t", dataset="digits", model="mlp", metric="top5")
    logits = torch.arange(12.0).repeat(2, 1)  # top 5 = classes 7..11
    assert task.metric_fn(logits, torch.tensor([11, 3])) == 0.5
    ppl = tasks.Task(name="t", dataset="digits", model="mlp", metric="perplexity")
    uniform = torch.zeros(4, 10)
    assert ppl.metric_fn(uniform, torch.tensor([0, 1, 2, 3])) == pytest.approx(10.0)
    mae = tasks.task("m", lambda: nn.Linear(1, 1), _xy(), metric="mae")
    assert mae.metric_fn(torch.tensor([1.0, -1.0]), torch.tensor([0.0, 0.0])) == 1.0
    assert not metrics.higher_is_better("ppl") and metrics.higher_is_better("top5")


def test_user_metric_with_direction_reaches_the_summary(tmp_path):
    def r2(out: torch.Tensor, y: torch.Tensor) -> float:
        out = out.reshape(y.shape)
        return float(1 - ((out - y) ** 2).sum() / ((y - y.mean()) ** 2).sum())

    metric = metrics.Metric("r2-score", "r2", True, "R²", fn=r2)
    task = tasks.task("r2task", lambda: nn.Linear(4, 1), _xy(), metric=metric, epochs=2)
    tasks.register(task, session=True)
    result = run_trial(TrialConfig(task="r2task", optimizer="adam", lr=0.05), out_dir=tmp_path)
    s = result.summary
    assert s["metric"] == "r2" and s["higher_is_better"] is True and s["metric_label"] == "R²"
    assert math.isfinite(s["test_r2"]) and s["best_val_r2"] == max(
        e["val_r2"] for e in result.epochs
    )
    rebuilt = metrics.of_summary({"metric": "q9", "higher_is_better": False, "metric_label": "Q"})
    assert rebuilt.label == "Q" and rebuilt.better(1.0, 2.0)
    with pytest.raises(ValueError, match="built-in"):
        metrics.register(metrics.Metric("mse", "mse", True))


def test_same_seed_same_initial_weights_and_batch_order_across_optimizers(tmp_path):
    task = tasks.task("fair", Seen, _xy(40, classes=2), epochs=1, batch_size=8)
    tasks.register(task, session=True)
    states, orders = {}, {}
    for optimizer in ("sgd", "adam"):
        for seed in (0, 1):
            config = TrialConfig(task="fair", optimizer=optimizer, lr=0.1, seed=seed)
            m = build_materials(config, torch.device("cpu"))
            states[optimizer, seed] = {k: v.clone() for k, v in m.model.state_dict().items()}
            Seen.log = []
            run_trial(config, out_dir=tmp_path / f"{optimizer}{seed}")
            orders[optimizer, seed] = torch.cat(Seen.log)
    for seed in (0, 1):
        a, b = states["sgd", seed], states["adam", seed]
        assert all(torch.equal(a[k], b[k]) for k in a)
        assert torch.equal(orders["sgd", seed], orders["adam", seed])
    assert not torch.equal(states["sgd", 0]["lin.weight"], states["sgd", 1]["lin.weight"])
    assert not torch.equal(orders["sgd", 0], orders["sgd", 1])


def test_module_as_model_is_reinitialised_per_seed():
    task = tasks.task("mod", nn.Linear(4, 2), _xy(classes=2))
    torch.manual_seed(5)
    first = task.build_model(task.load_data()).weight.clone()
    torch.manual_seed(5)
    again = task.build_model(task.load_data()).weight
    torch.manual_seed(6)
    other = task.build_model(task.load_data()).weight
    assert torch.equal(first, again) and not torch.equal(first, other)


def test_module_callable_names_a_task_and_sessions_ship(monkeypatch, tmp_path):
    (tmp_path / "mytaskmod.py").write_text(
        "import torch\nfrom optarena import tasks\n"
        "def make_task():\n"
        "    x = torch.randn(30, 3)\n"
        "    return tasks.task('mine', lambda: torch.nn.Linear(3, 2), (x, (x[:, 0] > 0).long()))\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    task = tasks.get("mytaskmod:make_task")
    assert isinstance(task, tasks.UserTask) and task.name == "mine"
    assert tasks.get("mytaskmod:make_task") is task  # loaded once
    assert "mytaskmod:make_task" not in tasks.names()
    assert tasks.shipment("mine") is None  # not a session task: workers import it themselves
    tasks.register(task, session=True)
    clone = tasks.receive(tasks.shipment("mine"))
    assert clone.name == "mine" and clone is not task
    with pytest.raises(ValueError, match="not a task"):
        tasks.as_task(lambda: 3)


def test_replace_on_a_subclass_with_its_own_init():
    class Mine(tasks.UserTask):
        def __init__(self) -> None:
            super().__init__(name="mine", data=_xy(classes=2))

        def make_model(self, seed: int) -> nn.Module:
            return nn.Linear(4, 2)

    changed = Mine().replace(epochs=3, batch_size=5)
    assert isinstance(changed, Mine) and (changed.epochs, changed.batch_size) == (3, 5)
    with pytest.raises(ValueError, match="no field"):
        Mine().replace(colour=1)
    assert np.isfinite(changed.make_model(0)(torch.zeros(1, 4)).sum().item())


def test_time_to_target_follows_the_metric_direction():
    import pandas as pd

    from optarena.analysis.stats import time_to_target

    rows = pd.DataFrame({"epoch": [1, 2, 3, 1, 2, 3], "split": ["val"] * 3 + ["train"] * 3,
                         "name": ["mse"] * 3 + ["wall_s"] * 3,
                         "value": [0.9, 0.5, 0.4, 1.0, 2.0, 3.0]})  # fmt: skip
    assert time_to_target(rows, 0.6, key="mse", higher_is_better=False) == (2, 2.0)
    assert time_to_target(rows, 0.6, key="mse")[0] == 1  # read as higher-is-better: epoch 1
    assert math.isnan(time_to_target(rows, 0.6)[0])  # no accuracy rows at all
