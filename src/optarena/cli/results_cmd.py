"""``optarena leaderboard STUDY``: the ranked table of a study from the results store."""

from __future__ import annotations

from enum import Enum

import typer

from optarena.paths import DEFAULT_STORE


class Format(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"


def register(app: typer.Typer) -> None:
    @app.command("leaderboard")
    def leaderboard_cmd(
        study: str = typer.Argument(None, help="The study's name in the store."),
        store: str = typer.Option(
            str(DEFAULT_STORE), "--store", help="Results store file or postgresql:// URL."
        ),
        fmt: Format = typer.Option(Format.table, "--format", help="table, json, csv, markdown."),
        target_acc: float = typer.Option(
            None, "--target-acc", help="Also report epochs/seconds to this validation accuracy."
        ),
        role: str = typer.Option("final", help="Trials to rank: final, search, or all."),
        budget: int = typer.Option(
            None, "--budget", help="Rank by the expected best of this many search trials."
        ),
        tasks: str = typer.Option(
            None,
            "--tasks",
            help="Studies a,b,c: rank solvers by time to target over all their tasks "
            "(AlgoPerf's integrated performance-profile score).",
        ),
    ) -> None:
        """Rank a study's entries by mean test accuracy over seeds, with 95% CIs; with
        --tasks, rank optimizers by time to target across several studies' tasks.

        Examples:  optarena leaderboard default    optarena leaderboard sgd-vs-adam --format csv
          optarena leaderboard --tasks mnist-study,cifar-study
        """
        from optarena.analysis import export, leaderboard
        from optarena.store import open_store

        if tasks is not None:
            from optarena.cli import verdicts_out

            with open_store(store, read_only=True) as db:
                verdicts_out.print_cross_task(db, study, tasks, fmt.value)
            return
        if study is None:
            raise ValueError("name a study (or several with --tasks a,b,c)")

        if target_acc is not None and not 0 <= target_acc <= 1:
            raise ValueError(f"--target-acc must be in [0, 1], not {target_acc}")
        if role not in ("final", "search", "all"):
            raise ValueError(f"--role must be final, search or all, not {role!r}")
        from optarena.cli import verdicts_out

        with open_store(store, read_only=True) as db:
            if budget is not None:
                verdicts_out.print_budget(db, study, budget, fmt.value)
                return
            frame = leaderboard(
                db, study, target_acc=target_acc, role=None if role == "all" else role
            )
            wins, plans = verdicts_out.wins_for(db, study, frame)
        if fmt is Format.json:
            print(verdicts_out.json_with_wins(frame, wins))
        elif fmt is Format.csv:
            print(export.to_csv(frame), end="")
        elif fmt is Format.markdown:
            print(export.to_markdown(frame), end="")
        else:
            from optarena.cli.output import console

            if frame.empty:
                console.print(f"study {study!r} has no trials yet")
                return
            console.print(export.to_table(frame, title=f"optarena leaderboard: {study}"))
            verdicts_out.print_plans(plans)
