"""The report of an imported AlgoPerf study: the benchmark score of every submission, its
per-workload times to target, the performance profiles, and how many trials reached each
target. Compact by design: an imported ruleset holds thousands of trials, so the page shows
one row per submission, never one curve per trial."""

from __future__ import annotations

import html
import json
from pathlib import Path

from optarena import atomic
from optarena.analysis.algoperf import algoperf_score, study_targets, trial_hits
from optarena.report import verdict_figs
from optarena.report.verdicts import Verdicts, _figure, _html_table, _md_table
from optarena.store import Store

_STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
    "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:2px 6px}"
    "img{max-width:100%}"
)


def build_algoperf_report(store: Store, study: str, out: Path) -> Path:
    """Write ``report.md``, ``report.html``, ``scores.csv``, ``times_to_target.csv``,
    ``scores.json`` and the profile figure into ``out``; returns the HTML page's path."""
    out.mkdir(parents=True, exist_ok=True)
    result = algoperf_score(store, study)
    targets = study_targets(store, study)
    hits = trial_hits(store, study, targets)
    reached = (
        hits.assign(hit=hits["time"] < float("inf"))
        .groupby("optimizer")["hit"]
        .agg(["sum", "count"])
    )
    scores = result.scores.rename("score").reset_index().rename(columns={"index": "submission"})
    scores.columns = ["submission", "score"]
    scores.insert(0, "rank", range(1, len(scores) + 1))
    scores["trials_reaching_target"] = [
        f"{int(reached.loc[s, 'sum'])}/{int(reached.loc[s, 'count'])}" for s in scores["submission"]
    ]
    times = result.times.loc[result.scores.index].reset_index()
    times = times.rename(columns={times.columns[0]: "submission"})
    atomic.write_text(out / "scores.csv", scores.to_csv(index=False))
    atomic.write_text(out / "times_to_target.csv", times.to_csv(index=False))
    atomic.write_text(
        out / "scores.json", json.dumps({k: float(v) for k, v in result.scores.items()})
    )
    v = Verdicts()
    md = [
        f"# {study}: AlgoPerf benchmark score",
        "",
        "Integrated performance profiles of the time to reach each workload's validation "
        "target (median over studies of the best trial within a study; held-out variants "
        "and the 4x rule as AlgoPerf scores them).",
        "",
        _md_table(scores),
        "## Seconds to target per workload (before the held-out and 4x rules)",
        "",
        _md_table(times),
    ]
    parts = [f"<h1>{html.escape(study)}: AlgoPerf benchmark score</h1>", _html_table(scores)]
    parts += ["<h2>Seconds to target per workload</h2>", _html_table(times)]
    fig = verdict_figs.time_profile_figure(result.profiles.loc[result.scores.index], study)
    _figure(v, md, parts, out, "performance_profiles", fig)
    atomic.write_text(out / "report.md", "\n".join(md) + "\n")
    page = out / "report.html"
    atomic.write_text(
        page,
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(study)}</title>"
        f"<style>{_STYLE}</style></head><body>{''.join(parts)}</body></html>",
    )
    return page
