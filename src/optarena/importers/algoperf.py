"""Import AlgoPerf's published evaluation logs into the results store.

Layout read (MLCommons ``submissions_algorithms``, ``previous_leaderboards/algoperf_v05``)::

    DIR/workload_targets*.json          per workload: metric, validation target, step hint;
                                        the base and held-out workload lists
    DIR/logs/<ruleset>/<submission>/study_<k>/<workload>_<framework>/trial_<t>/
        eval_measurements.csv           one row per evaluation

Each ruleset (``external_tuning``, ``self_tuning``) becomes one study ``PREFIX-<ruleset>``;
each ``eval_measurements.csv`` one complete trial whose config names the workload (``task``),
the submission (``optimizer``), the AlgoPerf study (``seed``) and the tuning trial
(``algoperf_trial``), so a leaderboard entry is one tuning trial of a submission on a workload
with its studies as seeds, ranked by the workload's own metric and direction.
Evaluations are stored as epoch-level rows (``epoch`` = 1-based evaluation index): the
``validation/``, ``test/`` and ``train/`` metrics (``accuracy`` as ``acc``), ``train/wall_s``
= the benchmark's clock (the ``score`` column, else ``accumulated_submission_time``) and
``train/step`` = ``global_step``. The study config holds the targets, so scoring reads only
the store (``optarena.analysis.algoperf``).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from optarena.analysis.targets import first_hit
from optarena.store import Store

SOURCE = "algoperf"
RULESETS = ("external_tuning", "self_tuning")
MINIMIZED = frozenset({"ce_loss", "error_rate", "ctc_loss", "wer", "l1_loss", "loss", "ppl"})
_WORKLOAD_DIR = re.compile(r"^(?P<workload>.+)_(?P<framework>jax|pytorch)$")
_STUDY_DIR = re.compile(r"^study_(\d+)$")
_TRIAL_DIR = re.compile(r"^trial_(\d+)$")
_SKIP_COLUMNS = ("num_examples",)


@dataclass(frozen=True)
class ImportSummary:
    """What one import wrote: studies, trials and metric rows, and files skipped with why."""

    studies: tuple[str, ...]
    trials: int
    rows: int
    skipped: tuple[str, ...]


def metric_name(raw: str) -> str:
    """The store's name for an AlgoPerf metric (``accuracy`` is ``acc``, as the trainer logs)."""
    return "acc" if raw == "accuracy" else raw


def higher_is_better(metric: str) -> bool:
    """AlgoPerf's metric direction: losses and error rates fall, the rest rise."""
    return metric not in MINIMIZED


def load_targets(root: Path) -> dict[str, Any]:
    """The ``workload_targets*.json`` of ``root`` (and held-out draws when present), as the
    dict the study config stores: ``version``, ``base_workloads``, ``held_out_workloads``,
    ``workloads`` ({name: {metric, target, step_hint, higher_is_better}})."""
    files = sorted(root.glob("workload_targets*.json"))
    if not files:
        raise FileNotFoundError(f"no workload_targets*.json in {root}")
    raw = json.loads(files[-1].read_text(encoding="utf-8"))
    try:
        workloads = {
            name: {
                "metric": metric_name(spec["target_metric_name"]),
                "target": float(spec["validation_target_value"]),
                "step_hint": int(spec["step_hint"]),
                "higher_is_better": higher_is_better(spec["target_metric_name"]),
            }
            for name, spec in raw["workloads"].items()
        }
        out = {
            "version": str(raw.get("benchmark_version", "")),
            "base_workloads": list(raw["base_workloads"]),
            "held_out_workloads": list(raw.get("held_out_workloads", [])),
            "workloads": workloads,
        }
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"malformed AlgoPerf targets file {files[-1]}: {exc}") from exc
    missing = [w for w in out["base_workloads"] + out["held_out_workloads"] if w not in workloads]
    if missing:
        raise ValueError(f"{files[-1]}: workloads without a target: {', '.join(missing)}")
    return out


def _logs_root(root: Path) -> Path:
    if not root.is_dir():
        raise NotADirectoryError(f"no AlgoPerf log folder at {root}")
    for candidate in (root / "logs", root):
        if any((candidate / r).is_dir() for r in RULESETS):
            return candidate
    raise ValueError(f"{root} holds no logs/external_tuning or logs/self_tuning folder")


def _trial_files(
    ruleset_dir: Path, skipped: list[str]
) -> Iterator[tuple[str, int, str, str, int, Path]]:
    """``(submission, study, workload, framework, trial, csv path)`` in a stable order; logs
    outside a ``<workload>_<framework>/trial_<t>/`` folder are noted in ``skipped`` (AlgoPerf's
    scoring code does not read them either)."""
    for sub in sorted(p for p in ruleset_dir.iterdir() if p.is_dir()):
        for study_dir in sorted(sub.iterdir()):
            m_study = _STUDY_DIR.match(study_dir.name)
            if not m_study or not study_dir.is_dir():
                continue
            for wl_dir in sorted(study_dir.iterdir()):
                m_wl = _WORKLOAD_DIR.match(wl_dir.name)
                if not m_wl or not wl_dir.is_dir():
                    stray = wl_dir / "eval_measurements.csv"
                    if stray.is_file():
                        skipped.append(f"{stray}: not in a <workload>_<framework> folder")
                    continue
                for trial_dir in sorted(wl_dir.iterdir()):
                    m_trial = _TRIAL_DIR.match(trial_dir.name)
                    path = trial_dir / "eval_measurements.csv"
                    if m_trial and path.is_file():
                        yield (
                            sub.name,
                            int(m_study.group(1)),
                            m_wl.group("workload"),
                            m_wl.group("framework"),
                            int(m_trial.group(1)),
                            path,
                        )


def _float(text: str) -> float:
    try:
        return float(text) if text != "" else math.nan
    except ValueError:
        return math.nan


def read_evals(path: Path, keep: Callable[[str], bool] | None = None) -> dict[str, list[float]]:
    """One ``eval_measurements.csv`` as columns of floats (empty cells and text are NaN); with
    ``keep``, only the columns it accepts are converted."""
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if not header:
            raise ValueError(f"{path} is empty")
        wanted = [(i, h) for i, h in enumerate(header) if keep is None or keep(h)]
        lines = list(reader)
    return {h: _column(lines, i) for i, h in wanted}


def _column(lines: list[list[str]], i: int) -> list[float]:
    """Column ``i`` as floats: the fast path for a clean column, cell by cell otherwise."""
    try:
        return [float(x[i]) for x in lines]
    except (ValueError, IndexError):
        return [_float(x[i]) if i < len(x) else math.nan for x in lines]


def _trial_series(tid: str, evals: dict[str, list[float]]) -> list[tuple[Any, ...]]:
    """Epoch-level series ``(trial_id, split, name, values)`` of one trial (epoch = 1-based
    evaluation index)."""
    clock = evals.get("score") or evals.get("accumulated_submission_time") or []
    out: list[tuple[Any, ...]] = []
    for column, values in evals.items():
        split, _, raw = column.partition("/")
        split = {"validation": "val"}.get(split, split)
        if split not in ("train", "val", "test") or not raw or raw in _SKIP_COLUMNS:
            continue
        out.append((tid, split, metric_name(raw), values))
    if clock:
        out.append((tid, "train", "wall_s", clock))
    if evals.get("global_step"):
        out.append((tid, "train", "step", evals["global_step"]))
    return out


def _summary(evals: dict[str, list[float]], spec: dict[str, Any] | None) -> dict[str, Any]:
    clock = evals.get("score") or evals.get("accumulated_submission_time") or [math.nan]
    steps = evals.get("global_step") or [math.nan] * len(clock)
    out: dict[str, Any] = {"epochs_run": len(clock), "wall_s": clock[-1], "steps": steps[-1]}
    if spec is None:
        return out
    raw = "accuracy" if spec["metric"] == "acc" else spec["metric"]
    val = evals.get(f"validation/{raw}", [])
    test = evals.get(f"test/{raw}", [])
    hib = spec["higher_is_better"]
    finite = [(v, i) for i, v in enumerate(val) if not math.isnan(v)]
    i = first_hit(val, spec["target"], higher_is_better=hib)
    hit = None if i < 0 else i
    best = (max if hib else min)(finite) if finite else (math.nan, None)
    out.update(
        metric=spec["metric"],
        higher_is_better=hib,
        target=spec["target"],
        best_val=best[0],
        best_epoch=None if best[1] is None else best[1] + 1,
        test_at_best=test[best[1]] if best[1] is not None and best[1] < len(test) else math.nan,
        final_val=val[-1] if val else math.nan,
        reached=hit is not None,
        evals_to_target=None if hit is None else hit + 1,
        secs_to_target=math.inf if hit is None else clock[hit],
        steps_to_target=math.inf if hit is None else steps[hit],
    )
    # the keys the leaderboard ranks by (optarena.metrics: test_<key> at the best validation)
    key = spec["metric"]
    out.update(
        {
            f"best_val_{key}": out["best_val"],
            f"test_{key}": out["test_at_best"],
            f"final_test_{key}": test[-1] if test else math.nan,
        }
    )
    return out


def import_algoperf(
    store: Store,
    root: str | Path,
    *,
    prefix: str = "algoperf-v0.5",
    rulesets: tuple[str, ...] = RULESETS,
    metrics: str = "target",
    on_progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import every ``eval_measurements.csv`` under ``root`` (the folder holding ``logs/`` and
    the targets file) into ``store``; one study per ruleset, named ``PREFIX-<ruleset>``.

    ``metrics="target"`` keeps each workload's target metric (validation and test), the clock
    and the step; ``"val"`` only the validation metric and the clock (what scoring reads, half
    the rows); ``"all"`` every logged metric (about twice the rows). Re-importing is
    idempotent (trial ids are config hashes; metric rows replace).
    """
    if metrics not in ("val", "target", "all"):
        raise ValueError(f"metrics must be 'val', 'target' or 'all', not {metrics!r}")
    root = Path(root)
    logs = _logs_root(root)
    targets = load_targets(root if root != logs else root.parent)
    studies, skipped, n_trials, n_rows = [], [], 0, 0
    for ruleset in rulesets:
        if ruleset not in RULESETS:
            raise ValueError(f"AlgoPerf ruleset must be one of {', '.join(RULESETS)}")
        folder = logs / ruleset
        if not folder.is_dir():
            continue
        name = f"{prefix}-{ruleset.replace('_', '-')}"
        store.add_study(name, {"source": SOURCE, "ruleset": ruleset, "algoperf": targets})
        items = []
        for sub, k, workload, framework, t, path in _trial_files(folder, skipped):
            spec = targets["workloads"].get(workload)
            try:
                evals = read_evals(path, None if metrics == "all" else _keep(spec, metrics))
            except (OSError, ValueError, UnicodeDecodeError) as exc:
                skipped.append(f"{path}: {exc}")
                continue
            config = {
                "source": SOURCE,
                "ruleset": ruleset,
                "task": workload,
                "optimizer": sub,
                "framework": framework,
                "algoperf_trial": t,
                "seed": k,  # the AlgoPerf study: an entry's seeds are its studies
                "lr": None,
                "opt": {},
                "schedule": None,
                "sched": {},
            }
            items.append((config, evals, spec))
        ids = store.add_trials(name, [c for c, _, _ in items], role="final")
        series: list[tuple[Any, ...]] = []
        finished: list[tuple[str, str, dict[str, Any]]] = []
        for i, (tid, (_, evals, spec)) in enumerate(zip(ids, items, strict=True)):
            finished.append((tid, "complete", _summary(evals, spec)))
            series += _trial_series(tid, evals)
            if on_progress is not None:
                on_progress(i + 1)
        # bulk writes: one transaction each (Store.finish_many, Store.log_epoch_series)
        store.finish_many(finished)
        n_rows += store.log_epoch_series(sorted(series, key=lambda x: (x[0], x[1], x[2])))
        studies.append(name)
        n_trials += len(items)
    if not studies:
        raise ValueError(f"{logs} holds no AlgoPerf trials")
    return ImportSummary(tuple(studies), n_trials, n_rows, tuple(skipped))


def _keep(spec: dict[str, Any] | None, metrics: str) -> Callable[[str], bool] | None:
    """The columns ``metrics="target"`` (or ``"val"``) converts."""
    if spec is None:
        return None
    raw = "accuracy" if spec["metric"] == "acc" else spec["metric"]
    names = {"score", "accumulated_submission_time", f"validation/{raw}"}
    if metrics == "target":
        names |= {"global_step", f"test/{raw}"}
    return names.__contains__
