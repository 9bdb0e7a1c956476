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
from collections.abc import Callable, Sequence
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
    formats = check_formats(formats)
    out_dir.mkdir(parents=True, exist_ok=True)
    old = _read_manifest(out_dir, manifest_name)
    keys = {spec.name: figure_key(spec, data) for spec in specs}
    todo = [
        spec
        for spec in specs
        if not _reusable(old.get(spec.name), keys[spec.name], _files(spec.name, formats), out_dir)
    ]
    drawn = _draw_all(data, todo, out_dir, formats, workers, meanwhile or (lambda: None))
    manifest: dict[str, Any] = {}
    records = []
    for spec in specs:
        if spec.name in drawn:
            applies = drawn[spec.name]
            files = _files(spec.name, formats) if applies else []
        else:
            applies, files = old[spec.name]["applies"], old[spec.name].get("files", [])
        manifest[spec.name] = {"key": keys[spec.name], "applies": applies, "files": files}
        if applies:
            records.append(
                FigureRecord(
                    spec.name,
                    spec.title,
                    spec.caption,
                    out_dir / f"{spec.name}.png",
                    out_dir / f"{spec.name}.svg" if "svg" in formats else None,
                    rendered=spec.name in drawn,
                )
            )
    _remove_stale(out_dir, old, manifest)
    atomic.write_text(
        out_dir / manifest_name, json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    )
    return records


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


def _draw_all(
    data: StudyData,
    todo: Sequence[FigureSpec],
    out_dir: Path,
    formats: tuple[str, ...],
    workers: int | None,
    meanwhile: Callable[[], object],
) -> dict[str, bool]:
    """Draw and save ``todo``, calling ``meanwhile`` once; ``{name: applies}``."""
    if not todo:
        meanwhile()
        return {}
    n = min(len(todo), workers or available_cores())
    fork = "fork" in multiprocessing.get_all_start_methods()
    for module in PRELOAD:  # imported once here, inherited by every forked worker
        importlib.import_module(module)
    _JOB.update(data=data, specs=list(todo), out_dir=out_dir, formats=formats)
    try:
        if n <= 1 or not fork:
            meanwhile()
            results = [_draw_one(i) for i in range(len(todo))]
        else:
            with multiprocessing.get_context("fork").Pool(n) as pool:
                drawing = pool.imap_unordered(_draw_one, range(len(todo)))  # starts at once
                meanwhile()
                results = list(drawing)
    finally:
        _JOB.clear()
    RENDERS["count"] += sum(1 for _ in results)
    return dict(results)


def _draw_one(index: int) -> tuple[str, bool]:
    """Draw figure ``index`` of the job and save it in every format (worker or parent)."""
    spec: FigureSpec = _JOB["specs"][index]
    fig = spec.draw(_JOB["data"])
    if fig is None:
        return spec.name, False
    out_dir: Path = _JOB["out_dir"]
    for fmt in _JOB["formats"]:
        with atomic.replacing(out_dir / f"{spec.name}.{fmt}") as path:
            if fmt == "png":
                fig.savefig(path, dpi=PNG_DPI, metadata={"Software": "optarena"})
            else:
                fig.savefig(path, metadata={"Date": None})
    return spec.name, True
