"""Render a report's figures: only those whose data changed, in parallel processes.

Each figure's cache key digests its data (``FigureSpec.key``), the formats and optarena's
code; the keys of the last build live in ``figures.json`` beside the figures. A figure whose
key and files are unchanged is reused as it is. The rest are drawn in forked worker
processes, one figure per task (matplotlib is not thread-safe, and a forked child inherits
the loaded study instead of re-reading it); with one core, one figure or no ``fork`` (Windows)
they are drawn here, one after the other.
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import os
import pickle
import queue
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from optarena import atomic
from optarena.fingerprint import code_digest, digest
from optarena.report.data import StudyData
from optarena.report.figures import PNG_DPI, FigureRecord, FigureSpec
from optarena.report.state import check_formats

MANIFEST = "figures.json"
PRELOAD = tuple(f"optarena.report.{m}" for m in ("curves", "bars", "lr_figs", "profiles_fig"))
RENDERS = {"count": 0}  # figures drawn by this process and its workers (tests read it)

# What a forked worker draws: set in the parent just before the pool forks.
_JOB: dict[str, Any] = {}


def available_cores() -> int:
    """CPU cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def figure_key(spec: FigureSpec, data: StudyData) -> str:
    """The cache key of one figure: what it draws, how, and with which code."""
    return digest([spec.name, spec.title, spec.caption, spec.key(data), PNG_DPI, code_digest()])


def render_figures(
    data: StudyData,
    specs: Sequence[FigureSpec],
    out_dir: Path,
    *,
    formats: Sequence[str] = ("png",),
    workers: int | None = None,
    meanwhile: Callable[[], object] | None = None,
    manifest_name: str = MANIFEST,
) -> list[FigureRecord]:
    """Write the figures of ``specs`` into ``out_dir`` in ``formats``; returns a record per
    figure that applies, in ``specs`` order. A figure is redrawn when its key changed or a
    file asked for is missing; files of an earlier build that are no longer valid (the figure
    was redrawn without them, or no longer applies) are removed. ``meanwhile`` is called once
    here while the workers draw (the rest of a report overlaps the figures). Another
    ``manifest_name`` keeps a second, independent cache in the same folder."""
    with Renderer(data, workers) as renderer:
        batch = renderer.submit(specs, out_dir, formats=formats, manifest_name=manifest_name)
        (meanwhile or (lambda: None))()
        return renderer.records(batch)


@dataclass
class Batch:
    """One set of figures handed to a :class:`Renderer`: what it asked for, and what is
    being drawn (``waiting``: names whose results are still to come)."""

    specs: list[FigureSpec]
    out_dir: Path
    formats: tuple[str, ...]
    manifest_name: str
    old: dict[str, Any]
    keys: dict[str, str]
    drawn: dict[str, bool] = field(default_factory=dict)
    waiting: set[str] = field(default_factory=set)


class Renderer:
    """Draws the figures of one report: figures of every :meth:`submit` go to one pool of
    forked workers (created by the first submit that has something to draw, inheriting
    ``data`` and that batch's specs), so figures asked for later (the verdict section's) queue
    behind the first ones while this process goes on. Later batches travel to the workers
    pickled; a figure that cannot (its drawing function is a closure) is drawn here. With one
    core, one figure or no ``fork`` (Windows) every figure is drawn here, at :meth:`records`."""

    def __init__(self, data: StudyData | None, workers: int | None = None) -> None:
        self.data = data
        self.workers = workers or available_cores()
        self._pool: Any = None
        self._results: Any = None  # the pool's result iterator
        self._queue: _TaskQueue | None = None  # the pool's tasks
        self._batches: list[Batch] = []
        self._local: list[tuple[Batch, FigureSpec]] = []  # drawn here, at records()

    def __enter__(self) -> Renderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None and self._queue is not None:
            self._queue.close()  # ends the pool's task thread, then the workers
            pids = [worker.pid for worker in self._pool._pool]
            self._pool.terminate()  # on an error, a worker may be killed mid-write:
            self._pool = None
            for folder in {batch.out_dir for batch in self._batches}:
                for pid in pids:  # its half-written temporary goes too
                    atomic.remove_temps_of(pid, folder)
        _JOB.clear()

    def submit(
        self,
        specs: Sequence[FigureSpec],
        out_dir: Path,
        *,
        formats: Sequence[str] = ("png",),
        manifest_name: str = MANIFEST,
    ) -> Batch:
        """Start drawing the figures of ``specs`` whose key or files changed; returns the
        batch to pass to :meth:`records`."""
        formats = check_formats(formats)
        out_dir.mkdir(parents=True, exist_ok=True)
        old = _read_manifest(out_dir, manifest_name)
        keys = {spec.name: figure_key(spec, self.data) for spec in specs}
        batch = Batch(list(specs), out_dir, tuple(formats), manifest_name, old, keys)
        self._batches.append(batch)
        todo = [
            spec
            for spec in specs
            if not _reusable(
                old.get(spec.name), keys[spec.name], _files(spec.name, formats), out_dir
            )
        ]
        if not todo:
            return batch
        batch.waiting = {spec.name for spec in todo}
        fork = "fork" in multiprocessing.get_all_start_methods()
        if self._pool is None and (min(len(todo), self.workers) <= 1 or not fork):
            self._local += [(batch, spec) for spec in todo]
            return batch
        if self._pool is None:
            self._start(batch, todo)
            return batch
        for spec in todo:
            task = (spec.name, spec.draw, out_dir, batch.formats)
            try:
                pickle.dumps(task)
            except Exception:  # a closure: drawn here
                self._local.append((batch, spec))
                continue
            assert self._queue is not None
            self._queue.put(task)
        return batch

    def _start(self, batch: Batch, todo: list[FigureSpec]) -> None:
        for module in PRELOAD:  # imported once here, inherited by every forked worker
            importlib.import_module(module)
        _JOB.update(data=self.data, specs=list(todo), out_dir=batch.out_dir, formats=batch.formats)
        self._queue = _TaskQueue(len(todo))
        self._pool = multiprocessing.get_context("fork").Pool(self.workers)
        self._results = self._pool.imap_unordered(_draw_task, self._queue)  # starts at once

    def records(self, batch: Batch) -> list[FigureRecord]:
        """Wait for ``batch``'s figures, write its manifest, remove its stale files; a record
        per figure that applies, in the batch's order."""
        for owner, spec in [item for item in self._local if item[0] is batch]:
            name, applies = _draw(spec.name, spec.draw, owner.out_dir, owner.formats, self.data)
            owner.drawn[name] = applies
            owner.waiting.discard(name)
            RENDERS["count"] += 1
        self._local = [item for item in self._local if item[0] is not batch]
        while batch.waiting:
            name, out_dir, applies = next(self._results)
            RENDERS["count"] += 1
            for owner in self._batches:
                if name in owner.waiting and owner.out_dir == out_dir:
                    owner.drawn[name] = applies
                    owner.waiting.discard(name)
                    break
        return _finish(batch)


class _TaskQueue:
    """The tasks of a pool: the first batch's figure indices (inherited through ``fork``),
    then pickled ``(name, draw, out_dir, formats)`` of later batches, until closed (the
    pool's task thread waits on it in between)."""

    _END = None

    def __init__(self, first: int) -> None:
        self._items: queue.SimpleQueue[Any] = queue.SimpleQueue()
        for i in range(first):
            self._items.put(i)

    def put(self, task: Any) -> None:
        self._items.put(task)

    def close(self) -> None:
        self._items.put(self._END)

    def __iter__(self) -> Iterator[Any]:
        while (task := self._items.get()) is not self._END:
            yield task


def _finish(batch: Batch) -> list[FigureRecord]:
    """The records of a drawn batch; writes its manifest and removes its stale files."""
    manifest: dict[str, Any] = {}
    records = []
    out_dir, formats = batch.out_dir, batch.formats
    for spec in batch.specs:
        if spec.name in batch.drawn:
            applies = batch.drawn[spec.name]
            files = _files(spec.name, formats) if applies else []
        else:
            entry = batch.old[spec.name]
            applies, files = entry["applies"], entry.get("files", [])
        manifest[spec.name] = {"key": batch.keys[spec.name], "applies": applies, "files": files}
        if applies:
            records.append(
                FigureRecord(
                    spec.name,
                    spec.title,
                    spec.caption,
                    out_dir / f"{spec.name}.png",
                    out_dir / f"{spec.name}.svg" if "svg" in formats else None,
                    rendered=spec.name in batch.drawn,
                )
            )
    _remove_stale(out_dir, batch.old, manifest)
    atomic.write_text(
        out_dir / batch.manifest_name, json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    )
    return records


def forget(out_dir: Path, manifest_name: str = MANIFEST) -> None:
    """No figure files in ``out_dir`` any more: remove those the last build recorded in
    ``manifest_name``, and that manifest."""
    _remove_stale(out_dir, _read_manifest(out_dir, manifest_name), {})
    (out_dir / manifest_name).unlink(missing_ok=True)


def _reusable(entry: Any, key: str, files: list[str], out_dir: Path) -> bool:
    """The last build's figure can stay: same key, and every file asked for is there."""
    if not isinstance(entry, dict) or entry.get("key") != key:
        return False
    if not entry.get("applies"):
        return True
    have = set(entry.get("files", ()))
    return all(f in have and (out_dir / f).is_file() for f in files)


def _files(name: str, formats: Sequence[str]) -> list[str]:
    return [f"{name}.{f}" for f in formats]


def _read_manifest(out_dir: Path, name: str = MANIFEST) -> dict[str, Any]:
    try:
        manifest = json.loads((out_dir / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _remove_stale(out_dir: Path, old: dict[str, Any], new: dict[str, Any]) -> None:
    """Delete files the last build recorded that this build does not (recorded names only)."""
    keep = {f for entry in new.values() for f in entry["files"]}
    for entry in old.values():
        for name in entry.get("files", ()) if isinstance(entry, dict) else ():
            if name not in keep and isinstance(name, str) and Path(name).name == name:
                (out_dir / name).unlink(missing_ok=True)


def _draw_task(task: Any) -> tuple[str, Path, bool]:
    """In a worker: draw one figure, an index into the inherited job or a pickled task."""
    if isinstance(task, int):
        spec: FigureSpec = _JOB["specs"][task]
        name, draw, out_dir, formats = spec.name, spec.draw, _JOB["out_dir"], _JOB["formats"]
    else:
        name, draw, out_dir, formats = task
    name, applies = _draw(name, draw, out_dir, formats, _JOB.get("data"))
    return name, out_dir, applies


def _draw(
    name: str, draw: Callable[[Any], Any], out_dir: Path, formats: Sequence[str], data: Any
) -> tuple[str, bool]:
    """Draw one figure from ``data`` and save it in every format; whether it applies."""
    fig = draw(data)
    if fig is None:
        return name, False
    for fmt in formats:
        with atomic.replacing(out_dir / f"{name}.{fmt}") as path:
            if fmt == "png":
                fig.savefig(path, dpi=PNG_DPI, metadata={"Software": "optarena"})
            else:
                fig.savefig(path, metadata={"Date": None})
    return name, True
