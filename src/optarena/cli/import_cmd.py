"""``optarena import algoperf DIR`` and ``optarena score STUDY`` (AlgoPerf benchmark score)."""

from __future__ import annotations

import math
import time
from enum import Enum
from pathlib import Path

import typer

from optarena.cli.output import print_json, print_table, stdout_console
from optarena.paths import DEFAULT_STORE


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def register(app: typer.Typer) -> None:
    import_app = typer.Typer(help="Read results produced elsewhere into the store.")
    app.add_typer(import_app, name="import", no_args_is_help=True)

    @import_app.command("algoperf")
    def algoperf_cmd(
        folder: Path = typer.Argument(..., help="Folder with logs/ and workload_targets*.json."),
        store: str = typer.Option(str(DEFAULT_STORE), "--store", help="Results store file or URL."),
        prefix: str = typer.Option("algoperf-v0.5", "--prefix", help="Study name prefix."),
        metrics: str = typer.Option(
            "target",
            "--metrics",
            help="target (target metric, clock, step), val (validation metric and clock) or all.",
        ),
    ) -> None:
        """Import AlgoPerf's published eval_measurements.csv logs: one study per ruleset.

        Example:  optarena import algoperf ../shared/data/algoperf_v05 --store runs/ap.db
        """
        from optarena.importers.algoperf import import_algoperf
        from optarena.store import open_store

        start = time.perf_counter()
        # SQLite: no fsync per commit while importing (durable across a crash, not a power loss)
        with open_store(store, synchronous="NORMAL") as db:
            summary = import_algoperf(db, folder, prefix=prefix, metrics=metrics)
        took = time.perf_counter() - start
        console = stdout_console()
        console.print(
            f"imported {summary.trials} trials ({summary.rows} metric rows) in {took:.1f} s "
            f"into {store}: {', '.join(summary.studies)}"
        )
        if summary.skipped:
            console.print(f"skipped {len(summary.skipped)} files, e.g. {summary.skipped[0]}")

    @app.command("score")
    def score_cmd(
        study: str = typer.Argument(..., help="An imported AlgoPerf study."),
        store: str = typer.Option(str(DEFAULT_STORE), "--store", help="Results store file or URL."),
        fmt: Format = typer.Option(Format.table, "--format", help="table, json or csv."),
        tau_max: float = typer.Option(4.0, "--tau-max", help="Upper end of the profile."),
        best: str = typer.Option(
            "evals",
            "--best",
            help="A study's best trial: evals (fewest evaluations to target, as AlgoPerf's "
            "scoring code) or time (fastest).",
        ),
    ) -> None:
        """AlgoPerf benchmark scores (integrated performance profiles of time to target) and
        the per-workload times of every submission in an imported AlgoPerf study.

        Example:  optarena score algoperf-v0.5-external-tuning --store runs/ap.db
        """
        from optarena.analysis.algoperf import algoperf_score
        from optarena.store import open_store

        with open_store(store, create=False) as db:
            result = algoperf_score(db, study, tau_max=tau_max, best=best)
        rows = []
        for rank, (name, value) in enumerate(result.scores.items(), start=1):
            times = result.times.loc[name]
            row = {"rank": rank, "submission": name, "score": round(float(value), 4)}
            row.update({w: _secs(times.get(w, math.nan)) for w in result.times.columns})
            rows.append(row)
        if fmt is Format.json:
            print_json(rows)
        elif fmt is Format.csv:
            import pandas as pd

            print(pd.DataFrame(rows).to_csv(index=False), end="")
        else:
            print_table(rows, title=f"AlgoPerf score: {study} (seconds to target per workload)")


def _secs(value: float) -> float | str:
    value = float(value)
    return "inf" if math.isinf(value) else round(value, 1) if not math.isnan(value) else "-"
