"""``optarena lr-find``: errors up front; on real MNIST at fastai's defaults, SGD's suggestion
is within 10x of 0.1 and the model comes back bit-exactly."""

from __future__ import annotations

import json

import pytest
import torch

from optarena.cli import main


def run(argv):
    with pytest.raises(SystemExit) as exc:  # typer exits 0 after a command, errors exit 2
        main(argv)
    return exc.value.code


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--task", "mnist-cnn", "--optimizer", "sdg"], "did you mean 'sgd'"),
        (["--task", "mnist-cnnn", "--optimizer", "sgd"], "did you mean 'mnist-cnn'"),
        (["--task", "mnist-cnn", "--optimizer", "sgd", "--opt", "lr=0.1"], "lr is set by"),
        (["--task", "mnist-cnn", "--optimizer", "sgd", "--out", "x.jpg"], "--out must end in"),
    ],
)
def test_bad_input_is_one_line_exit_2(capsys, args, message):
    assert run(["lr-find", *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


@pytest.mark.slow
@pytest.mark.shared_data
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mnist_cnn_sgd_suggestion_is_within_10x_of_0_1(shared_data, tmp_path, capsys, seed):
    # fastai's defaults (start 1e-7, end 10, 100 steps) and the task's batch size
    out = tmp_path / "lr.png"
    code = run([
        "lr-find", "--task", "mnist-cnn", "--optimizer", "sgd", "--seed", str(seed),
        "--data-dir", str(shared_data / "mnist"), "--subset", "6400", "--out", str(out),
    ])  # fmt: skip
    assert code == 0
    line = json.loads(capsys.readouterr().out)
    assert set(line) >= {"valley", "steep", "minimum", "slide", "suggested", "stopped_early"}
    assert line["minimum"] <= line["suggested"] <= 10 * line["minimum"]
    assert 0.01 <= line["suggested"] <= 1.0, line
    assert out.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.slow
@pytest.mark.shared_data
def test_mnist_cnn_defaults_suggest_in_band_and_restore_bit_exactly(shared_data):
    from optarena import data, optim, tasks
    from optarena.lrfind import lr_range_test

    task = tasks.get("mnist-cnn")
    ds = task.load_data(data_dir=str(shared_data / "mnist"), subset=6400, seed=1)
    torch.manual_seed(1)
    model = task.build_model(ds)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    transform = data.make_transform(ds.train, normalize=task.normalize)
    res = lr_range_test(
        model, task.loss_fn,
        lambda e: data.batches(ds.train, task.batch_size, seed=1, epoch=e, transform=transform),
        lambda p: optim.create("sgd", p, lr=1e-7),
    )  # fmt: skip
    assert res.lrs.size > 90 and 0.01 <= res.suggested <= 1.0, res.summary()
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.shared_data
def test_mnist_cnn_model_is_restored_exactly(shared_data):
    from optarena import data, optim, tasks
    from optarena.lrfind import lr_range_test

    task = tasks.get("mnist-cnn")
    ds = task.load_data(data_dir=str(shared_data / "mnist"), subset=256)
    torch.manual_seed(0)
    model = task.build_model(ds)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    transform = data.make_transform(ds.train)
    res = lr_range_test(
        model, task.loss_fn,
        lambda e: data.batches(ds.train, 64, seed=0, epoch=e, transform=transform),
        lambda p: optim.create("sgd", p, lr=1e-4), start=1e-4, end=10, steps=15,
    )  # fmt: skip
    assert res.lrs.size > 1
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
