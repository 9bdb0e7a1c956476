"""``optarena train`` (one trial, live progress, JSON summary) and ``optarena test``."""

from __future__ import annotations

from pathlib import Path

import typer

from optarena.cli.output import print_json
from optarena.cli.params import parse_params

DEFAULT_OUT = Path("runs")


def register(app: typer.Typer) -> None:
    app.command("train")(train)
    app.command("test")(test)


def train(
    task: str = typer.Option(None, help="A registered task (see `optarena list tasks`)."),
    data: str = typer.Option(None, help="Or a data path: an image folder, .npz or json.gz."),
    model: str = typer.Option(None, help="Override the task's model (see `optarena list models`)."),
    optimizer: str = typer.Option(..., help="Optimizer name or package.module:Class."),
    opt: list[str] = typer.Option(None, help="Optimizer hyper-parameter k=v (repeatable)."),
    lr: float = typer.Option(None, help="Learning rate (default: the optimizer's registered one)."),
    schedule: str = typer.Option(None, help="Schedule name or package.module:callable."),
    sched: list[str] = typer.Option(None, help="Schedule parameter k=v (repeatable)."),
    schedule_unit: str = typer.Option("epoch", help="What the schedule counts: epoch or step."),
    epochs: int = typer.Option(None, help="Epochs (default: the task's budget)."),
    seed: int = typer.Option(0, help="Seed for initial weights and data order."),
    batch_size: int = typer.Option(None, help="Batch size (default: the task's)."),
    subset: int = typer.Option(None, help="Use at most N training examples."),
    clip_grad: float = typer.Option(None, help="Clip the gradient norm to this value."),
    no_decay_norm_bias: bool = typer.Option(False, help="No weight decay on biases and norms."),
    device: str = typer.Option("auto", help="auto, cpu, cuda, cuda:N or mps."),
    threads: int = typer.Option(1, help="CPU intra-op threads (0 = torch's default)."),
    data_dir: str = typer.Option(None, help="Folder with a named dataset's files."),
    download: bool = typer.Option(False, help="Download a named dataset if missing."),
    out: Path = typer.Option(DEFAULT_OUT, help="Run folder (checkpoints under trials/<id>/)."),
    store: str = typer.Option(None, help="Results store file or URL (default: OUT/optarena.db)."),
    name: str = typer.Option("train", help="Study name the trial is recorded under."),
) -> None:
    """Train one model with one optimizer, keep the best epoch, test it.

    Example:  optarena train --task digits-mlp --optimizer adam --lr 0.001 --epochs 5
    """
    from optarena import optim
    from optarena.train import TrialConfig
    from optarena.train.run import run_recorded

    hparams = parse_params(opt)
    if lr is None:
        lr = float(hparams.pop("lr", None) or optim.spec(optimizer).defaults["lr"])
    config = TrialConfig(
        optimizer=optimizer,
        lr=lr,
        task=task,
        data=data,
        model=model,
        opt=hparams,
        schedule=schedule,
        sched=parse_params(sched),
        schedule_unit=schedule_unit,
        seed=seed,
        epochs=epochs,
        batch_size=batch_size,
        subset=subset,
        clip_grad=clip_grad,
        no_decay_norm_bias=no_decay_norm_bias,
        device=device,
        threads=threads,
        data_dir=data_dir,
        download=download,
    )
    if seed < 0:
        raise ValueError(f"--seed must be a non-negative integer, got {seed}")
    from optarena.cli.progress import TrialProgress
    from optarena.study.validate import check_trials

    check_trials([config])
    with TrialProgress() as progress:
        result = run_recorded(
            config, out=out, store_path=store, study=name, on_event=progress.on_event
        )
    summary = result.summary
    print_json({"trial_id": result.trial_id, "state": result.state, **summary})


def test(
    trial: str = typer.Option(None, help="A trial id from the store."),
    checkpoint: Path = typer.Option(None, help="Or a checkpoint file (best.pt / last.pt)."),
    out: Path = typer.Option(DEFAULT_OUT, help="Run folder the trial was trained in."),
    store: str = typer.Option(None, help="Results store file or URL (default: OUT/optarena.db)."),
    device: str = typer.Option("auto", help="auto, cpu, cuda, cuda:N or mps."),
    data_dir: str = typer.Option(None, help="Folder with a named dataset's files."),
    code: list[str] = typer.Option(
        None, help="module:Name a checkpoint's model may import (you vouch for it; repeatable)."
    ),
) -> None:
    """Evaluate a trial's best checkpoint (or any checkpoint) on the test split.

    Example:  optarena test --trial 3f9c0e1a2b4d5e6f
    """
    from optarena.train import test_checkpoint
    from optarena.train.run import best_checkpoint_of

    if (trial is None) == (checkpoint is None):
        raise ValueError("give exactly one of --trial ID or --checkpoint PATH")
    trial_id = None
    if trial is not None:
        path, trial_id = best_checkpoint_of(trial, out=out, store_path=store)
    else:
        path = checkpoint
    print_json(
        test_checkpoint(
            path, device=device, data_dir=data_dir, trial_id=trial_id, allow_code=code or ()
        )
    )
