"""``optarena export STUDY --to tensorboard DIR | --to mlflow URI [--store FILE]``."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export(
        study: str = typer.Argument(..., help="Study name in the store."),
        to: str = typer.Option(..., "--to", help="tensorboard | mlflow"),
        where: str = typer.Argument(
            ..., metavar="DEST", help="tensorboard: a folder; mlflow: a tracking URI."
        ),
        store: str = typer.Option(
            "runs/optarena.db", "--store", help="Results store file or postgresql:// URL."
        ),
    ) -> None:
        """Export a study's trials (every step and epoch metric, hyper-parameters, states).

        TensorBoard: DEST/STUDY/TRIAL/ event files and the HParams dashboard
        (`tensorboard --logdir DEST`). MLflow: an experiment named STUDY with one run per
        trial (e.g. DEST = sqlite:///mlflow.db, or a tracking server's http:// URL).

        Examples:  optarena export demo --to tensorboard tb/
          optarena export demo --to mlflow sqlite:///mlflow.db
        """
        from optarena.exporters import TARGETS
        from optarena.store import open_store

        if to not in TARGETS:
            from optarena.errors import unknown_name

            raise unknown_name("export target", to, TARGETS)
        with open_store(store, create=False, read_only=True) as results:
            results.study(study)
            if to == "tensorboard":
                from optarena.exporters.tensorboard import export_tensorboard

                typer.echo(str(export_tensorboard(results, study, where)))
            else:
                from optarena.exporters.mlflow import export_mlflow

                experiment = export_mlflow(results, study, where)
                typer.echo(f"{where} experiment {experiment} ({study})")
