"""Study wall time: ``local`` executor vs a plain sequential PyTorch loop (issue 6, item 6).

8 optimizers x 2 seeds x 2 epochs of ``mnist-cnn`` on 10,000 MNIST images, run (a) as an
optarena study with the default ``local`` executor (worker processes, one thread each) and
(b) as the same trials in plain sequential loops with torch's default threading: one with
``DataLoader`` as the tutorials ran them, one slicing in-memory tensors. All in this one run;
prints the times and the ratios.

    python benchmarks/bench_study.py --data-dir ../shared/data/mnist [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "lamb", "qhm"]


def plain_loop(configs: list, data_dir: str | None, *, loader: bool) -> float:
    """The trials one after another with torch's default threading: build, train, validate
    every epoch, test at the end. ``loader``: batches from ``DataLoader(TensorDataset)`` with
    ``shuffle=True`` as the tutorials wrote it; else index slicing of in-memory tensors."""
    from torch.utils.data import DataLoader, TensorDataset

    from optarena import optim, tasks

    def evaluate(model, x, y):
        model.eval()
        with torch.no_grad():
            return sum(
                int((model(xb).argmax(1) == yb).sum())
                for xb, yb in zip(x.split(500), y.split(500), strict=True)
            ) / len(y)

    started = time.perf_counter()
    for c in configs:
        task = tasks.get(c.task)
        dataset = task.load_data(data_dir=data_dir, subset=c.subset, seed=0)
        torch.manual_seed(c.seed)
        model = task.build_model(dataset)
        opt = optim.create(c.optimizer, model.parameters(), lr=c.lr)
        x, y = dataset.train.x.float().div(255), dataset.train.y
        bs = c.batch_size or task.batch_size
        batches = DataLoader(TensorDataset(x, y), batch_size=bs, shuffle=True)
        for _ in range(c.epochs):
            model.train()
            pairs = batches if loader else ((x[i], y[i]) for i in torch.randperm(len(y)).split(bs))
            for xb, yb in pairs:
                loss = torch.nn.functional.cross_entropy(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
            evaluate(model, dataset.val.x.float().div(255), dataset.val.y)
        evaluate(model, dataset.test.x.float().div(255), dataset.test.y)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared/data/mnist")
    )
    parser.add_argument(
        "--quick", action="store_true", help="4 optimizers x 1 seed x 1 epoch, 2000 images"
    )
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args()

    from optarena.study import expand, parse_spec, run_study

    raw = {
        "task": "mnist-cnn",
        "optimizers": OPTIMIZERS,
        "seeds": 2,
        "epochs": 2,
        "subset": 10_000,
        "data_dir": args.data_dir,
        "device": "cpu",
    }
    if args.quick:
        raw.update(optimizers=OPTIMIZERS[:4], seeds=1, epochs=1, subset=2000)
    spec = parse_spec(raw, name="bench")
    configs = expand(spec)
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run = run_study(
            spec, store_path=Path(tmp) / "b.db", out=tmp, executor="local", workers=args.workers
        )
        study_s = time.perf_counter() - started
    assert len(run.executed) == len(configs) and not run.failed, run
    loader_s = plain_loop(configs, args.data_dir, loader=True)
    tensor_s = plain_loop(configs, args.data_dir, loader=False)
    print(
        f"trials: {len(configs)} ({len(raw['optimizers'])} optimizers x {raw['seeds']} seeds x "
        f"{raw['epochs']} epochs, {raw['subset']} images); torch threads in the plain loops: "
        f"{torch.get_num_threads()}"
    )
    print(f"optarena compare (local executor):      {study_s:7.1f} s")
    print(
        f"plain loop, DataLoader (tutorial way):  {loader_s:7.1f} s  "
        f"speed-up {loader_s / study_s:.2f}x"
    )
    print(
        f"plain loop, tensor slicing:             {tensor_s:7.1f} s  "
        f"speed-up {tensor_s / study_s:.2f}x"
    )


if __name__ == "__main__":
    main()
