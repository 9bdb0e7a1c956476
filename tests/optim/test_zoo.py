"""``zoo:NAME`` (pytorch-optimizer through the optional extra): specs, errors, and the CLI's
compare, train and lr-find with a zoo optimizer."""

from __future__ import annotations

import json
import sys

import pytest
import torch

from optarena import optim
from optarena.cli import main
from optarena.optim import zoo


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    return exc.value.code


def test_missing_extra_names_it(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "pytorch_optimizer", None)  # import now fails
    zoo.spec.cache_clear()
    with pytest.raises(ValueError, match=r"optarena\[zoo\]"):
        optim.create("zoo:adan", [torch.zeros(2, requires_grad=True)])
    assert _run(["list", "optimizers", "--zoo"]) == 2
    assert "optarena[zoo]" in capsys.readouterr().err
    zoo.spec.cache_clear()


def test_zoo_specs_and_errors():
    pytest.importorskip("pytorch_optimizer")
    assert "zoo:adan" in zoo.names() and "zoo:adahessian" not in zoo.names()
    s = optim.spec("zoo:adan")
    assert s.name == "zoo:adan" and s.has_betas and s.defaults["lr"] == 1e-3
    assert s.lr_range == (1e-5, 1e-1) and "pytorch_optimizer" in s.reference
    with pytest.raises(ValueError, match="did you mean 'zoo:adan'"):
        optim.spec("zoo:adann")
    with pytest.raises(ValueError, match="create_graph"):
        optim.spec("zoo:adahessian")
    with pytest.raises(ValueError, match="'colour'"):
        optim.create("zoo:adan", [torch.zeros(2, requires_grad=True)], colour=1)


def test_a_zoo_optimizer_reduces_a_quadratic(quadratic):
    pytest.importorskip("pytorch_optimizer")
    params = [(c + 0.5).requires_grad_(True) for c in quadratic.centers]
    opt = optim.create("zoo:adan", params, lr=1e-2)
    start = float(quadratic(params).detach())
    for _ in range(200):
        opt.zero_grad()
        quadratic(params).backward()
        opt.step()
    assert float(quadratic(params).detach()) < 0.1 * start


@pytest.mark.slow
def test_zoo_names_in_compare_train_and_lr_find(tmp_path, capsys):
    pytest.importorskip("pytorch_optimizer")
    small = ["--task", "digits-mlp", "--epochs", "1", "--subset", "128"]
    assert _run(["list", "optimizers", "--zoo", "--format", "json"]) == 0
    assert "zoo:adan" in json.loads(capsys.readouterr().out)
    store = str(tmp_path / "s.db")
    argv = ["compare", *small, "--optimizers", "zoo:adan,adam", "--seeds", "1", "--lrs",
            "default", "--store", store, "--out", str(tmp_path / "run"), "--no-report"]  # fmt: skip
    assert _run(argv) == 0, capsys.readouterr().err
    assert "zoo:adan" in capsys.readouterr().out
    argv = ["train", *small, "--optimizer", "zoo:adan", "--lr", "0.01", "--store", store,
            "--out", str(tmp_path / "t")]  # fmt: skip
    assert _run(argv) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["state"] == "complete"
    argv = ["lr-find", "--task", "digits-mlp", "--optimizer", "zoo:adan", "--steps", "20",
            "--subset", "128", "--out", str(tmp_path / "lr.png")]  # fmt: skip
    assert _run(argv) == 0
    assert (tmp_path / "lr.png").is_file()
