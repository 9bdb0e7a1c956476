"""A results page: one Markdown file (``docs/results/NAME.md``) for one or more stored studies.

Each study's report (leaderboard, PNG figures, and the range tests ``compare`` saved beside it)
goes into a folder next to the page, under the page's stem; the page says the exact command,
the machine, and the wall time the store recorded. With several studies (the parts of one
study file) it also tabulates how each entry's rank changes from one part to the next.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from optarena import atomic
from optarena.analysis import leaderboard
from optarena.analysis.export import to_markdown
from optarena.paths import child, owned_page_folder
from optarena.report.environment import machine_info

_VECTOR_LINK = re.compile(r" \(vector: \[[^\]]*\]\([^)]*\)\)")
_LINK = re.compile(r"\]\(([^)/]+\.(?:png|csv))\)")


def study_span(store: Any, studies: Sequence[str]) -> float:
    """Seconds from the first trial's start to the last trial's end over ``studies``."""
    starts, ends = [], []
    for study in studies:
        for record in store.trials(study, role=None):
            if record.started is not None:
                starts.append(record.started)
            if record.finished is not None:
                ends.append(record.finished)
    return max(ends) - min(starts) if starts and ends else 0.0


def _duration(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min {secs} s" if hours else f"{minutes} min {secs} s"


def entry_key(row: pd.Series) -> str:
    """An entry without its learning rate (which tuning changes): optimizer, hparams, schedule."""
    parts = [str(row["optimizer"])]
    if isinstance(row.get("hparams"), str) and row["hparams"]:
        parts.append(row["hparams"])
    if row.get("schedule") not in (None, "none"):
        parts.append(str(row["schedule"]))
    return " ".join(parts)


def _accuracy(mean: float, diverged: int) -> str:
    if pd.isna(mean):
        return "diverged" if diverged else "-"
    return f"{mean:.4f}"


def _comparable(boards: list[pd.DataFrame]) -> bool:
    """Several boards that each list an entry once and share at least two entries."""
    keys = [[entry_key(r) for _, r in board.iterrows()] for board in boards]
    if len(keys) < 2 or any(len(k) != len(set(k)) for k in keys):
        return False
    return len(set.intersection(*(set(k) for k in keys))) >= 2


def ranking_changes(boards: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Rank, lr and mean test accuracy of each entry in each study, side by side (each board
    lists an entry at most once, e.g. at default and at tuned learning rates)."""
    merged: pd.DataFrame | None = None
    for study, board in boards.items():
        label = study.rsplit(".", 1)[-1]
        frame = pd.DataFrame(
            {
                "entry": [entry_key(r) for _, r in board.iterrows()],
                f"{label} rank": board["rank"].astype(int).to_numpy(),
                f"{label} lr": [f"{v:.3g}" for v in board["lr"]],
                f"{label} test acc": [
                    _accuracy(v, n) for v, n in zip(board["mean"], board["n_diverged"], strict=True)
                ],
            }
        )
        merged = frame if merged is None else merged.merge(frame, on="entry", how="outer")
    assert merged is not None
    last = [c for c in merged.columns if c.endswith(" rank")][-1]
    return merged.sort_values(last, na_position="last").reset_index(drop=True)


def _study_section(store: Any, study: str, folder: Path, page_dir: Path, runs_out: Path) -> str:
    from optarena.report import build_report
    from optarena.report.render import MANIFEST
    from optarena.report.state import STATE_FILE
    from optarena.report.verdict_render import MANIFEST as VERDICT_MANIFEST

    target = child(folder, study)
    build_report(store, study, target, formats=("png",))  # a Markdown page shows PNG
    write_trial_data(store, study, target)
    for name in ("report.html", STATE_FILE, MANIFEST, VERDICT_MANIFEST):  # only what it shows
        (target / name).unlink(missing_ok=True)
    for svg in target.glob("*.svg"):
        svg.unlink()
    text = (target / "report.md").read_text(encoding="utf-8")
    (target / "report.md").unlink()
    rel = target.relative_to(page_dir).as_posix()
    text = _VECTOR_LINK.sub("", text)
    text = _LINK.sub(lambda m: f"]({rel}/{m.group(1)})", text)
    text = re.sub(r"^(#+) ", lambda m: "#" + m.group(1) + " ", text, flags=re.M)
    data = (
        f"Every trial's config and summary: [trials.csv]({rel}/trials.csv); every epoch's "
        f"metrics: [epochs.csv]({rel}/epochs.csv)."
    )
    lr_finds = _lr_find_section(child(runs_out / "reports", study), target, rel)
    return text + "\n" + data + "\n" + lr_finds


def write_trial_data(store: Any, study: str, target: Path) -> None:
    """``trials.csv`` (one row per trial: config and summary, search trials too) and
    ``epochs.csv`` (every epoch-level metric row) of ``study``, straight from the store, so a
    page's numbers can be checked without the store file."""
    rows = []
    for record in store.trials(study, role=None):
        config, summary = record.config, record.summary or {}
        row = {"trial_id": record.id, "role": record.role, "state": record.state.value}
        for key in ("optimizer", "lr", "schedule", "seed", "epochs", "subset"):
            row[key] = config.get(key)
        row["opt"] = json.dumps(config.get("opt") or {}, sort_keys=True)
        row["sched"] = json.dumps(config.get("sched") or {}, sort_keys=True)
        for key in ("best_val_acc", "best_epoch", "test_acc", "final_test_acc", "wall_s"):
            row[key] = summary.get(key)
        rows.append(row)
    atomic.write_text(target / "trials.csv", pd.DataFrame(rows).to_csv(index=False))
    epochs = store.metrics_frame(study=study, level="epoch")
    atomic.write_text(target / "epochs.csv", epochs.drop(columns=["step"]).to_csv(index=False))


def _lr_find_section(source: Path, target: Path, rel: str) -> str:
    found = sorted(source.glob("lr-find-*.json"))
    if not found:
        return ""
    lines = ["", "### LR range test", ""]
    for file in found:
        result = json.loads(file.read_text())
        png = file.with_suffix(".png")
        if png.is_file():
            with atomic.replacing(target / png.name) as tmp:
                shutil.copyfile(png, tmp)
            lines += [f"![LR range test, {result['optimizer']}]({rel}/{png.name})", ""]
        keys = ("suggested", "valley", "steep", "minimum", "slide")
        values = ", ".join(f"{k} {result[k]:.3g}" for k in keys if result.get(k) is not None)
        lines += [f"`{result['optimizer']}` on `{result['task']}`: {values}.", ""]
    return "\n".join(lines)


def write_results_page(
    store: Any,
    studies: Sequence[str],
    page: Path | str,
    *,
    title: str,
    command: str = "",
    intro: str = "",
    runs_out: Path | str = Path("runs"),
    wall_s: float | None = None,
) -> Path:
    """Write ``page`` and its figures folder (``<page stem>/<study>/``); returns ``page``.
    ``wall_s``: the command's measured wall time (else the store's first-start-to-last-end span,
    which also covers reused trials that ran earlier for another study)."""
    page = Path(page)
    folder = child(page.parent, page.stem, kind="page name")
    for study in studies:
        child(folder, study)
    if not owned_page_folder(folder):
        raise ValueError(
            f"{folder} exists and was not written by optarena: move it, or name another page"
        )
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    info = machine_info()
    lines = [f"# {title}", ""]
    if intro:
        lines += [intro.strip(), ""]
    lines += ["## How this was run", "", "```bash", command or "(command not recorded)", "```", ""]
    lines += [
        f"- Studies in the store: {', '.join(f'`{s}`' for s in studies)}.",
        (
            f"- Wall time: {_duration(wall_s)} for the command above, measured around it."
            if wall_s is not None
            else f"- Wall time: {_duration(study_span(store, studies))}, from the first trial's "
            "start to the last trial's end, as the store recorded them."
        ),
        f"- Machine: {info['platform']}, {info['cpu_count']} CPU cores, Python {info['python']}, "
        f"torch {info['torch']}, optarena {info['optarena']}.",
        "",
    ]
    boards = {s: leaderboard(store, s) for s in studies}
    if _comparable(list(boards.values())):
        lines += [
            "## How the ranking changes",
            "",
            "Rank, learning rate and mean test accuracy (best-validation checkpoint, mean over "
            "seeds) of each entry in each part.",
            "",
            to_markdown(ranking_changes(boards)),
            "",
        ]
    for study in studies:
        lines.append(_study_section(store, study, folder, page.parent, Path(runs_out)))
    atomic.write_text(page, "\n".join(lines).rstrip() + "\n")
    return page
