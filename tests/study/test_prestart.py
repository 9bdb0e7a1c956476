"""``compare`` starts the fork server before it validates a study (its torch import and the
data decoding overlap the checks), without importing torch in the runner to do so."""

import subprocess
import sys

import pytest

CODE = """
import sys
from multiprocessing import forkserver
from optarena.study.spec import parse_spec
from optarena.study.executors.local import prestart
spec = parse_spec({"task": "digits-mlp", "optimizers": ["sgd"], "device": "cpu"}, name="s")
prestart(spec, sys.argv[1], int(sys.argv[2]))
print(forkserver._forkserver._forkserver_pid is not None, "torch" in sys.modules)
"""


@pytest.mark.parametrize(
    "executor,workers,started",
    [("auto", 2, True), ("local", 1, True), ("auto", 1, False), ("serial", 2, False)],
)
def test_prestart_starts_the_fork_server_without_torch(executor, workers, started):
    out = subprocess.run(
        [sys.executable, "-c", CODE, executor, str(workers)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.split() == [str(started), "False"]
