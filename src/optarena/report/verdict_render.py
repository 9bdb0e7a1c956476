"""The "How sure?" figures: interactive charts in the page (``verdict_charts``), or, when
figure files are asked for, PNG/SVG through the report's per-figure cache
(``figures.FigureSpec`` and ``render.Renderer``): each figure is keyed by a digest of the
numbers it draws, so a rebuilt report redraws only the figures whose numbers changed, in
parallel worker processes.

They sit beside the study figures with a manifest of their own (``MANIFEST``), so the study
figures' cache (``figures.json``) and this one never remove each other's files. The section's
Markdown and HTML hold a placeholder per figure until ``fill`` puts in the image (or drops
it when the figure does not apply).
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from optarena.fingerprint import digest
from optarena.report.figures import FigureSpec

MANIFEST = "verdict-figures.json"


@dataclass
class PendingFigures:
    """Figures asked for while the section is laid out. With ``files`` they are handed to a
    ``render.Renderer`` by ``submit`` and put in place, as PNG, by ``fill``; without, each
    becomes its interactive chart (``verdict_charts``) and nothing is drawn."""

    files: bool = True
    specs: list[FigureSpec] = field(default_factory=list)  # with files: what to draw
    charts: dict[str, Any] = field(default_factory=dict)  # without: name -> chart or None
    _renderer: Any = None
    _batch: Any = None

    def add(self, md: list[str], parts: list[str], name: str, function: str, *args: Any) -> None:
        """Ask for ``verdict_figs.<function>(*args)`` as figure ``name`` at this place."""
        if self.files:
            key = digest([function, _plain(args)])
            self.specs.append(
                FigureSpec(name, name, "", _Draw(function, args), lambda _data, key=key: key)
            )
        else:
            from optarena.report.verdict_charts import chart_for

            self.charts[name] = chart_for(function, *args)
        md.append(_token(name))
        parts.append(_token(name))

    def submit(self, renderer: Any, out: Path, formats: tuple[str, ...]) -> None:
        """Hand the figures to ``renderer`` (a ``render.Renderer`` the report shares); they
        are drawn while the caller goes on, and put in place by :meth:`fill`. Without
        figure files, the last build's files are removed instead."""
        if not self.files:
            from optarena.report.render import forget

            forget(out, MANIFEST)
            return
        self._renderer = renderer
        self._batch = renderer.submit(self.specs, out, formats=formats, manifest_name=MANIFEST)

    def fill(self, md: list[str], parts: list[str]) -> list[Path]:
        """Wait for the submitted figures and put them in place; returns the files written."""
        if not self.files:
            return self._fill_charts(md, parts)
        records = self._renderer.records(self._batch)
        done = {r.name: r for r in records}
        files: list[Path] = []
        for spec in self.specs:
            record = done.get(spec.name)
            image_md, image_html = "", ""
            if record is not None and record.png is not None:
                files += [p for p in (record.png, record.svg) if p is not None]
                image_md = f"![{spec.name}]({spec.name}.png)\n"
                data = base64.b64encode(record.png.read_bytes()).decode("ascii")
                alt = html.escape(spec.name)
                image_html = f"<img alt='{alt}' src='data:image/png;base64,{data}'>"
            md[md.index(_token(spec.name))] = image_md
            parts[parts.index(_token(spec.name))] = image_html
        return files

    def _fill_charts(self, md: list[str], parts: list[str]) -> list[Path]:
        from optarena.report.html import inline_chart
        from optarena.report.markdown import chart_link

        for name, chart in self.charts.items():
            image_md, image_html = "", ""
            if chart is not None:
                image_md, image_html = chart_link(name) + "\n", inline_chart(name, chart)
            md[md.index(_token(name))] = image_md
            parts[parts.index(_token(name))] = image_html
        return []


@dataclass(frozen=True)
class _Draw:
    """``verdict_figs.<function>(*args)``, ignoring the study data the renderer passes."""

    function: str
    args: tuple[Any, ...]

    def __call__(self, _data: Any) -> Any:
        from optarena.report import verdict_figs

        return getattr(verdict_figs, self.function)(*self.args)


def _token(name: str) -> str:
    return f"\x00figure:{name}\x00"


def _plain(value: Any) -> Any:
    """What a figure draws, as JSON-able values (frames in full, at full precision)."""
    if isinstance(value, pd.DataFrame | pd.Series):
        return value.to_json(orient="split", double_precision=15)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
