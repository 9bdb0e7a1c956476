"""Parameter routing: roles, `muon` = torch.optim.Muon on hidden matrices + AdamW on the rest."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from optarena import optim
from optarena.optim.recent import LEFT_OUT
from optarena.optim.routing import Route, Routed, param_roles, role_groups
from optarena.train import TrialConfig, run_trial


class _Net(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(7, 4)
        self.conv = nn.Conv1d(4, 4, 3, padding=1)
        self.hidden = nn.Linear(4, 5)
        self.norm = nn.LayerNorm(5)
        self.head = nn.Linear(5, 7)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv(self.embed(x).transpose(1, 2)).transpose(1, 2)
        return self.head(self.norm(torch.relu(self.hidden(h))))


def _grads(model: nn.Module, seed: int) -> None:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 7, (2, 6), generator=gen)
    model.zero_grad()
    model(x).pow(2).mean().backward()


def test_param_roles():
    net = _Net()
    roles = {name: param_roles(net)[id(p)] for name, p in net.named_parameters()}
    assert roles == {
        "embed.weight": "embedding", "conv.weight": "hidden", "conv.bias": "vector",
        "hidden.weight": "hidden", "hidden.bias": "vector", "norm.weight": "vector",
        "norm.bias": "vector", "head.weight": "head", "head.bias": "vector",
    }  # fmt: skip
    groups = role_groups(net, no_decay_norm_bias=True)
    assert [g["role"] for g in groups] == ["hidden", "embedding", "head", "vector"]
    assert groups[-1]["weight_decay"] == 0.0 and "weight_decay" not in groups[0]


def test_muon_equals_torch_muon_on_hidden_matrices_and_adamw_on_the_rest():
    torch.manual_seed(0)
    ours, theirs = _Net(), _Net()
    theirs.load_state_dict(ours.state_dict())
    hp = {"lr": 0.02, "momentum": 0.9, "weight_decay": 0.05, "adjust_lr_fn": "original"}
    routed = optim.create("muon", role_groups(ours), **hp, **{"rest.betas": (0.8, 0.9)})
    hidden_2d = [theirs.hidden.weight]
    conv = theirs.conv.weight
    conv_2d = conv.detach().clone().reshape(4, -1).requires_grad_(True)
    muon = torch.optim.Muon([theirs.hidden.weight, conv_2d], **hp)
    rest = [p for n, p in theirs.named_parameters() if n not in ("hidden.weight", "conv.weight")]
    adamw = torch.optim.AdamW(rest, lr=0.02, betas=(0.8, 0.9))
    for step in range(4):
        _grads(ours, step)
        _grads(theirs, step)
        conv_2d.grad = conv.grad.reshape(4, -1)
        routed.step()
        muon.step()
        adamw.step()
        with torch.no_grad():
            conv.copy_(conv_2d.reshape(conv.shape))
    assert hidden_2d[0] is theirs.hidden.weight
    for (name, a), b in zip(ours.named_parameters(), theirs.parameters(), strict=True):
        assert torch.equal(a, b), name
    assert not torch.equal(ours.hidden.weight, _Net().hidden.weight)


def test_lr_scale_and_schedules_reach_every_route():
    net = _Net()
    opt = optim.create("muon", role_groups(net), lr=0.1, **{"rest.lr_scale": 0.5})
    for group in opt.param_groups:
        group["lr"] = 0.01  # what a schedule does
    _grads(net, 0)
    opt.step()
    muon, adamw = opt.optimizers
    assert {g["lr"] for g in muon.param_groups} == {0.01}
    assert {g["lr"] for g in adamw.param_groups} == {0.005}


def test_generic_routed_entry_and_its_errors():
    net = _Net()
    opt = optim.create(
        "routed",
        role_groups(net),
        lr=0.01,
        hidden={"optimizer": "sgd", "momentum": 0.9},
        embedding="adam",
        rest="lion",
        **{"rest.weight_decay": 0.1},
    )
    kinds = [type(o).__name__ for o in opt.optimizers]
    assert kinds == ["SGD", "Adam", "Lion"]
    assert opt.optimizers[2].param_groups[0]["weight_decay"] == 0.1
    w = role_groups(net)
    with pytest.raises(ValueError, match="unknown hyper-parameter 'colour'"):
        optim.create("routed", w, colour=1)
    with pytest.raises(ValueError, match="'head.lr' sets a hyper-parameter of route 'head'"):
        optim.create("routed", w, **{"head.lr": 1.0})
    with pytest.raises(ValueError, match="lr_scale"):
        optim.create("routed", w, rest={"optimizer": "adam", "lr": 0.1})
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        optim.create("routed", w, rest="adamm")
    with pytest.raises(ValueError, match="no_such"):  # checked even when no parameter routes there
        optim.create("muon", [torch.zeros(3, requires_grad=True)], no_such=1)
    with pytest.raises(ValueError, match="'nope'.*muon route"):
        optim.create("routed", w, **{"hidden.nope": 1})
    with pytest.raises(ValueError, match="no route takes role 'vector'"):
        Routed([torch.zeros(3, requires_grad=True)], [Route(("hidden",), "sgd")], lr=0.1)


def test_sparse_adam_is_left_out_with_a_reason():
    assert "SparseAdam" in LEFT_OUT and "sparse" in LEFT_OUT["SparseAdam"]
    assert {"muon", "adafactor", "lbfgs"} <= set(optim.names())
    assert optim.spec("lbfgs").needs_closure and optim.spec("muon").routes_params


@pytest.mark.parametrize(
    ("name", "lr", "opt"),
    [("muon", 0.02, {"rest.weight_decay": 0.0}), ("lbfgs", 1.0, {"max_iter": 3}),
     ("adafactor", 0.05, {})],
)  # fmt: skip
def test_trainer_runs_routed_and_closure_optimizers(tmp_path, name, lr, opt):
    config = TrialConfig(
        task="digits-mlp",
        optimizer=name,
        lr=lr,
        opt=opt,
        epochs=1,
        batch_size=32,
        subset=256,
        seed=0,
    )
    result = run_trial(config, out_dir=tmp_path)
    assert result.state == "complete"
    assert result.summary["final_train_loss"] < 2.3  # below chance-level cross-entropy ln 10
