"""``optarena serve`` in headless Chromium against a study that is running: the live page shows
a trial finishing, and its curves growing, without being reloaded."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from optarena.store import open_store

pytestmark = pytest.mark.slow


def _start(args: list[str], log: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    with log.open("w") as handle:
        return subprocess.Popen(
            [sys.executable, "-m", "optarena", *args],
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def _study_listed(store_path: Path, timeout: float) -> None:
    """Wait until ``compare`` has registered the study's trials."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open_store(store_path, create=False, read_only=True) as store:
            if "live" in store.study_names() and store.trials("live"):
                return
        time.sleep(0.3)
    raise TimeoutError("the study never appeared in the store")


def test_the_page_shows_a_trial_finishing_without_a_reload(page, tmp_path):
    store_path = tmp_path / "live.db"
    open_store(store_path).close()  # an empty store, so the server can start at once
    compare = _start(
        ["compare", "--optimizers", "sgd,adam", "--seeds", "3", "--epochs", "6",
         "--executor", "serial", "--name", "live", "--store", str(store_path),
         "--out", str(tmp_path / "runs"), "--no-report"],
        tmp_path / "compare.log",
    )  # fmt: skip
    serve = _start(
        ["serve", "--store", str(store_path), "--port", "0", "--poll", "0.3",
         "--out", str(tmp_path / "reports")],
        tmp_path / "serve.log",
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (found := re.search(r"http://127\.0\.0\.1:(\d+)/", _read(tmp_path))):
            assert serve.poll() is None and time.monotonic() < deadline, _read(tmp_path)
            time.sleep(0.2)
        _study_listed(store_path, timeout=90)
        page.open(f"{found.group(0)}study/live/")
        page.wait_for("+document.getElementById('live-total')?.textContent > 0", 30)
        page.js("window.__probe = 'same page'")
        before = int(page.js("document.getElementById('live-finished').textContent"))
        total = int(page.js("document.getElementById('live-total').textContent"))
        assert total == 6 and before < total
        finished = page.wait_for(
            f"+document.getElementById('live-finished').textContent > {before} && "
            "+document.getElementById('live-finished').textContent",
            timeout=120,
        )
        assert page.js("window.__probe") == "same page"  # updated in place, not reloaded
        states = page.js(
            "[...document.querySelectorAll('#live-trials tr')].map(r => r.dataset.state)"
        )
        assert states.count("complete") >= finished > before
        lines = page.js("document.querySelectorAll('#live-curves polyline').length")
        assert lines >= finished
        with open_store(store_path, create=False, read_only=True) as store:
            assert store.counts("live")["complete"] >= finished
    finally:
        _stop(compare)
        _stop(serve)


def _read(tmp_path: Path) -> str:
    return (tmp_path / "serve.log").read_text()
