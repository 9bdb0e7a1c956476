"""The numbers each report figure draws, as JSON-ready chart specs for the interactive page.

A figure is data first: the same tables the matplotlib figures draw (``seed_band``,
``sensitivity_table``, ``lr_traces``, the profile ratios) become a dict the page's chart
script (``chart_js.py``) draws as SVG, with exact values on hover. A spec is
``{"panels": [panel, ...]}``; a panel is ``kind`` ``xy`` (``series`` of ``points``
``[x, y, note?, marker?]`` with an optional min–max/CI ``band`` ``[x, lo, hi]``), ``bars``
(``rows`` of ``name, colour, mean, lo, hi, seeds``) or ``parcoords``. Long series are thinned
to ``MAX_POINTS`` so the page stays light.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from optarena.report.data import StudyData, metric_of

MAX_POINTS = 400  # per series: a step-level trace is thinned to about this many points
Chart = dict[str, Any]


def num(value: Any) -> float | None:
    """A JSON-safe number: ``None`` for NaN/inf/missing."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def thin(rows: Sequence[Any], limit: int = MAX_POINTS) -> list[Any]:
    """At most about ``limit`` evenly spaced rows, always keeping the last."""
    if len(rows) <= limit:
        return list(rows)
    idx = np.unique(np.append(np.linspace(0, len(rows) - 1, limit).astype(int), len(rows) - 1))
    return [rows[i] for i in idx]


def series(
    name: str,
    colour: str,
    xs: Iterable[Any],
    ys: Iterable[Any],
    *,
    band: tuple[Iterable[Any], Iterable[Any]] | None = None,
    dash: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """One xy series (``band``: lower and upper values at the same ``xs``)."""
    xs = list(xs)
    out: dict[str, Any] = {"name": name, "colour": colour, "dash": dash, **extra}
    out["points"] = thin([[num(x), num(y)] for x, y in zip(xs, ys, strict=True)])
    if band is not None:
        lo, hi = band
        rows = [[num(x), num(a), num(b)] for x, a, b in zip(xs, lo, hi, strict=True)]
        out["band"] = thin(rows)
    return out


def panel(title: str, xlabel: str, ylabel: str, items: list[dict[str, Any]], **kw: Any) -> Chart:
    """An xy panel (``xlog``/``ylog`` keyword flags set log axes)."""
    return {
        "kind": "xy",
        "title": title,
        "x": {"label": xlabel, "log": bool(kw.pop("xlog", False))},
        "y": {"label": ylabel, "log": bool(kw.pop("ylog", False))},
        "series": items,
        **kw,
    }


def _wide(values: Iterable[float], ratio: float) -> bool:
    v = np.asarray([x for x in values if x is not None], dtype=float)
    v = v[np.isfinite(v)]
    return bool(v.size) and v.min() > 0 and v.max() / v.min() > ratio


def band(data: StudyData, ids: list[str], split: str, name: str) -> pd.DataFrame:
    """``curves.seed_band`` (per epoch: ``mean``, ``lo``, ``hi``, ``n`` of the finite values
    over ``ids``) computed with numpy on ``data.epoch_groups``: the same numbers, without
    filtering the whole metrics frame for every series."""
    rows = data.epoch_groups.get((split, name))
    empty = pd.DataFrame({c: [] for c in ("epoch", "mean", "lo", "hi", "n")})
    if rows is None:
        return empty
    mask = np.isin(rows["trial_id"].to_numpy(), np.asarray(ids, dtype=object))
    epoch = rows["epoch"].to_numpy()[mask]
    value = rows["value"].to_numpy(dtype=float)[mask]
    if not epoch.size:
        return empty
    epochs, inv = np.unique(epoch, return_inverse=True)
    n = np.bincount(inv)
    lo = np.full(epochs.size, np.inf)
    hi = np.full(epochs.size, -np.inf)
    np.minimum.at(lo, inv, value)
    np.maximum.at(hi, inv, value)
    mean = np.bincount(inv, weights=value) / n
    return pd.DataFrame({"epoch": epochs, "mean": mean, "lo": lo, "hi": hi, "n": n})


def _band_series(data: StudyData, label: str, split: str, name: str, **kw: Any) -> dict | None:
    b = band(data, data.trial_ids(label), split, name)
    if b.empty:
        return None
    look = data.look[label]
    two = (b["n"] > 1).any()
    return series(
        kw.pop("title", label),
        look.colour,
        b["epoch"],
        b["mean"],
        band=(b["lo"], b["hi"]) if two else None,
        dash=kw.pop("dash", look.linestyle != "-"),
        **kw,
    )


def accuracy_bars(data: StudyData) -> Chart | None:
    from optarena.report.figure_data import mean_ci

    rows = []
    final = data.final_trials
    for label in data.finals:
        values = [v for v in final.loc[final["label"] == label, "score"] if math.isfinite(v)]
        mean, lo, hi = mean_ci(values)
        if math.isfinite(mean):
            rows.append(
                {"name": label, "colour": data.look[label].colour, "mean": mean, "lo": lo,
                 "hi": hi, "seeds": [float(v) for v in values]}
            )  # fmt: skip
    if not rows:
        return None
    label = metric_of(data.trials).label
    return {"panels": [{"kind": "bars", "title": "", "x": {"label": f"test {label}"},
                        "rows": rows}]}  # fmt: skip


def topk_overlay(data: StudyData, k: int = 5) -> Chart | None:
    top = [label for label in data.finals if data.trial_ids(label)][:k]
    metric = metric_of(data.trials)
    panels = []
    for split, name, title in (
        ("val", metric.key, f"Validation {metric.label}"),
        ("train", "loss", "Training loss"),
    ):
        items = [s for s in (_band_series(data, lb, split, name) for lb in top) if s]
        ys = [p[1] for s in items for p in s["points"]]
        ylabel = metric.label if name == metric.key else "loss"
        panels.append(panel(title, "epoch", ylabel, items, ylog=name == "loss" and _wide(ys, 20)))
    return {"panels": panels} if any(p["series"] for p in panels) else None


def loss_vs_time(data: StudyData, k: int = 8) -> Chart | None:
    items = []
    for label in [lb for lb in data.finals if data.trial_ids(lb)][:k]:
        ids = data.trial_ids(label)
        loss = band(data, ids, "train", "loss")
        wall = band(data, ids, "train", "wall_s")
        joined = loss.merge(wall, on="epoch", suffixes=("", "_wall"))
        if joined.empty:
            continue
        look = data.look[label]
        items.append(series(label, look.colour, joined["mean_wall"], joined["mean"],
                            dash=look.linestyle != "-", markers=True))  # fmt: skip
    if not items:
        return None
    ys = [p[1] for s in items for p in s["points"]]
    return {"panels": [panel("", "wall-clock time (s, mean over seeds)", "training loss", items,
                             ylog=_wide(ys, 20))]}  # fmt: skip


def lr_curves(data: StudyData) -> Chart | None:
    from optarena.report.figure_data import schedule_traces

    traces = schedule_traces(data)
    if not traces:
        return None
    items = []
    for label, trace in traces.items():
        look = data.look[label]
        items.append(series(label, look.colour, trace["step"], trace["lr"],
                            dash=look.linestyle != "-"))  # fmt: skip
    ys = np.concatenate([t["lr"].to_numpy() for t in traces.values()])
    return {"panels": [panel("", "optimizer step", "learning rate", items,
                             ylog=_wide(ys.tolist(), 100))]}  # fmt: skip


def lr_sensitivity(data: StudyData) -> Chart | None:
    from optarena.report.figure_data import group_colours, sensitivity_table

    table = sensitivity_table(data)
    if table.empty:
        return None
    colours = group_colours(data, list(dict.fromkeys(table["group"])))
    items = []
    floor = float(np.nanmin(table["lo"])) if np.isfinite(table["lo"]).any() else 0.0
    for group, part in table.groupby("group", sort=False):
        look = colours[group]
        ok = part[np.isfinite(part["mean"])]
        items.append(
            series(str(group), look.colour, ok["lr"], ok["mean"], band=(ok["lo"], ok["hi"]),
                   dash=look.linestyle != "-", markers=True)
        )  # fmt: skip
        lost = part[~np.isfinite(part["mean"])]
        if not lost.empty:
            points = [[num(x), floor, "every seed diverged", "x"] for x in lost["lr"]]
            items.append({"name": str(group), "colour": look.colour, "mode": "markers",
                          "points": points, "legend": False})  # fmt: skip
    label = f"test {metric_of(data.trials).label} (mean, 95% CI)"
    return {"panels": [panel("", "learning rate", label, items, xlog=True)]}


def performance_profile(data: StudyData) -> Chart | None:
    from optarena.report.figure_data import profile_steps

    steps = profile_steps(data, 2)  # the steps are at the ratios: no dense grid needed
    if steps is None:
        return None
    costs, taus, rho, looks = steps
    items = [
        series(str(s), looks[s].colour, taus, rho[s], mode="step", dash=looks[s].linestyle != "-")
        for s in costs.columns
    ]
    return {"panels": [panel("", "τ (ratio to the best test error)",
                             "fraction of tasks within τ", items, xlog=True)]}  # fmt: skip


def entry_grid(data: StudyData, name: str, labels: Sequence[str]) -> Chart | None:
    """``curves.entry_grid`` as a chart: one panel per entry (training and validation)."""
    metric = metric_of(data.trials)
    title = "Loss" if name == "loss" else metric.label.capitalize()
    panels = []
    for label in labels:
        items = []
        for split, what in (("train", "training"), ("val", "validation")):
            s = _band_series(data, label, split, name, title=what, dash=split == "val")
            if s:
                items.append(s)
        if items:
            panels.append(panel(label, "epoch", title.lower(), items))
    return {"panels": panels} if panels else None


def charter(
    function: str, *args: Any, module: str = "charts"
) -> Callable[[StudyData], Chart | None]:
    """``FigureSpec.chart``: ``function`` of ``optarena.report.<module>``, imported when the
    chart is built (listing figures needs no pandas work)."""

    def chart(data: StudyData) -> Chart | None:
        import importlib

        return getattr(importlib.import_module(f"optarena.report.{module}"), function)(data, *args)

    return chart


def charts_for(data: StudyData, specs: Sequence[Any], names: Iterable[str]) -> dict[str, Chart]:
    """The chart of every spec in ``names`` that has one and applies."""
    wanted = set(names)
    out: dict[str, Chart] = {}
    for spec in specs:
        if spec.name in wanted and getattr(spec, "chart", None) is not None:
            chart = spec.chart(data)
            if chart is not None:
                out[spec.name] = chart
    return out
