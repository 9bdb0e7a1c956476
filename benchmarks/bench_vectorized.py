"""Vectorized groups against the serial trainer and the local executor (issue 19, item 6).

Two parts, one command:

1. **Training throughput** on ``digits-mlp``, ``mnist-cnn`` and ``fmnist-2c2d`` (2c2d), CPU and
   CUDA when present: trials per second, where a benchmark trial is ``--steps`` training steps of
   the task's batch size (momentum, one lr per trial), for the serial trainer's step (one model,
   forward, backward, ``optimizer.step``) and for one vectorized group of K = 1, 4, 16, 32, 64
   (one thread each on a CPU, as the executors run them; ``local`` runs one such serial
   process per core).
2. **Whole studies** on ``digits-mlp`` (CPU, stored, evaluated, tested, as ``optarena compare``
   runs them): the built-in default study with ``serial`` and ``vectorized``, and an LR grid
   (momentum x 16 lrs x 2 seeds) with ``local`` and ``vectorized``.

    python benchmarks/bench_vectorized.py --data-dir ../shared/data [--quick] [--json out.json]

Tasks whose data is missing are skipped. Numbers are wall times of this run on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import torch

TASKS = {"digits-mlp": None, "mnist-cnn": "mnist", "fmnist-2c2d": "fashion_mnist"}
KS = (1, 4, 16, 32, 64)


def _configs(task: str, k: int, data_dir: str | None, steps: int, device: str) -> list:
    from optarena import tasks
    from optarena.train import TrialConfig

    bs = tasks.get(task).batch_size
    return [
        TrialConfig(
            optimizer="momentum",
            lr=0.01 * (1 + j / k),
            task=task,
            seed=j % 2,
            epochs=1,
            subset=steps * bs,
            data_dir=data_dir,
            device=device,
        )
        for j in range(k)
    ]


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def serial_rate(task: str, data_dir: str | None, steps: int, device: str) -> float:
    """Trials/s of the serial trainer's step loop (one trial after another)."""
    from optarena.data import batches
    from optarena.train.materials import build_materials

    (config,) = _configs(task, 1, data_dir, steps, device)
    m = build_materials(config, torch.device(device))
    data = [
        (x.to(device), y.to(device))
        for x, y in batches(m.dataset.train, m.batch_size, seed=0, epoch=1, transform=m.transform)
    ]

    def run() -> None:
        for xb, yb in data:
            loss = m.task.loss_fn(m.model(xb), yb)
            m.optimizer.zero_grad(set_to_none=True)
            loss.backward()
            m.optimizer.step()
        _sync(device)

    run()  # warm-up
    started = time.perf_counter()
    run()
    return 1.0 / (time.perf_counter() - started)


def group_rate(task: str, k: int, data_dir: str | None, steps: int, device: str) -> float:
    """Trials/s of one vectorized group of ``k`` trials (the engine's epoch, no evaluation)."""
    from optarena.study.executors.base import Job
    from optarena.study.executors.vec_engine import GroupEngine
    from optarena.study.executors.vec_setup import build_group, lr_table

    jobs = [
        Job(c.trial_id, c, "bench", "final", Path("."), Path("x.db"), "bench", 1.0)
        for c in _configs(task, k, data_dir, steps, device)
    ]
    setup, serial = build_group(jobs, torch.device(device))
    assert setup is not None and not serial, "every benchmark trial must group"
    engine = GroupEngine(setup)
    n = len(engine.steps_in_epoch())
    lr = lr_table(setup.members, 0, 1, n)
    engine.train_epoch(1, 0, lr)["losses"].cpu()  # warm-up
    started = time.perf_counter()
    engine.train_epoch(2, n, lr)["losses"].cpu()
    return k / (time.perf_counter() - started)


def throughput(
    data_dir: str | None, steps: int, devices: list[str], max_k_cpu: int, names: list[str]
) -> list:
    rows = []
    for task, folder in TASKS.items():
        if task not in names:
            continue
        sub = str(Path(data_dir) / folder) if data_dir and folder else None
        if folder and not (sub and Path(sub).is_dir()):
            print(f"skip {task}: no data under --data-dir")
            continue
        for device in devices:
            row: dict[str, Any] = {
                "task": task,
                "device": device,
                "serial": serial_rate(task, sub, steps, device),
            }
            for k in KS:
                if device == "cpu" and k > max_k_cpu:
                    continue
                try:
                    row[f"K={k}"] = group_rate(task, k, sub, steps, device)
                except torch.cuda.OutOfMemoryError:
                    row[f"K={k}"] = None
                    torch.cuda.empty_cache()
            print(row, flush=True)
            rows.append(row)
    return rows


def _study(raw: dict[str, Any], executor: str) -> float:
    from optarena.study import parse_spec, run_study

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run_study(
            parse_spec(raw, name="bench"), store_path=Path(tmp) / "b.db", out=tmp, executor=executor
        )
        return time.perf_counter() - started


def studies(quick: bool) -> dict[str, float]:
    from optarena.study.spec import DEFAULT_STUDY

    default = dict(DEFAULT_STUDY, device="cpu")
    grid = {
        "task": "digits-mlp",
        "optimizers": ["momentum"],
        "seeds": 2,
        "device": "cpu",
        "lrs": [round(0.003 * 1.3**i, 6) for i in range(16)],
        "epochs": 8,
    }
    if quick:
        default["epochs"] = grid["epochs"] = 2
    times = {}
    for name, raw, executor in (
        ("default", default, "serial"),
        ("default", default, "vectorized"),
        ("lr-grid", grid, "local"),
        ("lr-grid", grid, "vectorized"),
    ):
        times[f"{name}/{executor}"] = _study(raw, executor)
        print(f"{name} study, {executor}: {times[f'{name}/{executor}']:.1f} s", flush=True)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", default=None, help="folder holding mnist/, fashion_mnist/")
    parser.add_argument("--steps", type=int, default=10, help="training steps per trial")
    parser.add_argument("--max-k-cpu", type=int, default=16, help="largest K timed on a CPU")
    parser.add_argument("--quick", action="store_true", help="2-epoch studies")
    parser.add_argument("--no-studies", action="store_true", help="throughput only")
    parser.add_argument("--tasks", default=",".join(TASKS), help="throughput tasks ('' = none)")
    parser.add_argument("--json", default=None, help="write the numbers here")
    args = parser.parse_args()
    torch.set_num_threads(1)  # as the trainer runs a trial on a CPU (DESIGN: performance)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    machine = {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    print(machine)
    names = [t for t in args.tasks.split(",") if t]
    rows = throughput(args.data_dir, args.steps, devices, args.max_k_cpu, names)
    times = {} if args.no_studies else studies(args.quick)
    print("\n| task | device | serial | " + " | ".join(f"K={k}" for k in KS) + " |")
    print("|---|---|---|" + "---|" * len(KS))
    for row in rows:
        cells = [f"{row[f'K={k}']:.1f}" if row.get(f"K={k}") else "-" for k in KS]
        print(
            f"| {row['task']} | {row['device']} | {row['serial']:.1f} | " + " | ".join(cells) + " |"
        )
    if times:
        print(
            f"\ndefault study: serial / vectorized = "
            f"{times['default/serial'] / times['default/vectorized']:.2f}x"
        )
        print(
            f"lr grid: local / vectorized = "
            f"{times['lr-grid/local'] / times['lr-grid/vectorized']:.2f}x"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": machine, "throughput": rows, "studies": times}, indent=1)
        )


if __name__ == "__main__":
    main()
