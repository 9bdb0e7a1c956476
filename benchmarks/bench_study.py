"""Study wall time: ``local`` executor vs a plain sequential PyTorch loop (issue 6, item 6).

8 optimizers x 2 seeds x 2 epochs of ``mnist-cnn`` on 10,000 MNIST images, run (a) as an
optarena study with the default ``local`` executor (worker processes, one thread each) and
(b) as the same trials in a plain loop with torch's default threading, as tutorials run them.
Both in this one run; prints both times and the ratio.

    python benchmarks/bench_study.py --data-dir ../shared/data/mnist [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch

OPTIMIZERS = ["sgd", "momentum", "nesterov", "rmsprop", "adam", "adamw", "lamb", "qhm"]


def plain_loop(configs: list, data_dir: str | None) -> float:
    """The trials one after another: build, train with a for-loop, evaluate; default threads."""
    from optarena import optim, tasks

    torch.set_num_threads(torch.get_num_threads())
    started = time.perf_counter()
    for c in configs:
        task = tasks.get(c.task)
        dataset = task.load_data(data_dir=data_dir, subset=c.subset, seed=0)
        torch.manual_seed(c.seed)
        model = task.build_model(dataset)
        opt = optim.create(c.optimizer, model.parameters(), lr=c.lr)
        x = dataset.train.x.float().div(255)
        y = dataset.train.y
        bs = c.batch_size or task.batch_size
        for epoch in range(c.epochs):
            order = torch.randperm(
                len(y), generator=torch.Generator().manual_seed(c.seed * 1000 + epoch)
            )
            model.train()
            for i in range(0, len(y), bs):
                idx = order[i : i + bs]
                loss = torch.nn.functional.cross_entropy(model(x[idx]), y[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
            model.eval()
            with torch.no_grad():
                model(dataset.val.x.float().div(255)).argmax(1)
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
    plain_s = plain_loop(configs, args.data_dir)
    print(
        f"trials: {len(configs)} ({len(raw['optimizers'])} optimizers x {raw['seeds']} seeds x "
        f"{raw['epochs']} epochs, {raw['subset']} images)"
    )
    print(f"optarena compare (local executor): {study_s:.1f} s")
    print(f"plain sequential PyTorch loop:     {plain_s:.1f} s")
    print(f"speed-up: {plain_s / study_s:.2f}x")


if __name__ == "__main__":
    main()
