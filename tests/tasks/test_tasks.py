"""The task registry, ``from_data`` and the loss / metric / penalty of a task."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch
from PIL import Image

from optarena import data, models, tasks
from optarena.data.types import Dataset, Split
from optarena.tasks.lm import LanguageModelTask

SHAPES = {
    "digits": (1, 8, 8),
    "mnist": (1, 28, 28),
    "fashion-mnist": (1, 28, 28),
    "cifar10": (3, 32, 32),
    "cifar100": (3, 32, 32),
}


def fake_dataset(shape, classes=10, n=8, name="fake") -> Dataset:
    gen = torch.Generator().manual_seed(0)
    if len(shape) == 3:
        x = torch.randint(0, 256, (n, *shape), dtype=torch.uint8, generator=gen)
    else:
        x = torch.randn(n, *shape, generator=gen)
    split = Split(x, torch.arange(n) % classes)
    return Dataset(name, split, split, split, [str(c) for c in range(classes)], {"source": name})


@pytest.mark.parametrize("name", tasks.names())
def test_registered_tasks_are_valid_and_build_their_model(name):
    task = tasks.get(name)
    assert task.name == name and task.description
    assert task.epochs > 0 and task.batch_size > 0
    assert task.model == tasks.AUTO or task.model in models.names()
    if not task.dataset:  # the one template, filled by from_data
        assert name == "imagefolder"
        return
    if isinstance(task, LanguageModelTask):  # token windows in, next-token logits out
        tokens = torch.randint(0, 256, (2, task.context))
        split = Split(tokens, tokens)
        model = task.build_model(Dataset("lm", split, split, split, [str(i) for i in range(256)]))
        assert model(tokens).shape == (2, task.context, 256)
        return
    assert task.dataset in SHAPES
    if hasattr(data, "names"):  # the data registry, once it exists
        assert task.dataset in data.names()
    classes = 100 if task.dataset == "cifar100" else 10
    model = task.build_model(fake_dataset(SHAPES[task.dataset], classes, n=2))
    assert model(torch.randn(2, *SHAPES[task.dataset])).shape == (2, classes)


def test_catalog_and_unknown_names():
    rows = tasks.catalog()
    assert [r["name"] for r in rows] == tasks.names()
    assert {"digits-mlp", "mnist-cnn", "fmnist-2c2d", "cifar10-3c3d", "cifar10-cnn"} <= set(
        tasks.names()
    )
    with pytest.raises(ValueError, match="did you mean 'cifar10-cnn'"):
        tasks.get("cifar10-cnnn")
    with pytest.raises(ValueError, match="unknown model 'mpl'; did you mean 'mlp'"):
        tasks.from_data("digits", model="mpl")


def test_task_fields_are_validated():
    with pytest.raises(ValueError, match="epochs"):
        tasks.Task("t", "digits", "mlp", epochs=0)
    with pytest.raises(ValueError, match="augment"):
        tasks.Task("t", "digits", "mlp", augment=("rotate",))
    with pytest.raises(ValueError, match="loss"):
        tasks.Task("t", "digits", "mlp", loss="l2")
    with pytest.raises(ValueError, match="no field"):
        tasks.get("digits-mlp").replace(epoch=3)
    with pytest.raises(ValueError, match="already registered"):
        tasks.register(tasks.get("digits-mlp"))
    with pytest.raises(ValueError, match="unknown model"):
        tasks.register(tasks.Task("new-task", "digits", "mlp2"))


def test_from_data_on_an_npz_file(tmp_path):
    path = tmp_path / "blobs.npz"
    x = np.random.default_rng(0).normal(size=(12, 5)).astype(np.float32)
    np.savez(path, x=x, y=np.arange(12) % 3)
    task = tasks.from_data(path, epochs=3)
    assert (task.dataset, task.name, task.model, task.epochs) == (str(path), str(path), "auto", 3)
    assert tasks.get(str(path)) == tasks.from_data(str(path))  # an existing path is a task
    model = task.build_model(fake_dataset((5,), classes=3))
    assert [type(m).__name__ for m in model][-1] == "Linear" and model[1].in_features == 5


def test_from_data_on_an_image_folder(tmp_path):
    for label, colour in (("bee", (200, 180, 0)), ("wasp", (20, 20, 20))):
        (tmp_path / label).mkdir()
        for i in range(3):
            Image.new("RGB", (40 + i, 30), colour).save(tmp_path / label / f"{i}.png")
    task = tasks.from_data(tmp_path)
    template = tasks.get("imagefolder")
    assert task.dataset == str(tmp_path) and task.image_size == template.image_size == 64
    assert task.augment == ("flip",) and task.model == tasks.AUTO
    rgb = task.build_model(fake_dataset((3, 64, 64), classes=2))
    assert rgb[0].out_channels == 32  # cifar-cnn for colour images
    grey = task.build_model(fake_dataset((1, 28, 28), classes=2))
    assert grey[0].out_channels == 20  # mnist-cnn for grey images
    custom = tasks.from_data(tmp_path, model="resnet20", model_kwargs={"blocks": 1}, epochs=2)
    assert custom.model == "resnet20" and custom.epochs == 2
    assert len(custom.build_model(fake_dataset((3, 16, 16), 2)).stages) == 3


def test_from_data_rejects_bad_paths(tmp_path):
    with pytest.raises(FileNotFoundError):
        tasks.from_data(tmp_path / "missing" / "folder")
    odd = tmp_path / "notes.txt"
    odd.write_text("hello")
    with pytest.raises(ValueError, match="not an image folder"):
        tasks.from_data(odd)


def test_auto_model_by_shape():
    assert tasks.auto_model((64,)) == "mlp"
    assert tasks.auto_model((1, 8, 8)) == "mlp"
    assert tasks.auto_model((1, 28, 28)) == "mnist-cnn"
    assert tasks.auto_model((3, 32, 32)) == "cifar-cnn"


def test_loss_metric_and_penalty_match_their_formulas():
    task = tasks.get("cifar10-3c3d")
    logits = torch.tensor([[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [1.0, 3.0, 0.0]], dtype=torch.float64)
    y = torch.tensor([0, 0, 1])
    log_z = logits.exp().sum(dim=1).log()
    expected = float((log_z - logits[torch.arange(3), y]).mean())
    assert float(task.loss_fn(logits, y)) == pytest.approx(expected, rel=1e-12)
    assert task.metric_fn(logits, y) == pytest.approx(2 / 3)  # rows 0 and 2 are right
    torch.manual_seed(0)
    model = models.create("mlp", (4,), 3, hidden=(5,)).requires_grad_(True)
    with torch.no_grad():
        squares = float((model[1].weight ** 2).sum() + (model[3].weight ** 2).sum())  # no biases
    assert float(task.penalty(model).detach()) == pytest.approx(0.5 * 0.002 * squares, rel=1e-6)
    assert float(tasks.get("mnist-cnn").penalty(model)) == 0.0


@pytest.fixture
def fake_loader(monkeypatch):
    """Replace ``optarena.data.load``/``subset`` and record what the task asked for."""
    calls = {}

    def load(name, **kwargs):
        calls.update(name=name, **kwargs)
        return fake_dataset((1, 8, 8), classes=2, n=20, name=name)

    def subset(split, n, seed):
        calls.setdefault("subset", []).append((n, seed))
        return Split(split.x[:n], split.y[:n])

    monkeypatch.setattr(data, "load", load, raising=False)
    monkeypatch.setattr(data, "subset", subset, raising=False)
    return calls


def test_load_data_passes_the_task_settings(fake_loader):
    task = tasks.get("digits-mlp").replace(image_size=16, grayscale=True)
    dataset = task.load_data(data_dir="/tmp/d", subset=6, seed=3)
    assert fake_loader["name"] == "digits" and fake_loader["data_dir"] == "/tmp/d"
    assert fake_loader["image_size"] == 16 and fake_loader["grayscale"] is True
    assert fake_loader["subset"] == [(6, 3)] and len(dataset.train) == 6
    with pytest.raises(ValueError, match="from_data"):
        tasks.get("imagefolder").load_data()


def test_frozen_backbone_task_trains_a_head_on_cached_features(fake_loader, tmp_path, monkeypatch):
    monkeypatch.setenv("OPTARENA_CACHE", str(tmp_path / "cache"))
    torch.manual_seed(0)
    weights = tmp_path / "cnn.pt"
    torch.save(models.create("mnist-cnn", (1, 8, 8), 2).state_dict(), weights)
    kwargs = {"weights": str(weights), "arch": "mnist-cnn", "head": "linear"}
    task = tasks.from_data("digits", model="frozen-backbone", model_kwargs=kwargs)
    dataset = task.load_data()
    assert dataset.train.x.dtype == torch.float32 and dataset.input_shape == (20 * 2 * 2,)
    assert "features" in dataset.info
    head = task.build_model(dataset)
    assert isinstance(head, torch.nn.Linear) and head.in_features == 80


@pytest.mark.slow
def test_digits_mlp_learns_the_real_digits_quickly():
    """The offline default reaches > 90 % test accuracy with Adam in its default budget."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    x = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(bunch.target, dtype=torch.int64)
    perm = torch.randperm(len(y), generator=torch.Generator().manual_seed(0))
    train, test = Split(x[perm[:1400]], y[perm[:1400]]), Split(x[perm[1400:]], y[perm[1400:]])
    dataset = Dataset("digits", train, test, test, [str(i) for i in range(10)])
    task = tasks.get("digits-mlp")
    torch.manual_seed(0)
    model = task.build_model(dataset)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(task.epochs):
        for idx in torch.randperm(len(train), generator=gen).split(task.batch_size):
            opt.zero_grad()
            task.loss_fn(model(train.x[idx]), train.y[idx]).backward()
            opt.step()
    with torch.no_grad():
        assert task.metric_fn(model(test.x), test.y) > 0.9


def test_tasks_are_frozen_and_picklable():
    import pickle

    task = tasks.get("cifar10-3c3d")
    with pytest.raises(dataclasses.FrozenInstanceError):
        task.epochs = 1  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(task)) == task


def test_digits_loads_offline_through_the_task():
    if not hasattr(data, "load"):
        pytest.skip("optarena.data.load is not built yet")
    task = tasks.get("digits-mlp")
    dataset = task.load_data(subset=50, seed=1)
    assert dataset.num_classes == 10 and 0 < len(dataset.train) <= 50
    torch.manual_seed(0)
    model = task.build_model(dataset)
    xb = dataset.train.x[:4].float()
    assert model(xb).shape == (4, 10)


def test_eval_subset_caps_validation_and_test_to_the_same_examples_for_every_seed():
    task = tasks.get("digits-mlp")
    whole = task.load_data()
    capped = task.replace(eval_subset=100)
    first, second = capped.load_data(seed=0), capped.load_data(subset=50, seed=7)
    assert len(first.train) == len(whole.train) and len(second.train) == 50
    for name in ("val", "test"):
        a, b = getattr(first, name), getattr(second, name)
        assert len(a) == 100 and torch.equal(a.x, b.x) and torch.equal(a.y, b.y)
        full = torch.bincount(getattr(whole, name).y, minlength=10).double()
        # stratified: every class keeps its share (largest remainder, so within one example)
        assert (torch.bincount(a.y, minlength=10) - 100 * full / full.sum()).abs().max() < 1
    with pytest.raises(ValueError, match="eval_subset"):
        task.replace(eval_subset=0)


def test_eval_subset_keeps_token_windows_whole_and_in_order():
    split = Split(torch.arange(40).reshape(10, 4), torch.arange(40).reshape(10, 4) + 1)
    taken = data.subset(split, 3, 0)
    assert taken.x.shape == (3, 4) and torch.equal(taken.y, taken.x + 1)
    assert torch.all(taken.x[1:, 0] > taken.x[:-1, 0])
    assert torch.equal(data.subset(split, 3, 0).x, taken.x)
