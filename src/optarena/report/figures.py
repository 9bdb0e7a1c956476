"""Every applicable figure of a study, written as PNG and SVG."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from optarena.report import data as report_data
from optarena.report.bars import accuracy_bars
from optarena.report.curves import entry_curves, loss_vs_time, topk_overlay
from optarena.report.data import StudyData, metric_of
from optarena.report.lr_figs import lr_curves, lr_sensitivity
from optarena.report.profiles_fig import performance_profile

MAX_ENTRY_FIGURES = 12  # per-entry curve figures for the best entries; the rest are in overlays
PNG_DPI = 120


@dataclass(frozen=True)
class FigureRecord:
    """One written figure: file stem, title, a one-line caption, its files and the figure."""

    name: str
    title: str
    caption: str
    png: Path
    svg: Path
    figure: Figure


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "entry"


def build_figures(
    data: StudyData, *, top_k: int = 5, max_entries: int = MAX_ENTRY_FIGURES
) -> list[tuple[str, str, str, Figure]]:
    """``(name, title, caption, figure)`` of every figure that applies to the study (curves of
    the ``max_entries`` best entries)."""
    out: list[tuple[str, str, str, Figure]] = []
    ranked = [label for label in data.order if data.trial_ids(label)]
    if not ranked:
        return out
    label = metric_of(data.trials).label  # accuracy unless the task scores otherwise
    out.append(
        (
            "test-accuracy",
            f"Test {label} of all entries",
            f"Mean test {label} of the best-validation checkpoint over seeds; whiskers: "
            "95% Student-t interval; dots: single seeds.",
            accuracy_bars(data),
        )
    )
    out.append(
        (
            f"top-{top_k}",
            f"Top {top_k} entries",
            f"Validation {label} and training loss per epoch of the best entries (mean over "
            "seeds, band: min–max).",
            topk_overlay(data, top_k),
        )
    )
    out.append(
        (
            "loss-vs-time",
            "Loss against wall-clock time",
            "Training loss at each epoch's end against cumulative training seconds.",
            loss_vs_time(data),
        )
    )
    optional = (
        (
            "lr-schedules",
            "Learning-rate schedules",
            "The learning rate each distinct schedule set at every optimizer step (stored rows).",
            lr_curves,
        ),
        (
            "lr-sensitivity",
            "Learning-rate sensitivity",
            f"Mean test {label} against the learning rate, one line per optimizer (band: 95% CI).",
            lr_sensitivity,
        ),
        (
            "performance-profile",
            "Performance profiles",
            "Dolan–Moré profiles over tasks: the fraction of tasks on which an entry's test error "
            "is within a factor τ of the best.",
            performance_profile,
        ),
    )
    for name, title, caption, draw in optional:
        fig = draw(data)
        if fig is not None:
            out.append((name, title, caption, fig))
    for i, label in enumerate(ranked[:max_entries], start=1):
        out.append(
            (
                f"curves-{i:02d}-{_slug(label)}",
                f"Curves: {label}",
                f"Rank {i}: training (solid) and validation (dashed) loss and {label}.",
                entry_curves(data, label),
            )
        )
    return out


def write_figures(
    data: StudyData, out_dir: Path, *, top_k: int = 5, max_entries: int = MAX_ENTRY_FIGURES
) -> list[FigureRecord]:
    """Save every figure of ``build_figures`` as ``<name>.png`` and ``<name>.svg``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    records = []
    for name, title, caption, fig in build_figures(data, top_k=top_k, max_entries=max_entries):
        png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
        fig.savefig(png, dpi=PNG_DPI, metadata={"Software": "optarena"})
        fig.savefig(svg, metadata={"Date": None})
        records.append(FigureRecord(name, title, caption, png, svg, fig))
    return records


def make_figures(
    store: Any,
    study: str,
    out_dir: Path,
    *,
    top_k: int = 5,
    max_entries: int = MAX_ENTRY_FIGURES,
) -> list[FigureRecord]:
    """Read ``study`` from the results store and write its figures into ``out_dir``."""
    data = report_data.load(store, study)
    return write_figures(data, Path(out_dir), top_k=top_k, max_entries=max_entries)
