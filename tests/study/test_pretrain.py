"""``[pretrain]``: a backbone learned on one task, frozen, with optimizers compared on its head."""

from __future__ import annotations

from pathlib import Path

import torch

from optarena.store import Store
from optarena.study import parse_spec, run_study

RAW = {
    "task": "digits-logreg",
    "model": "frozen-backbone",
    "model_kwargs": {"head": "linear"},
    "optimizers": ["sgd", "adam"],
    "epochs": 2,
    "subset": 300,
    "batch_size": 50,
    "pretrain": {"task": "digits-mlp", "optimizer": "adam", "epochs": 2, "subset": 400},
}


def test_the_backbone_is_pretrained_once_frozen_and_reused(tmp_path: Path) -> None:
    store_path, out = tmp_path / "s.db", tmp_path / "out"
    spec = parse_spec(RAW, name="tr")
    run = run_study(spec, store_path=store_path, out=out, executor="serial")
    assert run.counts["complete"] == 2 and not run.failed
    (weights,) = (out / "backbones").glob("*.pt")
    with Store(store_path) as store:
        (pre,) = store.trials("tr.backbone")
        assert pre.config["task"] == "digits-mlp" and pre.config["epochs"] == 2
        heads = store.trials("tr")
    kwargs = heads[0].config["task_options"]["model_kwargs"]
    assert kwargs["weights"] == str(weights) and kwargs["arch"] == "mlp"
    assert kwargs["head"] == "linear" and len(kwargs["mean"]) == len(kwargs["std"])
    # the saved weights are the pre-trained model's, minus nothing: same tensors as best.pt
    best = torch.load(out / "trials" / pre.id / "best.pt", weights_only=False)["model"]
    saved = torch.load(weights, weights_only=True)
    assert saved.keys() == best.keys()
    assert all(torch.equal(saved[k], best[k]) for k in saved)
    again = run_study(spec, store_path=store_path, out=out, executor="serial")
    assert again.executed == [] and again.skipped == 2


def test_given_weights_skip_the_pretraining(tmp_path: Path) -> None:
    from optarena.study.pretrain import with_pretrained_backbone

    raw = {**RAW, "model_kwargs": {"weights": "mine.pt", "arch": "mlp"}}
    spec = parse_spec(raw, name="tr")
    assert (
        with_pretrained_backbone(spec, name="tr", store_path=tmp_path / "s.db", out=tmp_path)
        == spec
    )
    assert not (tmp_path / "s.db").exists()
