"""Headless Chromium driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ended by NUL on file descriptors 3 and 4, https://chromedevtools.github.io/
devtools-protocol/), so tests can load a page, wait and read its DOM without a websocket
client. Skips where Chromium is absent (CI installs it)."""

from __future__ import annotations

import json
import os
import select
import shutil
import signal
import subprocess
import time
from typing import Any

import pytest

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = (
    "--headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
    "--disable-component-update --disable-sync --remote-debugging-pipe"
)


class Page:
    """One tab of a Chromium started with ``--remote-debugging-pipe``."""

    def __init__(self, profile: str) -> None:
        to_chrome_r, self._write = os.pipe()
        self._read, from_chrome_w = os.pipe()
        shell = (
            f"exec {BROWSER} {FLAGS} --user-data-dir={profile} 3<&{to_chrome_r} 4>&{from_chrome_w}"
        )
        self.process = subprocess.Popen(
            ["bash", "-c", shell],
            pass_fds=(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer, self._id, self.session = b"", 0, None
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 30) -> Any:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if self.session is not None:
            message["sessionId"] = self.session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    if "error" in reply:
                        raise RuntimeError(f"{method}: {reply['error']}")
                    return reply.get("result", {})
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._read], [], [], left)[0]:
                raise TimeoutError(f"no reply to {method}")
            chunk = os.read(self._read, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self._buffer += chunk

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float) -> Any:
        """Poll ``expression`` until it is truthy; returns its value (TimeoutError after)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.25)
        raise TimeoutError(f"{expression} stayed false for {timeout} s")

    def close(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)  # the browser and its helper processes
        self.process.wait(timeout=10)
        os.close(self._write)
        os.close(self._read)


@pytest.fixture
def page(tmp_path):
    if BROWSER is None:
        pytest.skip("chromium is not installed")
    tab = Page(str(tmp_path / "profile"))
    yield tab
    tab.close()
