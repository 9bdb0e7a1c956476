"""The trainer's per-epoch time against plain PyTorch loops, measured in the same run.

Same task, model, initial weights, optimizer, batch size and thread count; each epoch trains and
then evaluates the validation split, as the trainer's epoch does. Two baselines:

- ``plain-tensor``: a hand-written loop slicing pre-normalised tensors (the trainer's overhead);
- ``plain-dataloader``: ``TensorDataset`` + ``DataLoader(shuffle=True)``, as the tutorials wrote it.

    python benchmarks/bench_trainer.py --data-dir ../shared/data/mnist          # mnist-cnn
    python benchmarks/bench_trainer.py --task digits-mlp --subset 1200 --epochs 5  # offline
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time

import torch
from torch.utils.data import DataLoader, TensorDataset

from optarena import optim
from optarena.train import TrialConfig, run_trial
from optarena.train.device import set_threads
from optarena.train.materials import build_materials


def plain_epochs(config: TrialConfig, *, loader: bool) -> list[float]:
    """Per-epoch seconds of a plain PyTorch loop on the trial's own data and model."""
    m = build_materials(config, torch.device("cpu"))
    train_x = m.transform(m.dataset.train.x, seed=0, epoch=0, batch_index=0, train=False)
    val_x = m.transform(m.dataset.val.x, seed=0, epoch=0, batch_index=0, train=False)
    train_y, val_y = m.dataset.train.y, m.dataset.val.y
    model = m.model
    opt = optim.create(config.optimizer, model.parameters(), lr=config.lr, **config.opt)
    loss_fn = torch.nn.functional.cross_entropy
    batches = DataLoader(TensorDataset(train_x, train_y), batch_size=m.batch_size, shuffle=True)
    times = []
    for _ in range(m.epochs):
        start = time.perf_counter()
        model.train()
        if loader:
            pairs = iter(batches)
        else:
            order = torch.randperm(len(train_y))
            pairs = ((train_x[i], train_y[i]) for i in order.split(m.batch_size))
        for xb, yb in pairs:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            for xb, yb in zip(val_x.split(256), val_y.split(256), strict=True):
                loss_fn(model(xb), yb)
        times.append(time.perf_counter() - start)
    return times


def trainer_epochs(config: TrialConfig) -> list[float]:
    with tempfile.TemporaryDirectory() as out:
        result = run_trial(config, out_dir=out)
    cumulative = [0.0] + [e["wall_s"] for e in result.epochs]
    return [b - a for a, b in zip(cumulative, cumulative[1:], strict=False)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", default="mnist-cnn")
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--optimizer", default="momentum")
    parser.add_argument("--lr", type=float, default=0.01)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--subset", type=int, default=10000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    set_threads(args.threads)
    config = TrialConfig(
        task=args.task,
        data_dir=args.data_dir,
        optimizer=args.optimizer,
        lr=args.lr,
        epochs=args.epochs,
        subset=args.subset,
        threads=args.threads,
    )
    results = {
        "plain-tensor": plain_epochs(config, loader=False),
        "plain-dataloader": plain_epochs(config, loader=True),
        "optarena": trainer_epochs(config),
    }
    # the first epoch warms caches and allocators: report the median of the rest when possible
    med = {k: statistics.median(v[1:] or v) for k, v in results.items()}
    print(
        f"task {args.task}, {args.optimizer}, {args.subset} examples, {args.epochs} epochs, "
        f"{args.threads} thread(s); median seconds per epoch (train + validation):"
    )
    for name, value in med.items():
        print(f"  {name:17s} {value:8.3f} s")
    print(f"optarena / plain-tensor     = {med['optarena'] / med['plain-tensor']:.3f}")
    print(f"optarena / plain-dataloader = {med['optarena'] / med['plain-dataloader']:.3f}")


if __name__ == "__main__":
    main()
