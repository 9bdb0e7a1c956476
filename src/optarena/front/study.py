"""A finished (or resumed) study as a Python object: tables, curves, the report, the best
checkpoint, and figures that Jupyter shows inline (``_repr_html_``, ``_repr_png_``).

Everything is read from the store, so a ``Study`` can also be opened later by name:
``Study("digits-mlp", "runs/optarena.db")``.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SHOWN = ("rank", "optimizer", "schedule", "lr", "mean", "ci_low", "ci_high", "n_seeds",
         "p_value", "sig", "n_diverged", "metric")  # fmt: skip


@dataclass
class Figure:
    """A PNG that Jupyter displays inline (``_repr_png_``); ``save(path)`` writes it."""

    png: bytes
    title: str = ""

    def _repr_png_(self) -> bytes:
        return self.png

    def save(self, path: str | Path) -> Path:
        from optarena import atomic

        path = Path(path)
        atomic.write_bytes(path, self.png)
        return path


class Study:
    """The study ``name`` in the store at ``store_path`` (runs under ``out``)."""

    def __init__(
        self, name: str, store_path: str | Path, out: str | Path = "runs", run: Any = None
    ) -> None:
        self.name, self.store_path, self.out, self.run = name, store_path, Path(out), run

    def _open(self) -> Any:
        from optarena.store import open_store

        return open_store(self.store_path, create=False)

    # --- tables ----------------------------------------------------------------------------

    def leaderboard(self, **kwargs: Any) -> Any:
        """The leaderboard DataFrame (:func:`optarena.analysis.leaderboard`): mean test metric
        with 95% CI over seeds, paired p-value against the leader; ``.attrs["ranked_by"]``
        names the metric and its direction."""
        from optarena.analysis import leaderboard

        with self._open() as store:
            frame = leaderboard(store, self.name, **kwargs)
        frame.attrs["ranked_by"] = self.ranked_by(frame)
        return frame

    @staticmethod
    def ranked_by(frame: Any) -> str:
        from optarena import metrics

        if frame.empty:
            return "nothing yet"
        metric = metrics.get(str(frame["metric"].iloc[0]))
        return f"mean test {metric.label} ({metric.direction})"

    def curves(self) -> Any:
        """Epoch-level metrics of every trial, long form: ``trial_id, optimizer, schedule,
        lr, seed, state, epoch, split, name, value``."""
        import pandas as pd

        with self._open() as store:
            records = store.trials(self.name)
            frame = store.metrics_frame(trial_ids=[r.id for r in records], level="epoch")
        meta = pd.DataFrame(
            [{"trial_id": r.id, "optimizer": r.config.get("optimizer"),
              "schedule": r.config.get("schedule") or "none", "lr": r.config.get("lr"),
              "seed": r.config.get("seed"), "state": r.state.value} for r in records]
        )  # fmt: skip
        if meta.empty:
            return frame
        merged = frame.merge(meta, on="trial_id", how="left")
        cols = ["trial_id", "optimizer", "schedule", "lr", "seed", "state", "epoch", "split",
                "name", "value"]  # fmt: skip
        return merged[cols].sort_values(["optimizer", "lr", "seed", "epoch"], kind="stable")

    def best(self) -> dict[str, Any]:
        """The leader's best seed: ``{"trial_id", "config", "checkpoint", "metric", "value",
        "ranked_by"}`` (``checkpoint``: its best-validation ``best.pt``)."""
        from optarena.analysis.leaderboard import entry_id
        from optarena.metrics import of_summary
        from optarena.store import TrialState

        board = self.leaderboard()
        if board.empty or board["mean"].isna().all():
            raise ValueError(f"study {self.name!r} has no complete trial yet")
        leader = board.sort_values(["task", "rank"]).iloc[0]
        with self._open() as store:
            done = [r for r in store.trials(self.name, state=TrialState.COMPLETE, role="final")
                    if entry_id(r.config) == leader["entry"]]  # fmt: skip
        metric = of_summary(done[0].summary)
        key = f"test_{metric.key}"
        scored = [r for r in done if (r.summary or {}).get(key) is not None]
        sign = 1 if metric.higher_is_better else -1
        top = max(scored, key=lambda r: sign * float(r.summary[key]))
        return {
            "trial_id": top.id,
            "config": dict(top.config),
            "checkpoint": (top.summary or {}).get("checkpoint"),
            "metric": metric.name,
            "value": float(top.summary[key]),
            "ranked_by": board.attrs["ranked_by"],
        }

    # --- files and figures -----------------------------------------------------------------

    def report(
        self, path: str | Path | None = None, *, png: bool = False, force: bool = False
    ) -> Path:
        """Write the HTML/Markdown report into folder ``path`` (default
        ``OUT/reports/NAME``), with every figure as a PNG file too when ``png``; returns
        ``report.html``."""
        from optarena.paths import child
        from optarena.report import build_report

        folder = Path(path) if path is not None else child(self.out / "reports", self.name)
        formats = ("png",) if png else ()
        with self._open() as store:
            return Path(build_report(store, self.name, folder, formats=formats, force=force))

    def plot(self, split: str = "val") -> Figure:
        """Mean ``split`` metric per epoch for each entry (mean over seeds), as a PNG."""
        import matplotlib

        matplotlib.use("Agg", force=False)
        from matplotlib.figure import Figure as MplFigure

        board = self.leaderboard()
        ranked = self.ranked_by(board)
        frame = self.curves()
        key = str(board["metric"].iloc[0]) if not board.empty else "accuracy"
        from optarena import metrics

        name = metrics.get(key).key
        part = frame[(frame["split"] == split) & (frame["name"] == name)] if len(frame) else frame
        fig = MplFigure(figsize=(6, 3.6))
        ax = fig.add_subplot()
        if len(part):
            part = part.assign(entry=part["optimizer"] + " lr=" + part["lr"].map("{:g}".format)
                               + " " + part["schedule"].astype(str))  # fmt: skip
            for entry, g in part.groupby("entry"):
                mean = g.groupby("epoch")["value"].mean()
                ax.plot(mean.index.astype(int), mean.values, marker="o", label=str(entry))
            ax.legend(fontsize=7)
        ax.set_xlabel("epoch")
        ax.set_ylabel(f"{split} {metrics.get(key).label}")
        ax.set_title(f"{self.name}: {ranked}", fontsize=9)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
        return Figure(buffer.getvalue(), ranked)

    def _repr_png_(self) -> bytes:
        return self.plot().png

    def _repr_html_(self) -> str:
        board = self.leaderboard()
        shown = board[[c for c in SHOWN if c in board.columns]]
        png = base64.b64encode(self.plot().png).decode("ascii")
        return (
            f"<h4>study {html.escape(self.name)}: ranked by "
            f"{html.escape(board.attrs['ranked_by'])}</h4>"
            + shown.to_html(index=False, float_format=lambda x: f"{x:.4g}")
            + f"<img alt='curves' src='data:image/png;base64,{png}'>"
        )

    def __repr__(self) -> str:
        return f"Study({self.name!r}, store={str(self.store_path)!r})"
