"""Issue 20: inputs refused before any training (nothing registered, nothing written), and
errors that were tracebacks are now one ``error:`` line with exit code 2."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

TINY = ["--task", "digits-mlp", "--epochs", "1", "--subset", "64", "--batch-size", "32"]
BASE = ["compare", *TINY, "--optimizers", "sgd", "--seeds", "1", "--out", "runs"]

REFUSED_COMPARE = {
    "device bogus": ["--device", "bogus"],
    "cuda without gpu": ["--device", "cuda:99"],
    "unknown model": ["--model", "no-such-model"],
    "missing data path": ["--task", None, "--data", "no/such/folder"],
    "missing data dir": ["--data-dir", "no-such-dir"],
    "workers 0": ["--workers", "0"],
    "workers -1": ["--workers", "-1"],
    "unknown executor": ["--executor", "bogus"],
    "lease 0": ["--lease", "0"],
    "5000-char name": ["--name", "n" * 5000],
    "lr 1e400": ["--lrs", "1e400"],
}


def _args(extra: list) -> list[str]:
    args = list(BASE)
    if extra[:2] == ["--task", None]:
        i = args.index("--task")
        del args[i : i + 2]
        extra = extra[2:]
    return args + extra


@pytest.mark.parametrize("extra", REFUSED_COMPARE.values(), ids=REFUSED_COMPARE.keys())
def test_compare_refuses_before_registering(cli, in_tmp, extra):
    cli(*_args(extra)).one_error()
    assert not (in_tmp / "runs").exists()


def _study(folder: Path, body: str) -> str:
    (folder / "s.toml").write_text(body)
    return "s.toml"


STUDY_FILES = {
    "unknown model keyword": "model_kwargs = {nosuch = 3}\n",
    "imagefolder without data": None,
    "download no": 'download = "no"\n',
    "tune trials 1.7": 'lrs = "tune"\n[tune]\ntrials = 1.7\n',
    "tune list": 'lrs = "tune"\n[tune]\ntrials = [3]\n',
    "search range list": "[optimizers.sgd.search]\nmomentum = [[0.1], 0.9]\n",
    "lr_lambda not a function": 'schedules = {lambda = {lr_lambda = "math:pi"}}\n',
    "seeds negative": "seeds = [-1]\n",
    "optimizer name not a string": "optimizers = [1]\n",
}


@pytest.mark.parametrize("body", STUDY_FILES.values(), ids=STUDY_FILES.keys())
def test_study_file_mistakes_are_refused_before_registering(cli, in_tmp, body):
    if body is None:
        text = 'task = "imagefolder"\noptimizers = ["sgd"]\nepochs = 1\n'
    else:
        text = 'task = "digits-mlp"\nepochs = 1\nsubset = 64\n'
        if not body.startswith("optimizers"):
            text += 'optimizers = ["sgd"]\n'
        text += body
    cli("compare", _study(in_tmp, text), "--out", "runs").one_error()
    assert not (in_tmp / "runs").exists()


def test_train_refuses_a_negative_seed_like_compare(cli, in_tmp):
    cli("train", *TINY, "--optimizer", "sgd", "--seed", "-1", "--out", "runs").one_error()
    assert not (in_tmp / "runs").exists()


def test_train_refuses_a_bogus_device_before_recording(cli, in_tmp):
    cli("train", *TINY, "--optimizer", "sgd", "--device", "bogus", "--out", "runs").one_error()
    assert not (in_tmp / "runs").exists()


USER_MODULES = {
    "raises": "raise RuntimeError('broken module')\n",
    "syntax error": "def broken(:\n",
    "sys.exit": "import sys\nsys.exit(0)\n",
}


@pytest.mark.parametrize("source", USER_MODULES.values(), ids=USER_MODULES.keys())
def test_broken_user_module(cli, in_tmp, monkeypatch, source, user_module):
    name = user_module(source)
    result = cli(*BASE[:-2], "--optimizers", f"{name}:Opt", "--out", "runs")
    assert name in result.one_error()
    assert not (in_tmp / "runs").exists()


def test_lr_1e39_is_a_divergence_not_a_crash(cli, in_tmp):
    result = cli("train", *TINY, "--optimizer", "sgd", "--lr", "1e39", "--out", "runs")
    assert result.code == 0, result.err
    assert '"state": "diverged"' in result.out


STORES = {
    "a directory": lambda p: p.mkdir() or p,
    "under a regular file": lambda p: (p.write_text("x"), p / "s.db")[1],
    "not sqlite": lambda p: (p.write_text("hello, not a database " * 100), p)[1],
}


@pytest.mark.parametrize("make", STORES.values(), ids=STORES.keys())
def test_bad_store_paths_are_one_error_line(cli, in_tmp, make):
    store = make(in_tmp / "store")
    cli(*BASE, "--store", str(store)).one_error()
    cli("leaderboard", "s", "--store", str(store)).one_error()


def test_read_only_store_is_one_error_line(cli, in_tmp):
    import os

    if os.geteuid() == 0:
        pytest.skip("root can write a read-only store")
    store = in_tmp / "ro" / "s.db"
    store.parent.mkdir()
    sqlite3.connect(store).close()
    store.parent.chmod(0o500)
    store.chmod(0o400)
    try:
        result = cli(*BASE, "--store", str(store))
        if result.code == 0:
            pytest.skip("running as a user who can write anywhere")
        result.one_error()
    finally:
        store.parent.chmod(0o700)


@pytest.mark.parametrize("port", ["99999", "-1", "65536", "x"])
def test_report_port_out_of_range(cli, in_tmp, port):
    """Refused as a bad ``--port`` before the store is looked at (the store is missing too,
    which alone also gives one error line: the line must name the port)."""
    line = cli("report", "s", "--serve", "--port", port).one_error()
    assert "--port" in line, line


def test_data_inspect_negative_image_size(cli, in_tmp):
    cli("data", "inspect", "digits", "--image-size", "-1").one_error()


def test_study_progress_ends_its_line_when_stderr_is_not_a_terminal():
    import io

    from rich.console import Console

    from optarena.study.progress import StudyProgress

    buffer = io.StringIO()
    with StudyProgress(console=Console(file=buffer, force_terminal=False)) as progress:
        progress.start(2, 0)
    assert buffer.getvalue().endswith("\n")
