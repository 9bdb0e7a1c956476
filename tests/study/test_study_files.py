"""Every study file in ``studies/`` runs end to end: ``optarena compare FILE --smoke`` on the
real data in ``../shared/data`` (skipped when that folder is absent)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from optarena.study.spec import load_toml, study_parts

#: What each file needs on the command line, relative to ../shared/data.
DATA_ARGS = {
    "default": [],
    "image-folder-optimizers": ["--data", "bee_wasp"],
    "image-folder-schedules": ["--data", "bee_wasp"],
    "mnist-learning-rates": ["--data-dir", "mnist"],
    "cifar10-sgd-vs-adam": ["--data-dir", "cifar10_subset"],
    "transfer-adam-vs-sgd": ["--data", "bee_wasp", "--data-dir", "cifar10_subset"],
    "fmnist-2c2d-baselines": ["--data-dir", "fashion_mnist"],
    "transformer-optimizers": [],  # offline: Python's own standard library
}


def test_every_study_file_has_its_smoke_arguments(repo_root: Path) -> None:
    assert {f.stem for f in (repo_root / "studies").glob("*.toml")} == set(DATA_ARGS)


@pytest.mark.slow
@pytest.mark.parametrize("stem", sorted(DATA_ARGS))
def test_the_study_file_runs_with_a_tiny_budget(
    stem: str, repo_root: Path, shared_data: Path, tmp_path: Path
) -> None:
    args = [
        str(shared_data / a) if i % 2 else a for i, a in enumerate(DATA_ARGS[stem])
    ]  # flag, path, flag, path
    file = repo_root / "studies" / f"{stem}.toml"
    out = tmp_path / "runs"
    result = subprocess.run(
        [sys.executable, "-m", "optarena", "compare", str(file), "--smoke", "--executor", "serial"]
        + ["--out", str(out), *args],
        cwd=tmp_path,
        env={**os.environ, "COLUMNS": "200", "PYTHONWARNINGS": "ignore"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    parts = study_parts(load_toml(file), f"{stem}-smoke")
    for name, body in parts:
        assert (out / "reports" / name / "report.html").is_file(), name
        assert re.search(rf"study {re.escape(repr(name))}: .* 0 failed", result.stderr), name
        if "lr_find" in body:
            assert (
                out / "reports" / name / f"lr-find-{body['lr_find']['optimizers'][0]}.png"
            ).is_file()
