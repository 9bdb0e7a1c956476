"""Every applicable figure of a study, as a list of specs: what to draw, and what it draws from.

A ``FigureSpec`` names a figure, draws it from ``StudyData`` (``None`` when it does not apply)
and digests the data it draws (``key``), so the report renders only figures whose data changed
(``render.py``). More figures hook in through ``FIGURE_SOURCES``: a function from the study to
a list of specs, appended to the list.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optarena.fingerprint import digest
from optarena.report import data as report_data
from optarena.report.charts import charter
from optarena.report.data import StudyData, metric_of

MAX_ENTRY_FIGURES = 12  # entries in the per-entry small multiples (best first)
PNG_DPI = 120


@dataclass(frozen=True)
class FigureSpec:
    """One figure a report may hold: file stem, title, one-line caption, a drawing function
    (``None`` when the figure does not apply), a digest of the data it draws and the
    builder of its interactive chart for report.html (``None``: the page shows the PNG)."""

    name: str
    title: str
    caption: str
    draw: Callable[[StudyData], Any]
    key: Callable[[StudyData], str]
    chart: Callable[[StudyData], Any] | None = None  # its interactive chart (``charts.py``)


@dataclass(frozen=True)
class FigureRecord:
    """One figure of a report: file stem, title, caption, its PNG (``None`` when no figure
    files were asked for: the page shows its interactive chart only), its SVG (``None``
    unless SVG was asked for), whether this build rendered it (``False``: reused, its data
    unchanged, or not drawn), and the matplotlib figure when it was drawn in this process."""

    name: str
    title: str
    caption: str
    png: Path | None
    svg: Path | None = None
    rendered: bool = True
    figure: Any = None


def _whole(data: StudyData) -> str:
    return data.digest


@dataclass(frozen=True)
class _Drawer:
    """``optarena.report.<module>.<function>(data, *args)``, imported when drawing, not when
    listing (listing needs no matplotlib); picklable, so a figure can travel to a worker."""

    module: str
    function: str
    args: tuple[Any, ...] = ()

    def __call__(self, data: StudyData) -> Any:
        import importlib

        module = importlib.import_module(f"optarena.report.{self.module}")
        return getattr(module, self.function)(data, *self.args)


def _drawer(module: str, function: str, *args: Any) -> Callable[[StudyData], Any]:
    return _Drawer(module, function, args)


def study_figures(data: StudyData, *, top_k: int = 5, **_: Any) -> list[FigureSpec]:
    """The study-wide figures (each depends on the whole study)."""
    label = metric_of(data.trials).label  # accuracy unless the task scores otherwise
    return [
        FigureSpec(
            "test-accuracy",
            f"Test {label} of all entries",
            f"Mean test {label} of the best-validation checkpoint over seeds; whiskers: "
            "95% Student-t interval; dots: single seeds.",
            _drawer("bars", "accuracy_bars"),
            _whole,
            charter("accuracy_bars"),
        ),
        FigureSpec(
            f"top-{top_k}",
            f"Top {top_k} entries",
            f"Validation {label} and training loss per epoch of the best entries (mean over "
            "seeds, band: min–max).",
            _drawer("curves", "topk_overlay", top_k),
            _whole,
            charter("topk_overlay", top_k),
        ),
        FigureSpec(
            "loss-vs-time",
            "Loss against wall-clock time",
            "Training loss at each epoch's end against cumulative training seconds.",
            _drawer("curves", "loss_vs_time"),
            _whole,
            charter("loss_vs_time"),
        ),
        FigureSpec(
            "lr-schedules",
            "Learning-rate schedules",
            "The learning rate each distinct schedule set at every optimizer step (stored rows; "
            "drawn when some learning rate changes during training).",
            _drawer("lr_figs", "lr_curves"),
            _whole,
            charter("lr_curves"),
        ),
        FigureSpec(
            "lr-sensitivity",
            "Learning-rate sensitivity",
            f"Mean test {label} against the learning rate, one line per optimizer (band: 95% CI).",
            _drawer("lr_figs", "lr_sensitivity"),
            _whole,
            charter("lr_sensitivity"),
        ),
        FigureSpec(
            "performance-profile",
            "Performance profiles",
            "Dolan–Moré profiles over tasks: the fraction of tasks on which an entry's test error "
            "is within a factor τ of the best.",
            _drawer("profiles_fig", "performance_profile"),
            _whole,
            charter("performance_profile"),
        ),
    ]


def entry_figures(
    data: StudyData, *, max_entries: int = MAX_ENTRY_FIGURES, **_: Any
) -> list[FigureSpec]:
    """Loss and the scored metric of the ``max_entries`` best entries, as small multiples
    (each depends on those entries' trials only)."""
    ranked = tuple(label for label in data.finals if data.trial_ids(label))[:max_entries]
    if not ranked:
        return []
    metric = metric_of(data.trials)

    def key(d: StudyData) -> str:
        return digest([list(ranked), [d.entry_digest(label) for label in ranked]])

    out = []
    for stem, name, title in (
        ("entries-loss", "loss", "Loss"),
        ("entries-metric", metric.key, metric.label.capitalize()),
    ):
        out.append(
            FigureSpec(
                stem,
                f"{title} of each entry",
                f"The {len(ranked)} best entries side by side (shared axes, best first): "
                f"training (solid) and validation (dashed) {title.lower()} per epoch, mean over "
                "seeds, band: min–max.",
                _drawer("curves", "entry_grid", name, ranked),
                key,
                charter("entry_grid", name, ranked),
            )
        )
    return out


def search_figures(data: StudyData, **_: Any) -> list[FigureSpec]:
    """A tuned study's search history (its own section of the page: names start ``search-``)."""
    if not (data.trials["role"] == "search").any():
        return []
    return [
        FigureSpec(
            "search-history",
            "Search history",
            "Each optimizer's search trials: best validation score against the trial number and "
            "the learning rate (✕: pruned, at its last validation score).",
            _drawer("search_views", "history_figure"),
            _whole,
            charter("history_chart", module="search_views"),
        )
    ]


# Functions ``(data, top_k=..., max_entries=...) -> [FigureSpec]``, in page order; analysis
# sections append theirs (keyword options they do not use are ignored).
FIGURE_SOURCES: list[Callable[..., list[FigureSpec]]] = [
    study_figures, entry_figures, search_figures,
]  # fmt: skip


def figure_specs(
    data: StudyData, *, top_k: int = 5, max_entries: int = MAX_ENTRY_FIGURES
) -> list[FigureSpec]:
    """Every figure that may apply to the study, in page order (none without results)."""
    if not any(data.trial_ids(label) for label in data.order):
        return []
    out: list[FigureSpec] = []
    for source in FIGURE_SOURCES:
        out += source(data, top_k=top_k, max_entries=max_entries)
    return out


def chart_records(specs: Sequence[FigureSpec], charts: Mapping[str, Any]) -> list[FigureRecord]:
    """The records of a report without figure files: each figure whose chart applies."""
    return [
        FigureRecord(s.name, s.title, s.caption, None, rendered=False)
        for s in specs
        if s.name in charts
    ]


def build_figures(
    data: StudyData, *, top_k: int = 5, max_entries: int = MAX_ENTRY_FIGURES
) -> list[tuple[str, str, str, Any]]:
    """``(name, title, caption, figure)`` of every figure that applies, drawn in this process
    (curves of the ``max_entries`` best entries)."""
    out = []
    for spec in figure_specs(data, top_k=top_k, max_entries=max_entries):
        fig = spec.draw(data)
        if fig is not None:
            out.append((spec.name, spec.title, spec.caption, fig))
    return out


def write_figures(
    data: StudyData,
    out_dir: Path,
    *,
    top_k: int = 5,
    max_entries: int = MAX_ENTRY_FIGURES,
    formats: tuple[str, ...] = ("png",),
    workers: int | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[FigureRecord]:
    """Write every applicable figure as ``<name>.png`` (and ``.svg`` when ``formats`` has
    it), rendering only figures whose data changed since the last write into ``out_dir``,
    in parallel processes (``render.render_figures``; ``meanwhile`` runs while they draw)."""
    from optarena.report.render import render_figures

    specs = figure_specs(data, top_k=top_k, max_entries=max_entries)
    return render_figures(
        data, specs, Path(out_dir), formats=formats, workers=workers, meanwhile=meanwhile
    )


def make_figures(
    store: Any,
    study: str,
    out_dir: Path,
    *,
    top_k: int = 5,
    max_entries: int = MAX_ENTRY_FIGURES,
    formats: tuple[str, ...] = ("png",),
) -> list[FigureRecord]:
    """Read ``study`` from the results store and write its figures into ``out_dir``."""
    data = report_data.load(store, study)
    return write_figures(data, Path(out_dir), top_k=top_k, max_entries=max_entries, formats=formats)
