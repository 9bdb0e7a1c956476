"""Helpers for the hardening tests (issue 20): run the CLI in-process, list written files."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

TINY = ["--task", "digits-mlp", "--epochs", "1", "--subset", "64", "--batch-size", "32"]


@dataclass
class Result:
    code: int
    out: str
    err: str

    def one_error(self) -> str:
        """The single ``error:`` line of a refused command (asserts the shape)."""
        assert self.code == 2, (self.code, self.out, self.err)
        assert "Traceback" not in self.err, self.err
        lines = [ln for ln in self.err.splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.startswith("error:")]
        assert len(errors) == 1, self.err
        return errors[0]


def run_cli(*args: str) -> Result:
    """``optarena ARGS`` in this process: exit code, stdout, stderr (tracebacks propagate)."""
    from optarena.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main([str(a) for a in args])
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli() -> Callable[..., Result]:
    return run_cli


def files_under(root: Path) -> set[Path]:
    return {p for p in root.rglob("*")} if root.exists() else set()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in ``tmp_path/cwd`` so a stray relative write is seen."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("OPTARENA_CACHE", str(tmp_path / "cache"))
    return cwd


@pytest.fixture
def user_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], str]:
    """Write a uniquely named module into ``tmp_path/mods``, importable here; returns its name."""
    folder = tmp_path / "mods"
    folder.mkdir(exist_ok=True)
    monkeypatch.syspath_prepend(str(folder))
    count = iter(range(1000))

    def make(source: str) -> str:
        name = f"usermod_{os.getpid()}_{tmp_path.name.replace('-', '_')}_{next(count)}"
        (folder / f"{name}.py").write_text(source)
        return name

    return make


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    """The numbers of ``tiny_study.study_args`` run without any fault (issue 20, disk full)."""
    from .tiny_study import study_args, study_numbers

    out = tmp_path_factory.mktemp("reference") / "out"
    result = run_cli(*study_args(out))
    assert result.code == 0, result.err
    return study_numbers(out)
