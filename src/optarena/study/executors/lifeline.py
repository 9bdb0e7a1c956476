"""Process supervision: a study's helper processes die with the study runner.

Imported first in the fork server (it is the first module of the preload list), so the fork
server asks the kernel to kill it when the study runner dies (``PR_SET_PDEATHSIG``, Linux; see
prctl(2)) — even while it is still importing torch. Worker processes call :func:`die_with` with
the read end of a pipe whose write end only the study runner holds: end of file on that pipe
means the runner is gone, and the worker exits at once. Workers also arm ``PR_SET_PDEATHSIG``
against the fork server and close their copy of the fork server's "alive" pipe, so that the fork
server (which exits when every holder of that pipe is gone) cannot be kept alive by them.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
from typing import Any

#: Set (to the study runner's pid) only in the environment the fork server is started with.
RUNNER_PID_ENV = "OPTARENA_FORKSERVER_OF"
#: Set (to the first trial's config as JSON) only there too: the data the server decodes.
WARM_ENV = "OPTARENA_WARM_TRIAL"
_PR_SET_PDEATHSIG = 1


def arm_parent_death_signal() -> None:
    """Ask the kernel to SIGKILL this process when its parent (thread) exits (Linux only)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _guard_fork_server(runner: int) -> None:
    """In the fork server: die with the study runner (its parent)."""
    arm_parent_death_signal()
    if os.getppid() != runner:  # the runner died before the signal was armed
        os._exit(1)


def _close_fork_server_alive_fd() -> None:
    try:
        from multiprocessing import forkserver

        server: Any = forkserver._forkserver
        fd = server._forkserver_alive_fd
        if fd is not None:
            server._forkserver_alive_fd = None
            os.close(fd)
    except (ImportError, AttributeError, OSError):
        pass


def die_with(lifeline: Any) -> None:
    """In a worker: exit when the study runner or the fork server dies; ignore Ctrl-C (the
    runner decides what an interrupt does)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    arm_parent_death_signal()
    if os.getppid() != parent:
        os._exit(1)
    _close_fork_server_alive_fd()

    def watch() -> None:
        try:
            while True:
                lifeline.recv_bytes()
        except (EOFError, OSError):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="optarena-lifeline", daemon=True).start()


_RUNNER = os.environ.pop(RUNNER_PID_ENV, "")
if _RUNNER.isdigit():  # this process is the fork server of a study runner
    _guard_fork_server(int(_RUNNER))
