"""The ``optarena`` process ends without the interpreter's teardown once torch is loaded
(``cli.exit_now``): its output is complete, its exit code kept and its atexit handlers run."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import atexit, sys
sys.argv = ["optarena", *sys.argv[1:]]
atexit.register(lambda: print("atexit ran", file=sys.stderr))
from optarena.cli import main
main()
"""


def _optarena(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120
    )


def test_the_output_is_whole_and_the_handlers_ran():
    done = _optarena("list", "optimizers", "--format", "json")
    assert done.returncode == 0, done.stderr
    names = json.loads(done.stdout)  # every byte of the JSON arrived
    assert "adam" in names and "sgd" in names
    assert "atexit ran" in done.stderr


def test_a_user_error_keeps_its_exit_code():
    done = _optarena("list", "optimizers", "--dialect", "no-such-framework")
    assert done.returncode == 2 and "error:" in done.stderr
    assert "atexit ran" in done.stderr


def test_exit_now_waits_for_a_running_thread():
    code = (
        "import threading, time, torch\n"
        "from optarena.cli import exit_now\n"
        "threading.Thread(target=lambda: (time.sleep(0.5), print('thread done'))).start()\n"
        "exit_now(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 3 and "thread done" in done.stdout
