"""``optarena compare``: run a study (many optimizers/schedules/LRs × seeds) and rank them."""

from __future__ import annotations

from pathlib import Path

import typer

from optarena.cli.params import PNG_HELP, SVG_HELP, figure_formats, parse_params

DEFAULT_OUT = Path("runs")


def register(app: typer.Typer) -> None:
    app.command("compare")(compare)


def compare(
    spec_file: Path = typer.Argument(None, help="A study TOML file (see studies/README.md)."),
    task: str = typer.Option(None, help="A registered task (see `optarena list tasks`)."),
    data: str = typer.Option(None, help="Or a data path: an image folder, .npz or json.gz."),
    model: str = typer.Option(None, help="Override the task's model."),
    optimizers: str = typer.Option(
        None, "--optimizers", "--optimizer", help="Comma-separated optimizer names or module:Class."
    ),
    opt: list[str] = typer.Option(
        None, help="Hyper-parameter k=v for every optimizer, NAME.k=v for one (repeatable)."
    ),
    schedules: str = typer.Option(
        None,
        "--schedules",
        "--schedule",
        help="Comma-separated schedule names ('none' = constant).",
    ),
    sched: list[str] = typer.Option(
        None, help="Schedule parameter k=v for every schedule, NAME.k=v for one (repeatable)."
    ),
    lrs: str = typer.Option(None, "--lrs", "--lr", help="0.1,0.01 | default | tune | auto"),
    seeds: int = typer.Option(None, help="Number of seeds (0..N-1)."),
    epochs: int = typer.Option(None, help="Epochs per trial (default: the task's)."),
    batch_size: int = typer.Option(None, help="Batch size (default: the task's)."),
    subset: int = typer.Option(None, help="Use at most N training examples."),
    image_size: int = typer.Option(None, help="Resize images to N×N (image folders)."),
    schedule_unit: str = typer.Option(None, help="What schedules count: epoch or step."),
    name: str = typer.Option(
        None, help="Study name in the store (default: file stem or 'default')."
    ),
    executor: str = typer.Option(
        "auto", help="auto (vectorized groups where they pay) | serial | local | ray | vectorized"
    ),
    workers: int = typer.Option(None, help="Parallel trials (default: CPU cores)."),
    address: str = typer.Option(None, help="Ray cluster address (default: start a local Ray)."),
    storage: str = typer.Option(
        None, help="Where Ray trials keep checkpoints: a path or s3://... URI (default: --out)."
    ),
    store: str = typer.Option(
        None, help="Results store file or postgresql://USER@HOST/DB (default: OUT/optarena.db)."
    ),
    out: Path = typer.Option(DEFAULT_OUT, help="Run folder (checkpoints under trials/<id>/)."),
    data_dir: str = typer.Option(None, help="Folder with a named dataset's files."),
    download: bool = typer.Option(None, help="Download a named dataset if missing."),
    device: str = typer.Option(None, help="auto, cpu, cuda, cuda:N or mps."),
    tune_trials: int = typer.Option(None, help="Search trials per optimizer for --lrs tune."),
    tune_epochs: int = typer.Option(None, help="Epochs per search trial for --lrs tune."),
    retry_failed: bool = typer.Option(False, help="Run failed trials again."),
    lease: float = typer.Option(120.0, help="Seconds a trial's lease lasts without a heartbeat."),
    report: bool = typer.Option(True, help="Write the HTML/Markdown report."),
    png: bool = typer.Option(False, "--png", help=PNG_HELP),
    svg: bool = typer.Option(False, "--svg", help=SVG_HELP),
    smoke: bool = typer.Option(
        False, help="Tiny budget (1 epoch, 1 seed, 256 examples) to check the study runs."
    ),
) -> None:
    """Train every optimizer/schedule/LR × seed of a study, fairly, and print the leaderboard.

    With no arguments runs the built-in default study (digits-mlp, 13 optimizers × 3 seeds).

    Examples:
      optarena compare
      optarena compare studies/default.toml --executor serial
      optarena compare --task mnist-cnn --optimizers sgd,momentum,adam --seeds 3 --epochs 2
      optarena compare studies/mnist-learning-rates.toml --data-dir data/mnist --smoke

    A file with `[parts.P]` tables runs each part as its own study `NAME.P`; `--smoke` runs
    them as `NAME-smoke.P`.
    """
    from optarena.paths import check_name
    from optarena.store import DEFAULT_STORE, store_target
    from optarena.study import DEFAULT_STUDY, check_names, parse_spec
    from optarena.study.flags import merge_flags
    from optarena.study.plan import finished_plan
    from optarena.study.smoke import smoke_budget
    from optarena.study.spec import load_toml, study_parts
    from optarena.study.validate import check_run_flags

    raw = load_toml(spec_file) if spec_file is not None else dict(DEFAULT_STUDY)
    flags = dict(
        task=task,
        data=data,
        model=model,
        optimizers=optimizers,
        opt=parse_params(opt) or None,
        schedules=schedules,
        sched=parse_params(sched) or None,
        lrs=lrs,
        seeds=seeds,
        epochs=epochs,
        batch_size=batch_size,
        subset=subset,
        image_size=image_size,
        schedule_unit=schedule_unit,
        data_dir=data_dir,
        download=download,
        device=device,
        tune_trials=tune_trials,
        tune_epochs=tune_epochs,
    )
    study_name = name or raw.get("name") or (spec_file.stem if spec_file else "default")
    if smoke:
        study_name = f"{study_name}-smoke"
    check_name(study_name)
    check_run_flags(executor, workers, lease)
    specs = []
    for part_name, part_raw in study_parts(raw, study_name):
        part_raw = merge_flags(part_raw, flags)
        specs.append(parse_spec(smoke_budget(part_raw) if smoke else part_raw, name=part_name))
    store_path = store_target(store) if store is not None else out / DEFAULT_STORE.name
    formats = figure_formats(png, svg)
    # A finished study with a cached plan needs no expansion, no checks, no training (no torch).
    done = {
        s.name: finished_plan(s, s.name, store_path=store_path, out=out, retry_failed=retry_failed)
        for s in specs
    }
    todo = [spec for spec in specs if done[spec.name] is None]
    if todo:
        from optarena.study.executors.local import prestart
        from optarena.study.validate import validate_spec

        prestart(todo[0], executor, workers)  # its imports and data overlap the checks below

        for spec in todo:
            check_names(spec)
            validate_spec(spec)
        if executor == "ray":
            from optarena.study.executors.ray_executor import check_ray_options

            check_ray_options(address, storage)
    for spec in specs:
        ids = done[spec.name]
        if ids is not None:
            typer.echo(
                f"\nstudy {spec.name!r}: 0 trials run now, {len(ids)} already done, 0 failed; "
                f"store {store_path}",
                err=True,
            )
            _finish(store_path, spec.name, out, not report, formats)
            continue
        ray_at = (address, storage)
        _run(spec, store_path, out, executor, workers, lease, retry_failed, ray_at, report, formats)


def _run(
    spec,
    store_path: Path,
    out: Path,
    executor: str,
    workers: int | None,
    lease: float,
    retry_failed: bool,
    ray_at: tuple[str | None, str | None],
    report: bool,
    formats: tuple[str, ...],
) -> None:
    """Run one study (or part), print its leaderboard, write its report and range tests."""
    from optarena.paths import child
    from optarena.study import run_study
    from optarena.study.lr_find import run_lr_finds
    from optarena.study.plan import write_plan
    from optarena.study.progress import StudyProgress

    preload = None
    if report:  # the report's imports while the trials train (this process only waits)
        from optarena.report import preload as report_preload

        preload = report_preload.start(files=bool(formats))
    with StudyProgress() as progress:
        run = run_study(
            spec,
            store_path=store_path,
            out=out,
            executor=executor,
            workers=workers,
            name=spec.name,
            progress=progress,
            lease_s=lease,
            retry_failed=retry_failed,
            address=ray_at[0],
            storage=ray_at[1],
        )
    from optarena.store.postgres import redact

    typer.echo(
        f"\nstudy {spec.name!r}: {len(run.executed)} trials run now, {run.skipped} already done, "
        f"{len(run.failed)} failed; store {redact(str(store_path))}",
        err=True,
    )
    write_plan(spec, spec.name, out, run.trial_ids)  # a re-run finds the trials without torch
    if preload is not None:
        preload.join()  # the report forks its figure workers: no import may be half done
    _finish(store_path, spec.name, out, not report, formats)
    for found in run_lr_finds(spec, child(out / "reports", spec.name)):
        typer.echo(f"lr-find {found['optimizer']}: suggested {found['suggested']}")


def _finish(
    store_path: Path, study: str, out: Path, no_report: bool, formats: tuple[str, ...] = ()
) -> None:
    """Print the leaderboard and write the report (plain table if analysis is unavailable).
    A report up to date with the store is kept as it is, and the leaderboard it cached is
    printed (no pandas, scipy or matplotlib to load)."""
    from optarena.cli.output import console, print_table
    from optarena.paths import child
    from optarena.store import open_store

    with open_store(store_path) as store:
        if not no_report:
            from optarena.board import rows_table
            from optarena.report.state import expected_state, read_state, up_to_date

            folder = child(out / "reports", study)
            state = up_to_date(folder, expected_state(store, study, formats))
            if state is None:  # (re)build it; it caches the leaderboard it computed
                try:
                    from optarena.report import build_report
                except ImportError:
                    typer.echo("report: optarena.report is not available", err=True)
                else:
                    build_report(store, study, folder, formats=formats)
                    state = read_state(folder)
            if state is not None:
                board = state["leaderboard"]
                console.print(rows_table(board["rows"], board["columns"], title=f"study {study}"))
                typer.echo(f"report: {folder / 'report.html'}")
                return
        try:
            from optarena.analysis import leaderboard, to_table
        except ImportError:
            rows = [
                {
                    "optimizer": t.config.get("optimizer"),
                    "lr": t.config.get("lr"),
                    "seed": t.config.get("seed"),
                    "state": t.state.value,
                    "test_acc": (t.summary or {}).get("test_acc"),
                }
                for t in store.trials(study)
            ]
            print_table(rows, title=f"study {study} (analysis not available: plain table)")
        else:
            console.print(to_table(leaderboard(store, study), title=f"study {study}"))
