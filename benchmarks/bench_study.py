"""Study wall time and CPU use: ``local`` vs ``serial`` vs a plain sequential PyTorch loop.

8 optimizers x 2 seeds x 2 epochs of ``mnist-cnn`` on 10,000 MNIST images, run (a) as an
optarena study with the default ``local`` executor (worker processes), (b) as the same study
with the ``serial`` executor (one process, one thread) and (c) as the same trials in plain
sequential loops with torch's default threading (validation every epoch, test at the end): one
with ``DataLoader`` as the tutorials ran them, one slicing in-memory tensors. All in this one
run (``--rounds N``: N rounds of every case, every other round in reverse order, so that a
drift of this machine's speed that is linear in time cancels out of the means); prints the
times, the ratios, each study's CPU seconds per trial and its CPU utilisation (CPU seconds of
all its processes / (wall seconds x cores); issue 18).

    python benchmarks/bench_study.py --data-dir ../shared/data/mnist [--rounds 2] [--quick]
"""

from __future__ import annotations

import argparse
import os
import resource
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


def cpu_seconds() -> float:
    """CPU seconds of this process and of every waited-for descendant."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def stop_fork_server() -> None:
    """End the fork server (it reaped the workers), so their CPU time is counted."""
    from multiprocessing import forkserver

    server = forkserver._forkserver
    if getattr(server, "_forkserver_pid", None) is not None:
        server._stop()


def timed_study(spec, executor: str, workers: int | None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds of all the study's processes, trials run)."""
    from optarena.study import run_study

    with tempfile.TemporaryDirectory() as tmp:
        cpu0, started = cpu_seconds(), time.perf_counter()
        run = run_study(
            spec, store_path=Path(tmp) / "b.db", out=tmp, executor=executor, workers=workers
        )
        wall = time.perf_counter() - started
        stop_fork_server()
        cpu = cpu_seconds() - cpu0
    assert not run.failed, run
    return wall, cpu, len(run.executed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data-dir", default=str(Path(__file__).resolve().parents[2] / "shared/data/mnist")
    )
    parser.add_argument(
        "--quick", action="store_true", help="4 optimizers x 1 seed x 1 epoch, 2000 images"
    )
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--rounds", type=int, default=1, help="rounds of all cases, every other one reversed"
    )
    args = parser.parse_args()

    from optarena.study import expand, parse_spec

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
    n = len(configs)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    default_threads = torch.get_num_threads()
    cases = ("local", "serial", "loader", "slicing")
    wall = dict.fromkeys(cases, 0.0)
    cpu = dict.fromkeys(("local", "serial"), 0.0)
    # Each round runs every case on the whole study; odd rounds in reverse order (ABCD DCBA):
    # this machine's speed drifts, and a drift linear in time cancels out of the means.
    for i in range(args.rounds):
        for case in cases if i % 2 == 0 else cases[::-1]:
            if case in cpu:
                workers = args.workers if case == "local" else None
                case_wall, case_cpu, ran = timed_study(spec, case, workers)
                assert ran == n
                cpu[case] += case_cpu / args.rounds
            else:
                torch.set_num_threads(default_threads)  # serial ran this process on one
                case_wall = plain_loop(configs, args.data_dir, loader=case == "loader")
            wall[case] += case_wall / args.rounds
    local_s, serial_s = wall["local"], wall["serial"]
    print(
        f"trials: {n} ({len(raw['optimizers'])} optimizers x {raw['seeds']} seeds x "
        f"{raw['epochs']} epochs, {raw['subset']} images); cores: {cores}; torch threads in "
        f"the plain loops: {default_threads}; mean of {args.rounds} round(s), ABCD DCBA ..."
    )
    for label, case in (
        ("optarena compare, local executor: ", "local"),
        ("optarena compare, serial executor:", "serial"),
    ):
        print(
            f"{label}      {wall[case]:7.1f} s  CPU {cpu[case] / n:5.2f} s/trial, "
            f"utilisation {cpu[case] / (wall[case] * cores):4.0%} of {cores} cores"
        )
    print(f"local vs serial:                          speed-up {serial_s / local_s:.2f}x")
    print(
        f"plain loop, DataLoader (tutorial way):  {wall['loader']:7.1f} s  "
        f"speed-up {wall['loader'] / local_s:.2f}x"
    )
    print(
        f"plain loop, tensor slicing:             {wall['slicing']:7.1f} s  "
        f"speed-up {wall['slicing'] / local_s:.2f}x"
    )


if __name__ == "__main__":
    main()
