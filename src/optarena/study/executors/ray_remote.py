"""The node side of the Ray executor: one trial as a streaming Ray task.

The task trains in a scratch folder of the node it runs on (``optarena/<trial id>/`` in the
node's Ray temporary directory, or in ``$OPTARENA_RAY_SCRATCH``), never touches the results
store, and yields, in the trainer's order, everything the driver records (Ray's streaming
generators, https://docs.ray.io/en/latest/ray-core/ray-generator.html):

- ``("event", name, payload)``: the trainer's events (``step`` throttled), ``start`` with the
  node's id;
- ``("truncate", epoch)`` and ``("rows", rows)``: metric rows, an epoch's before its checkpoint;
- ``("file", name, bytes)`` (no storage) or ``("staged", staged_name)`` (storage): a checkpoint;
- last ``("done", state, summary)`` or ``("error", traceback)``.
"""

from __future__ import annotations

import os
import queue
import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from optarena.train.checkpoint import BEST, LAST

_END = ("done", "error")


def scratch_root() -> Path:
    """The folder of this node where trials train: ``$OPTARENA_RAY_SCRATCH``, else ``optarena``
    in the node's Ray temporary directory (``ray start --temp-dir``), else in TMPDIR."""
    root = os.environ.get("OPTARENA_RAY_SCRATCH")
    if root:
        return Path(root)
    try:  # Ray has no public call for a node's temporary directory
        import ray

        return Path(ray._private.worker.global_worker.node.get_temp_dir_path()) / "optarena"
    except Exception:
        return Path(tempfile.gettempdir()) / "optarena-ray"


def trial_stream(
    config: Any,
    trial_id: str,
    files: dict[str, bytes] | None,
    storage: Any,
    step_every_s: float,
) -> Iterator[tuple[Any, ...]]:
    """Run one trial here, resuming from ``files`` (driver-held) or ``storage``; stream it."""
    import ray

    from optarena.train.trainer import run_trial

    node = ray.get_runtime_context().get_node_id()
    scratch = scratch_root() / trial_id
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    if storage is not None:
        storage.download(trial_id, scratch)
    for name, data in (files or {}).items():
        (scratch / name).write_bytes(data)
    items: queue.Queue[tuple[Any, ...]] = queue.Queue()
    last_step = [0.0]

    def ship(name: str, epoch: int) -> None:
        if storage is None:
            items.put(("file", name, (scratch / name).read_bytes()))
        elif name == BEST:
            storage.upload(trial_id, BEST, scratch / BEST)
        else:  # the driver renames it once the epoch's rows are stored
            staged = f"{LAST}.epoch{epoch}"
            storage.upload(trial_id, LAST, scratch / LAST, staged_as=staged)
            items.put(("staged", staged))

    def on_event(event: str, payload: dict[str, Any]) -> None:
        if event == "step":
            now = time.monotonic()
            if now - last_step[0] < step_every_s:
                return
            last_step[0] = now
        if event == "start":
            payload = {**payload, "node": node, "scratch": str(scratch)}
        if event == "best":
            ship(BEST, payload["epoch"])
        if event == "epoch":  # last.pt of this epoch is written just before this event
            ship(LAST, payload["epoch"])
        items.put(("event", event, payload))

    class Recorder:
        def log(self, rows: list[Any]) -> None:
            items.put(("rows", [tuple(r) for r in rows]))

        def truncate(self, after_epoch: int) -> None:
            items.put(("truncate", after_epoch))

    def work() -> None:
        try:
            result = run_trial(config, out_dir=scratch, recorder=Recorder(), on_event=on_event)
            items.put(("done", result.state, dict(result.summary)))
        except BaseException:
            items.put(("error", traceback.format_exc()))

    thread = threading.Thread(target=work, name=f"trial-{trial_id}", daemon=True)
    thread.start()
    try:
        while True:
            item = items.get()
            yield item
            if item[0] in _END:
                break
    finally:
        thread.join(timeout=5)
        shutil.rmtree(scratch, ignore_errors=True)
