"""Property-based fuzzing of the study spec and the CLI (issue 20, hypothesis).

Invariant: ``compare`` either exits 0 having run exactly the trials the spec expands to (none
failed), or exits 2 with one ``error:`` line; never a traceback, and never a file written
outside ``--out`` (the store lives there). Budgets are tiny and examples few (CI time).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from optarena.store import Store  # noqa: E402

SETTINGS = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.lists(st.integers(-1, 2), max_size=2),
    st.just("../x"),
    st.dictionaries(st.sampled_from(["a", "trials", "low"]), st.integers(-1, 2), max_size=2),
)

VALUES: dict[str, Any] = {
    "optimizers": st.one_of(
        st.lists(st.sampled_from(["sgd", "adam", "adm", "x:Y"]), min_size=0, max_size=2), ODD
    ),
    "seeds": st.one_of(st.sampled_from([1, 2, [0], [-1], 0]), ODD),
    "epochs": st.one_of(st.just(1), ODD),
    "lrs": st.one_of(st.sampled_from(["default", [0.1], [1e39], "0.05", [0.0]]), ODD),
    "schedules": st.one_of(st.sampled_from([["none"], ["cosine"], ["nosuch"]]), ODD),
    "download": st.one_of(st.just(False), ODD),
    "device": st.one_of(st.sampled_from(["cpu", "auto", "bogus", "cuda:99"]), ODD),
    "model": st.one_of(st.sampled_from(["mlp", "logreg", "nosuch"]), ODD),
    "name": st.one_of(st.sampled_from(["s", "a.b", "../up", "/abs", "x" * 300]), ODD),
    "clip_grad": ODD,
    "tune": ODD,
    "model_kwargs": ODD,
}


def _toml_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return {float("inf"): "inf", float("-inf"): "-inf"}.get(value, repr(value)).replace(
            "nan", "nan"
        )
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        items = [_toml_value(v) for v in value]
        return "[" + ", ".join(i for i in items if i is not None) + "]"
    if isinstance(value, dict):
        items = [f"{k} = {_toml_value(v)}" for k, v in value.items() if v is not None]
        return "{" + ", ".join(items) + "}"
    raise TypeError(value)


def _study_text(fields: dict[str, Any]) -> str:
    lines = ['task = "digits-mlp"', "subset = 48", "batch_size = 16"]
    for key, value in fields.items():
        text = _toml_value(value)
        if text is not None:
            lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def _check_outcome(result: Any, root: Path, out: Path, expected: list[str] | None) -> None:
    assert "Traceback" not in result.err + result.out, result.err
    written = {p for p in root.rglob("*") if p.is_file()}
    outside = {p for p in written if out not in p.parents and p.name != "s.toml"}
    assert not outside, outside
    if result.code == 0:
        with Store(out / "optarena.db", read_only=True) as store:
            names = store.study_names()
            trials = [t for n in names if not n.endswith(".backbone") for t in store.trials(n)]
        assert trials and all(t.state.value in ("complete", "diverged") for t in trials), [
            (t.state.value, t.error) for t in trials
        ]
    else:
        result.one_error()


@pytest.mark.slow
@SETTINGS
@given(fields=st.fixed_dictionaries({}, optional=VALUES))
def test_fuzz_study_files(cli, monkeypatch, fields):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        monkeypatch.chdir(root)
        monkeypatch.setenv("OPTARENA_CACHE", str(root / "out" / "cache"))
        fields.setdefault("optimizers", ["sgd"])
        fields.setdefault("epochs", 1)
        (root / "s.toml").write_text(_study_text(fields))
        result = cli("compare", "s.toml", "--out", "out", "--executor", "serial", "--no-report")
        _check_outcome(result, root, root / "out", None)


FLAGS = {
    "--optimizers": st.sampled_from(["sgd", "sgd,adam", "", "adm", "bad:Path", ",,"]),
    "--seeds": st.sampled_from(["1", "0", "-1", "2", "x"]),
    "--epochs": st.sampled_from(["1", "0", "-2", "1.5"]),
    "--lrs": st.sampled_from(["0.1", "0.1,0.01", "0", "-1", "nan", "inf", "1e400"]),
    "--device": st.sampled_from(["cpu", "bogus", "cuda:99", ""]),
    "--workers": st.sampled_from(["1", "0", "-1", "x"]),
    "--lease": st.sampled_from(["60", "0", "-5", "nan"]),
    "--name": st.sampled_from(["ok", "../x", "/tmp/x", "a\tb", "", "n" * 400]),
    "--executor": st.sampled_from(["serial", "bogus"]),
    "--subset": st.sampled_from(["48", "0", "-3"]),
    "--opt": st.sampled_from(["momentum=0.9", "momentum=x", "=1", "nosuch=1"]),
    "--data-dir": st.sampled_from(["nowhere", "."]),
}


@SETTINGS
@given(flags=st.fixed_dictionaries({}, optional=FLAGS))
def test_fuzz_compare_flags(cli, monkeypatch, flags):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        monkeypatch.chdir(root)
        monkeypatch.setenv("OPTARENA_CACHE", str(root / "out" / "cache"))
        flags.setdefault("--optimizers", "sgd")
        flags.setdefault("--epochs", "1")
        flags.setdefault("--subset", "48")
        flags.setdefault("--seeds", "1")
        flags.setdefault("--executor", "serial")
        args = ["compare", "--task", "digits-mlp", "--batch-size", "16", "--no-report"]
        for flag, value in flags.items():
            args += [flag, value]
        result = cli(*args, "--out", "out")
        _check_outcome(result, root, root / "out", None)
