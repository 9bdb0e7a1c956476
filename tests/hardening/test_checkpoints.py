"""Issue 20 items 1 and 3: a checkpoint is weights only, and is the trial it claims to be."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from optarena.store import Store
from optarena.train import TrialConfig
from optarena.train.run import run_recorded, trial_dir

TINY = dict(task="digits-mlp", epochs=1, subset=64, batch_size=32)


class _Evil:
    """Unpickling this runs code (writes the flag file)."""

    def __init__(self, flag: Path) -> None:
        self.flag = flag

    def __reduce__(self):
        return (exec, (f"open({str(self.flag)!r}, 'w').write('pwned')",))


def plant_evil(path: Path, flag: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"model": _Evil(flag), "trial_id": "x", "config": {}}, path)


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, list[TrialConfig]]:
    """Two tiny trained trials in one run folder."""
    out = tmp_path_factory.mktemp("runs")
    configs = [TrialConfig(optimizer="sgd", lr=lr, **TINY) for lr in (0.1, 0.05)]
    for config in configs:
        assert run_recorded(config, out=out).state == "complete"
    return out, configs


def test_pretrain_refuses_a_planted_checkpoint(tmp_path):
    from optarena.study import parse_spec
    from optarena.study.pretrain import pretrain_config, with_pretrained_backbone

    raw = {
        "task": "digits-logreg",
        "model": "frozen-backbone",
        "optimizers": ["sgd"],
        "pretrain": {"task": "digits-mlp", "optimizer": "adam", "epochs": 1, "subset": 64},
    }
    spec = parse_spec(raw, name="tr")
    config = pretrain_config(spec)
    store_path, out, flag = tmp_path / "s.db", tmp_path / "out", tmp_path / "flag"
    with Store(store_path) as store:  # the pretrain trial looks done ...
        store.add_study("tr.backbone", {})
        trial_id = store.add_trial("tr.backbone", config.identity())
        store.claim(trial_id, "me", 60)
        store.finish(trial_id, "complete", {"test_acc": 0.5}, owner="me")
    plant_evil(trial_dir(out, trial_id) / "best.pt", flag)  # ... and its best.pt is planted
    with pytest.raises(ValueError, match="not weights|refus"):
        with_pretrained_backbone(spec, name="tr", store_path=store_path, out=out)
    assert not flag.exists()


def test_unsafe_checkpoint_is_one_short_error_line(cli, tmp_path):
    flag = tmp_path / "flag"
    plant_evil(tmp_path / "evil.pt", flag)
    result = cli("test", "--checkpoint", str(tmp_path / "evil.pt"))
    line = result.one_error()
    assert len([ln for ln in result.err.splitlines() if ln.strip()]) == 1
    assert "weights_only=False" not in result.err and len(line) < 300
    assert not flag.exists()


def _forge(trained, tmp_path: Path, **changes) -> Path:
    """best.pt of a real trial with its config changed and its trial id recomputed."""
    out, (config, _) = trained
    payload = torch.load(trial_dir(out, config.trial_id) / "best.pt", weights_only=True)
    forged = config.replace(**changes)
    payload["config"], payload["trial_id"] = forged.to_dict(), forged.trial_id
    path = tmp_path / "forged.pt"
    torch.save(payload, path)
    return path


@pytest.mark.parametrize(
    "changes",
    [
        {"model": "builtins:print"},
        {"optimizer": "this:s"},
        {"schedule": "this:s"},
        {"model": "frozen-backbone", "task_options": {"model_kwargs": {"arch": "this:s"}}},
    ],
)
def test_test_never_imports_code_a_checkpoint_names(cli, trained, tmp_path, changes):
    sys.modules.pop("this", None)
    path = _forge(trained, tmp_path, **changes)
    result = cli("test", "--checkpoint", str(path))
    if "optimizer" in changes or "schedule" in changes:
        # evaluation needs neither: the name is never imported, the test runs
        assert result.code == 0, result.err
    else:
        assert "code" in result.one_error()
    assert "this" not in sys.modules
    assert "Beautiful is better" not in result.out + result.err


def test_test_trial_refuses_another_trials_checkpoint(cli, trained):
    out, (a, b) = trained
    folder_a = trial_dir(out, a.trial_id)
    own = (folder_a / "best.pt").read_bytes()
    try:
        (folder_a / "best.pt").write_bytes((trial_dir(out, b.trial_id) / "best.pt").read_bytes())
        result = cli("test", "--trial", a.trial_id, "--out", str(out))
        assert b.trial_id in result.one_error()
    finally:
        (folder_a / "best.pt").write_bytes(own)
    ok = cli("test", "--trial", a.trial_id, "--out", str(out))
    assert ok.code == 0, ok.err


def test_checkpoint_whose_config_does_not_hash_to_its_id_is_refused(cli, trained, tmp_path):
    out, (config, _) = trained
    payload = torch.load(trial_dir(out, config.trial_id) / "best.pt", weights_only=True)
    payload["config"]["lr"] = 0.5  # the id no longer matches the config
    torch.save(payload, tmp_path / "x.pt")
    assert "trial" in cli("test", "--checkpoint", str(tmp_path / "x.pt")).one_error()
