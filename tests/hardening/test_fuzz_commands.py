"""Property-based fuzzing of the commands besides ``compare`` (issue 20, hypothesis).

Invariant: exit 0, or exit 2 with one ``error:`` line; never a traceback, and nothing written
outside the folder the command was told to write (``--out``, ``--store``; a ``--page`` and
its figures). The flags take odd values: negative, zero, non-finite, huge, empty, paths that
climb out. Examples are few and budgets tiny (CI time).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NUMBERS = st.sampled_from(["0", "-1", "1", "3", "nan", "inf", "-inf", "1e400", "x", "", "1.5"])
PATHS = st.sampled_from(["out/f.png", "../up.png", "/dev/null/x.png", "out", "out/f.svg", ""])


def _check(result, root: Path, allowed: Path) -> None:
    assert "Traceback" not in result.err + result.out, result.err
    written = {p for p in root.rglob("*") if p.is_file()}
    outside = {p for p in written if allowed not in p.parents and p != allowed}
    assert not outside, outside
    if result.code != 0:
        result.one_error()


def _in_tmp(monkeypatch) -> tempfile.TemporaryDirectory:
    tmp = tempfile.TemporaryDirectory()
    monkeypatch.chdir(tmp.name)
    monkeypatch.setenv("OPTARENA_CACHE", str(Path(tmp.name) / "out" / "cache"))
    return tmp


@SETTINGS
@given(
    name=st.sampled_from(["cosine", "step", "nosuch", "", "warmup_cosine"]),
    base_lr=NUMBERS,
    steps=NUMBERS,
    param=st.sampled_from([[], ["gamma=0.5"], ["gamma=x"], ["=1"], ["step_size=-3"], ["k"]]),
    out=PATHS,
    fmt=st.sampled_from(["png", "json", "svg"]),
)
def test_fuzz_plot_schedule(cli, monkeypatch, name, base_lr, steps, param, out, fmt):
    with _in_tmp(monkeypatch) as tmp:
        args = ["plot-schedule", name, "--base-lr", base_lr, "--steps", steps, "--format", fmt]
        for p in param:
            args += ["--param", p]
        result = cli(*args, *(["--out", out] if out else []))
        _check(result, Path(tmp), Path(tmp) / "out")


@SETTINGS
@given(
    function=st.sampled_from(["rosenbrock", "nosuch", "", "quadratic"]),
    optimizers=st.sampled_from(["sgd", "sgd,adam", "", ",", "nosuch", "x:Y"]),
    lrs=st.sampled_from(["0.01", "-1", "nan", "0", "1e400", "0.1,0.2", "x"]),
    steps=NUMBERS,
    start=st.sampled_from(["-1,1", "x", "1", "nan,0", "1,2,3", ""]),
    out=PATHS,
)
def test_fuzz_playground(cli, monkeypatch, function, optimizers, lrs, steps, start, out):
    with _in_tmp(monkeypatch) as tmp:
        args = ["playground", "--function", function, "--optimizers", optimizers, "--lrs", lrs]
        args += ["--steps", steps, "--start", start, "--out", out or "out/p.png"]
        _check(cli(*args), Path(tmp), Path(tmp) / "out")


@settings(SETTINGS, max_examples=6)
@given(
    lr=NUMBERS,
    epochs=st.sampled_from(["1", "0", "-1", "x"]),
    seed=NUMBERS,
    batch=st.sampled_from(["16", "0", "-4", "1e9"]),
    clip=st.sampled_from([None, "0", "-1", "nan", "1"]),
    threads=st.sampled_from([None, "0", "-2", "1"]),
    schedule=st.sampled_from([None, "cosine", "nosuch", "step"]),
)
def test_fuzz_train(cli, monkeypatch, lr, epochs, seed, batch, clip, threads, schedule):
    with _in_tmp(monkeypatch) as tmp:
        args = ["train", "--task", "digits-mlp", "--optimizer", "sgd", "--subset", "48"]
        args += ["--lr", lr, "--epochs", epochs, "--seed", seed, "--batch-size", batch]
        optional = {"--clip-grad": clip, "--threads": threads, "--schedule": schedule}
        for flag, value in optional.items():
            if value is not None:
                args += [flag, value]
        _check(cli(*args, "--out", "out"), Path(tmp), Path(tmp) / "out")


@SETTINGS
@given(
    command=st.sampled_from(["leaderboard", "report", "test", "score"]),
    study=st.sampled_from(["s", "../s", "", "/abs", "a\nb"]),
    store=st.sampled_from(["out/s.db", "out", "out/none.db", "out/bad.db", "postgresql://x:1/y"]),
    extra=st.sampled_from([[], ["--format", "json"], ["--format", "nosuch"], ["--svg"]]),
)
def test_fuzz_store_readers(cli, monkeypatch, command, study, store, extra):
    """Commands that read a store, given odd stores and names, never write a store."""
    with _in_tmp(monkeypatch) as tmp:
        root = Path(tmp)
        (root / "out").mkdir()
        (root / "out" / "bad.db").write_text("not a database")
        args = [command, study, "--store", store, *extra]
        if command == "test":
            args = ["test", "--trial", study, "--store", store]
        if command == "report":
            args += ["--out", "out/r"]
        before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
        result = cli(*args)
        _check(result, root, root / "out")
        assert {p: p.stat().st_mtime_ns for p in before} == before
        assert not (root / "out" / "none.db").exists()
