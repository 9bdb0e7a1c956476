"""The report's "How sure?" section: budget curves, win probabilities with the seeds planner,
ranking stability and time to target (with cross-task performance profiles), as Markdown,
self-contained HTML, CSV/JSON files and PNG figures. Numbers come from ``optarena.analysis``
(``budget``, ``wins``, ``stability``, ``targets``); this module only lays them out.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from optarena import atomic
from optarena.analysis.budget import budget_curves
from optarena.analysis.leaderboard import entry_id, task_of
from optarena.analysis.stability import flip_warning, stability_by_task
from optarena.analysis.targets import integrated_score, profile_grid, trial_time
from optarena.analysis.wins import seeds_plan, top_entries, win_matrix
from optarena.report.verdict_charts import heat_table
from optarena.report.verdict_render import PendingFigures
from optarena.store import Store, TrialState

TOP = 5
DERIVED_FRACTION = 0.99  # a derived target: this fraction of the leader's best validation acc


@dataclass
class Verdicts:
    """What the section adds: Markdown, an HTML fragment, the numbers and the files."""

    markdown: str = ""
    html: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    formats: tuple[str, ...] = ("png",)
    #: puts the figures in place once they are drawn (set by ``build`` given a renderer)
    finish: Callable[[], None] = lambda: None


def task_targets(
    store: Store, study: str, *, higher_is_better: bool = True, key: str = "acc"
) -> dict[str, tuple[float, str]]:
    """``{task: (target, how)}``: the study's ``targets`` table (or ``target_acc``) when set,
    else ``DERIVED_FRACTION`` of the best entry's mean best validation accuracy."""
    config = store.study(study).config
    given = config.get("targets") or {}
    out: dict[str, tuple[float, str]] = {}
    means: dict[tuple[str, str], list[float]] = {}
    tasks: set[str] = set()
    for r in store.trials(study, state=TrialState.COMPLETE, role="final"):
        tasks.add(task_of(r.config))
        v = (r.summary or {}).get(f"best_val_{key}")
        if v is not None:
            means.setdefault((task_of(r.config), entry_id(r.config)), []).append(float(v))
    for task in sorted(tasks):
        if task in given:
            out[task] = (float(given[task]), "set in the study")
        elif config.get("target_acc") is not None:
            out[task] = (float(config["target_acc"]), "set in the study")
        elif any(t == task for t, _ in means):
            vals = [float(np.mean(v)) for (t, _), v in means.items() if t == task]
            best = max(vals) if higher_is_better else min(vals)
            best = best * DERIVED_FRACTION if higher_is_better else best / DERIVED_FRACTION
            out[task] = (best, f"derived: {DERIVED_FRACTION:g} x the leader's best val")
    return out


def steps_through(store: Store, records: list[Any]) -> dict[str, dict[int, float]]:
    """``{trial_id: {epoch: optimizer steps taken through that epoch}}``: one more than the
    last step index the trainer logged (``train/lr`` step rows) in epochs up to it."""
    rows = store.metrics_frame(
        trial_ids=[r.id for r in records], names=["lr", "loss"], splits=["train"], level="step"
    )
    out: dict[str, dict[int, float]] = {}
    if rows.empty:
        return out
    last = rows.dropna(subset=["epoch"]).groupby(["trial_id", "epoch"])["step"].max()
    for (tid, epoch), step in last.items():
        out.setdefault(str(tid), {})[int(epoch)] = float(step) + 1
    for by_epoch in out.values():  # cumulative: an epoch's steps include the earlier ones
        running = 0.0
        for epoch in sorted(by_epoch):
            running = by_epoch[epoch] = max(running, by_epoch[epoch])
    return out


def _steps_at(record: Any, epoch: float, logged: dict[str, dict[int, float]]) -> float:
    """Steps through ``epoch``: logged, else the summary's ``steps_run`` spread evenly over
    its ``epochs_run`` (exact when every epoch has as many batches); NaN when neither."""
    if not math.isfinite(epoch):
        return epoch
    by_epoch = logged.get(record.id, {})
    if int(epoch) in by_epoch:
        return by_epoch[int(epoch)]
    summary = record.summary or {}
    steps, epochs = summary.get("steps_run"), summary.get("epochs_run")
    if steps is None or not epochs:
        return math.nan
    return float(steps) * epoch / float(epochs)


def time_to_target(
    store: Store, study: str, *, higher_is_better: bool = True, key: str = "acc"
) -> pd.DataFrame:
    """Per entry: ``task, optimizer, schedule, entry, target, epochs, steps, seconds,
    n_reached, n_seeds`` (medians over seeds; a seed that misses counts as ``inf`` in the
    median; ``steps`` are optimizer steps through the epoch that reached the target);
    ``key``: the validation metric the target is on (:mod:`optarena.metrics`)."""
    targets = task_targets(store, study, higher_is_better=higher_is_better, key=key)
    records = store.trials(study, state=TrialState.COMPLETE, role="final")
    rows = store.metrics_frame(
        trial_ids=[r.id for r in records], names=[key, "wall_s"], level="epoch"
    )
    series = {k: g.sort_values("epoch") for k, g in rows.groupby(["trial_id", "name"])}
    logged = steps_through(store, records)
    per: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
    meta: dict[tuple[str, str], tuple[str, str]] = {}
    for r in records:
        task = task_of(r.config)
        if task not in targets:
            continue
        acc = series.get((r.id, key))
        wall = series.get((r.id, "wall_s"))
        if acc is None:
            continue
        target = targets[task][0]
        values = acc["value"].to_numpy(dtype=np.float64)
        epochs = acc["epoch"].to_numpy(dtype=np.float64)
        e, i = trial_time(values, epochs, target, higher_is_better=higher_is_better)
        secs = math.inf
        if i >= 0 and wall is not None:
            w = wall[wall["epoch"] == int(e)]["value"]
            secs = float(w.iloc[0]) if len(w) else math.nan
        slot = (task, entry_id(r.config))
        per.setdefault(slot, []).append((e, secs, _steps_at(r, e, logged)))
        meta[slot] = (str(r.config.get("optimizer")), str(r.config.get("schedule") or "none"))
    out = []
    for (task, entry), hits in per.items():
        e = np.array([h[0] for h in hits])
        s = np.array([h[1] for h in hits])
        steps = np.array([h[2] for h in hits])
        out.append(
            {
                "task": task,
                "optimizer": meta[task, entry][0],
                "schedule": meta[task, entry][1],
                "entry": entry,
                "target": targets[task][0],
                "target_from": targets[task][1],
                "epochs": float(np.median(e)),
                "steps": float(np.median(steps)),
                "seconds": float(np.median(s)),
                "n_reached": int(np.isfinite(e).sum()),
                "n_seeds": len(hits),
            }
        )
    frame = pd.DataFrame(out)
    return frame.sort_values(["task", "seconds", "epochs"]).reset_index(drop=True) if out else frame


def cross_task_scores(ttt: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series] | None:
    """AlgoPerf-style profiles and integrated scores over tasks (solver = optimizer/schedule,
    its fastest entry per task); None with fewer than two tasks."""
    if ttt.empty or ttt["task"].nunique() < 2:
        return None
    solver = ttt["optimizer"] + "/" + ttt["schedule"]
    times = ttt.assign(solver=solver).pivot_table(
        index="solver", columns="task", values="seconds", aggfunc="min"
    )
    profiles = profile_grid(times)
    return profiles, integrated_score(profiles).sort_values(ascending=False)


def build(
    store: Store,
    study: str,
    out: Path,
    *,
    higher_is_better: bool = True,
    formats: tuple[str, ...] = ("png",),
    key: str = "acc",
    label: str = "accuracy",
    renderer: Any = None,
) -> Verdicts:
    """Compute the section for ``study`` and write its files into ``out`` (figures as PNG, and
    SVG too when ``formats`` has it; cached by ``verdict_render``); every number is of the
    metric ``key`` (``label``), in its direction. With ``renderer`` (the report's
    ``render.Renderer``) the figures are drawn while the caller goes on: call ``finish()`` on
    the result before reading its Markdown or HTML."""
    v = Verdicts(formats=formats)
    figs = PendingFigures(files=bool(formats))  # charts, or files drawn through the cache
    way = "higher" if higher_is_better else "lower"
    ranked = f"All verdicts compare {label} ({way} is better)."
    md: list[str] = ["", "## How sure? Budgets, win probabilities, stability, time to target", "",
                     ranked, ""]  # fmt: skip
    parts: list[str] = [f"<section id='verdicts'><h2>How sure?</h2><p>{html.escape(ranked)}</p>"]

    curves = budget_curves(
        store, study, metric=f"best_val_{key}", higher_is_better=higher_is_better
    )
    if not curves.empty:
        _csv(v, out / "budget_curves.csv", curves)
        v.numbers["budget_curves"] = _records(curves)
        md += ["### Budget curves (expected best validation score after k search trials)", ""]
        parts.append("<h3>Budget curves</h3>")
        for task in sorted(curves["task"].unique()):
            last = curves[curves["task"] == task].groupby(["optimizer", "schedule"]).tail(1)
            md.append(_md_table(last[["optimizer", "schedule", "k", "expected", "low", "high"]]))
            parts.append(
                _html_table(last[["optimizer", "schedule", "k", "expected", "low", "high"]])
            )
            figs.add(md, parts, f"budget_{_safe(task)}", "budget_figure", curves, task)

    tops = top_entries(store, study, top=TOP, metric=f"test_{key}")
    wins_all, plans = [], {}
    for task, entries in tops.items():
        matrix = win_matrix(entries, higher_is_better=higher_is_better)
        if matrix.empty:
            continue
        wins_all.append(matrix.assign(task=task))
        names = list(entries)
        plan = seeds_plan(entries[names[0]], entries[names[1]])
        plans[task] = plan
        md += [f"### Win probabilities: {_md_text(task)} (paired seeds, Wilson 95% interval)", ""]
        grid = _win_grid(matrix, names)
        md.append(_md_table(grid))
        parts.append(f"<h3>Win probabilities: {html.escape(task)}</h3>" + heat_table(matrix, names))
        if plan["message"]:
            md += [f"**Seeds planner:** {_md_text(plan['message'])}.", ""]
            parts.append(
                f"<p class='warn'><b>Seeds planner:</b> {html.escape(plan['message'])}.</p>"
            )
        figs.add(md, parts, f"wins_{_safe(task)}", "win_matrix_figure", matrix, names, task)
    if wins_all:
        wins = pd.concat(wins_all, ignore_index=True)
        _csv(v, out / "win_probabilities.csv", wins)
        v.numbers["win_probabilities"] = _records(wins)
        v.numbers["seeds_planner"] = plans

    tables = stability_by_task(store, study, metric=key, higher_is_better=higher_is_better)
    if any(not t.empty for t in tables.values()):
        stab = pd.concat([t.assign(task=k) for k, t in tables.items()], ignore_index=True)
        _csv(v, out / "ranking_stability.csv", stab)
        v.numbers["ranking_stability"] = _records(stab)
        md += ["### Ranking stability (Kendall's tau against the final ranking)", ""]
        parts.append("<h3>Ranking stability</h3>")
        for task, table in tables.items():
            warning = flip_warning(table)
            if warning:
                md += [f"**Warning ({_md_text(task)}):** {_md_text(warning)}.", ""]
                parts.append(
                    f"<p class='warn'><b>Warning ({html.escape(task)}):</b> "
                    f"{html.escape(warning)}.</p>"
                )
        figs.add(md, parts, "ranking_stability", "stability_figure", tables)

    ttt = time_to_target(store, study, higher_is_better=higher_is_better, key=key)
    if not ttt.empty:
        _csv(v, out / "time_to_target.csv", ttt)
        v.numbers["time_to_target"] = _records(ttt)
        cols = ["task", "optimizer", "schedule", "target", "epochs", "steps", "seconds",
                "n_reached", "n_seeds"]  # fmt: skip
        md += ["### Time to target (median over seeds; a miss is inf)", "", _md_table(ttt[cols])]
        parts.append("<h3>Time to target</h3>" + _html_table(ttt[cols]))
        scored = cross_task_scores(ttt)
        if scored is not None:
            profiles, scores = scored
            v.numbers["cross_task_scores"] = {k: float(x) for k, x in scores.items()}
            frame = scores.rename("score").reset_index()
            md += ["Cross-task integrated performance-profile score (AlgoPerf's rule):", "",
                   _md_table(frame)]  # fmt: skip
            parts.append(_html_table(frame))
            title = "Performance profiles of time to target"
            ordered = profiles.loc[scores.index]
            figs.add(md, parts, "time_profiles", "time_profile_figure", ordered, title)
    atomic.write_text(out / "verdicts.json", json.dumps(v.numbers, default=_json))
    v.files.append(out / "verdicts.json")
    parts.append("</section>")

    def finish() -> None:
        v.files += figs.fill(md, parts)
        v.markdown, v.html = "\n".join(md) + "\n", "\n".join(parts)
        v.finish = lambda: None

    if renderer is None:
        from optarena.report.render import Renderer

        with Renderer(None) as own:
            figs.submit(own, out, formats)
            finish()
    else:  # drawn beside the report's figures; ``v.finish()`` puts them in place
        figs.submit(renderer, out, formats)
        v.finish = finish
    return v


def _win_grid(matrix: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    """Rows beat columns: ``p [low, high]`` per cell (``-`` without shared seeds)."""
    cell = {
        (r.a, r.b): "-" if r.n == 0 else f"{r.p:.2f} [{r.low:.2f}, {r.high:.2f}] n={r.n}"
        for r in matrix.itertuples(index=False)
    }
    rows = [{"P(row beats column)": a, **{b: cell.get((a, b), "") for b in names}} for a in names]
    return pd.DataFrame(rows)


def _figure(v: Verdicts, md: list[str], parts: list[str], out: Path, name: str, fig) -> None:
    if fig is None:
        return
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    path = out / f"{name}.png"
    atomic.write_bytes(path, buffer.getvalue())
    v.files.append(path)
    if "svg" in v.formats:
        with atomic.replacing(out / f"{name}.svg") as tmp:
            fig.savefig(tmp, format="svg")
        v.files.append(out / f"{name}.svg")
    md += [f"![{name}]({name}.png)", ""]
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    parts.append(f"<img alt='{html.escape(name)}' src='data:image/png;base64,{data}'>")


def _csv(v: Verdicts, path: Path, frame: pd.DataFrame) -> None:
    atomic.write_text(path, frame.to_csv(index=False))
    v.files.append(path)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records"))


def _json(value: Any) -> Any:
    return float(value) if isinstance(value, np.floating) else str(value)


def _fmt(value: Any) -> str:
    if isinstance(value, float | np.floating):
        return "inf" if np.isinf(value) else "-" if np.isnan(value) else f"{value:.4g}"
    return str(value)


def _md_table(frame: pd.DataFrame) -> str:
    head = "| " + " | ".join(_md_cell(str(c)) for c in frame.columns) + " |"
    rule = "|" + "---|" * len(frame.columns)
    body = [
        "| " + " | ".join(_md_cell(x) for x in row) + " |" for row in frame.itertuples(index=False)
    ]
    return "\n".join([head, rule, *body]) + "\n"


def _md_cell(value: Any) -> str:
    """A Markdown cell: HTML-escaped (renderers pass raw HTML through), pipes escaped."""
    return html.escape(_fmt(value), quote=False).replace("|", "\\|").replace("\n", " ")


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(x))}</td>" for x in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _md_text(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in name)


def insert_html(page: str, fragment: str) -> str:
    """``page`` with ``fragment`` placed before its closing ``</body>`` (appended if none)."""
    at = page.rfind("</body>")
    return page + fragment if at < 0 else page[:at] + fragment + page[at:]
