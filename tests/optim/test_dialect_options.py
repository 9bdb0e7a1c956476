"""Dialect options without the frameworks (issue 13): bad values are clear ``ValueError``s,
``multi_precision`` keeps float32 master weights for float16 parameters, study files and the
trainer pass the options, ``keras:muon`` and ``paddle:lbfgs`` train through the trainer."""

from __future__ import annotations

import pytest
import torch

from optarena import optim
from optarena.study import expand, parse_spec
from optarena.train import TrialConfig, run_trial

_GLOBAL = {"class": "ClipGradByGlobalNorm", "clip_norm": 1.0}


@pytest.mark.parametrize(
    ("name", "bad", "message"),
    [("keras:adam", {"clipnorm": 1.0, "clipvalue": 0.5}, "only one of"),
     ("keras:sgd", {"global_clipnorm": -1.0}, "global_clipnorm must be >= 0"),
     ("keras:adam", {"clipnorm": "big"}, "clipnorm must be a finite number"),
     ("keras:adam", {"use_ema": True, "ema_momentum": 1.5}, "ema_momentum must be in"),
     ("keras:lion", {"use_ema": True, "ema_overwrite_frequency": 0}, "ema_overwrite_frequency"),
     ("keras:adam", {"use_ema": "yes"}, "use_ema must be true or false"),
     ("keras:adam", {"gradient_accumulation_steps": 1}, "gradient_accumulation_steps"),
     ("keras:sgd", {"gradient_accumulation_steps": 2.5}, "gradient_accumulation_steps"),
     ("keras:adam", {"loss_scale_factor": 0.0}, "loss_scale_factor must be > 0"),
     ("keras:adam", {"loss_scale_factor": float("inf")}, "loss_scale_factor must be a finite"),
     ("paddle:sgd", {"grad_clip": {"class": "ClipByMagic", "clip_norm": 1.0}}, "grad_clip"),
     ("paddle:sgd", {"grad_clip": 1.0}, "grad_clip must be a table"),
     ("paddle:adam", {"grad_clip": {"class": "ClipGradByNorm"}}, "needs 'clip_norm'"),
     ("paddle:adam", {"grad_clip": {**_GLOBAL, "clip_norm": 0}}, "clip_norm must be > 0"),
     ("paddle:adam", {"grad_clip": {**_GLOBAL, "norm_type": 2}}, "unknown key"),
     ("paddle:momentum", {"grad_clip": {"class": "ClipGradByValue", "max": -1.0}}, "max must be"),
     ("paddle:momentum", {"grad_clip": {"class": "ClipGradByValue", "max": 1.0, "min": 2.0}},
      "min <= max"),
     ("paddle:adam", {"multi_precision": "yes"}, "multi_precision must be true or false"),
     ("paddle:sgd", {"lazy_mode": True}, "lazy_mode"),  # Adam/AdamW only, as in Paddle
     ("paddle:lbfgs", {"weight_decay": 0.1}, "never applies it"),
     ("paddle:lbfgs", {"grad_clip": _GLOBAL}, "never applies it"),
     ("paddle:lbfgs", {"line_search_fn": "armijo"}, "strong_wolfe"),
     ("paddle:lbfgs", {"history_size": 0}, "history_size"),
     ("keras:muon", {"exclude_layers": "head"}, "list of patterns"),
     ("keras:muon", {"exclude_layers": ["("]}, "bad pattern"),
     ("keras:muon", {"ns_steps": 0}, "ns_steps"),
     ("keras:muon", {"rms_rate": -0.2}, "rms_rate")],
)  # fmt: skip
def test_bad_option_values_are_value_errors(name, bad, message):
    w = [torch.zeros(2, 2, requires_grad=True)]
    with pytest.raises(ValueError, match=message):
        optim.create(name, w, **bad)


def test_multi_precision_keeps_float32_master_weights_for_half_parameters():
    """SGD steps of 1e-4 are below float16's resolution at 1.0: lost without master weights,
    accumulated (and written back once they add up) with them, as Paddle's multi_precision."""
    results = {}
    for flag in (False, True):
        p = torch.ones(3, dtype=torch.float16, requires_grad=True)
        opt = optim.create("paddle:sgd", [p], lr=1e-4, multi_precision=flag)
        for _ in range(10):
            p.grad = torch.ones_like(p)
            opt.step()
        results[flag] = p.detach().float()
        if flag:
            master = opt.state[p]["master"]
            assert master.dtype == torch.float32
            assert torch.allclose(master, torch.full((3,), 0.999), atol=1e-6)
    assert torch.equal(results[False], torch.ones(3))
    assert torch.allclose(results[True], torch.full((3,), 0.999), atol=1e-3)


def test_keras_ema_finalize_copies_the_average():
    p = torch.zeros(2, requires_grad=True)
    opt = optim.create("keras:sgd", [p], lr=1.0, use_ema=True, ema_momentum=0.5)
    for _ in range(2):
        p.grad = -torch.ones(2)
        opt.step()
    # p: 1 then 2; average: 1 (first step copies), then 0.5 * 1 + 0.5 * 2 = 1.5
    assert torch.equal(p.detach(), torch.full((2,), 2.0))
    opt.finalize_variable_values()
    assert torch.equal(p.detach(), torch.full((2,), 1.5))


def test_options_in_a_study_file_reach_the_trials():
    spec = parse_spec(
        {
            "task": "digits-mlp",
            "optimizers": {
                "paddle-adam": {"optimizer": "paddle:adam", "grad_clip": _GLOBAL},
                "keras-adam": {"optimizer": "keras:adam", "opt": {"global_clipnorm": 1.0}},
            },
        }
    )
    configs = {c.optimizer: c for c in expand(spec)}
    assert configs["paddle:adam"].opt["grad_clip"] == _GLOBAL
    assert configs["keras:adam"].opt["global_clipnorm"] == 1.0
    bad = {"task": "digits-mlp", "optimizers": {"k": {"optimizer": "keras:sgd", "clipnorm": -1}}}
    with pytest.raises(ValueError, match="clipnorm"):
        expand(parse_spec(bad))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "lr", "opt"),
    [("paddle:lbfgs", 1.0, {"max_iter": 3}),
     ("keras:muon", 0.02, {"exclude_layers": ["head"], "clipnorm": 1.0}),
     ("paddle:adam", 0.01, {"grad_clip": _GLOBAL, "lazy_mode": True})],
)  # fmt: skip
def test_trainer_runs_the_new_entries(tmp_path, name, lr, opt):
    config = TrialConfig(task="digits-mlp", optimizer=name, lr=lr, opt=opt, epochs=1,
                         batch_size=32, subset=256, seed=0)  # fmt: skip
    result = run_trial(config, out_dir=tmp_path)
    assert result.state == "complete"
    assert result.summary["final_train_loss"] < 2.3  # below chance-level cross-entropy ln 10


def test_keras_accumulation_holds_still_and_resumes_from_a_state_dict():
    """Every N-th step applies the mean gradient; the count and the sums survive a state dict
    saved mid-window (SGD lr 1: the parameter moves by minus the mean)."""
    p = torch.zeros(2, requires_grad=True)
    opt = optim.create("keras:sgd", [p], lr=1.0, gradient_accumulation_steps=3)
    p.grad = torch.full((2,), 3.0)
    opt.step()
    assert torch.equal(p.detach(), torch.zeros(2))
    q = p.detach().clone().requires_grad_()
    resumed = optim.create("keras:sgd", [q], lr=1.0, gradient_accumulation_steps=3)
    resumed.load_state_dict(opt.state_dict())
    for grad in (6.0, 9.0):
        q.grad = torch.full((2,), grad)
        resumed.step()
    assert torch.equal(q.detach(), torch.full((2,), -6.0))  # -(3 + 6 + 9) / 3
