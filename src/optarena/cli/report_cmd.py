"""``optarena report STUDY [--store FILE] [--out DIR] [--serve]``."""

from __future__ import annotations

from pathlib import Path

import typer

from optarena.cli.params import PNG_HELP, SVG_HELP, figure_formats


def serve(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``directory`` over HTTP until Ctrl-C (loopback unless ``host`` says otherwise)."""
    from functools import partial
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    handler = partial(SimpleHTTPRequestHandler, directory=str(directory))
    with ThreadingHTTPServer((host, port), handler) as server:
        typer.echo(f"serving http://{host}:{server.server_address[1]}/report.html (Ctrl-C stops)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def register(app: typer.Typer) -> None:
    @app.command("report")
    def report(
        study: list[str] = typer.Argument(None, help="Study name(s) in the store."),
        store: str = typer.Option(
            "runs/optarena.db", "--store", help="Results store file or postgresql:// URL."
        ),
        out: Path = typer.Option(None, "--out", help="Folder [default: runs/reports/STUDY/]."),
        serve_page: bool = typer.Option(False, "--serve", help="Serve the report over HTTP."),
        png: bool = typer.Option(False, "--png", help=PNG_HELP),
        svg: bool = typer.Option(False, "--svg", help=SVG_HELP),
        host: str = typer.Option("127.0.0.1", "--host", help="Address --serve binds to."),
        port: int = typer.Option(
            8000, "--port", min=0, max=65535, help="Port for --serve (0: any free port)."
        ),
        page: Path = typer.Option(
            None, "--page", help="Write one results page (Markdown) for the study or studies."
        ),
        title: str = typer.Option(None, "--title", help="The results page's title."),
        command: str = typer.Option(None, "--command", help="The command the page quotes."),
        intro: Path = typer.Option(None, "--intro", help="Markdown file opening the page."),
        wall_s: float = typer.Option(
            None, "--wall-s", help="The command's measured wall time, for --page."
        ),
        runs: Path = typer.Option(
            Path("runs"), "--runs", help="The compare --out folder (its range tests)."
        ),
        tasks: str = typer.Option(
            None,
            "--tasks",
            help="Studies a,b,c: one page of time to target and performance profiles over "
            "all their tasks.",
        ),
    ) -> None:
        """Write report.html (self-contained, every figure an interactive chart), report.md
        and leaderboard.csv of a study, and with --png (--svg) its figures as PNG (and SVG)
        files shown in report.md too; prints the path of report.html. A report up to date
        with the store is left as it is; otherwise only figures whose data changed are drawn.

        With --page: one Markdown results page for one or more studies (e.g. the parts of a
        study file), its figures in a folder beside it, and how the ranking changes between
        the studies.

        With --tasks a,b,c: one page (report.md, report.html, CSV, JSON, profile figure) of
        time to target and AlgoPerf-style performance profiles over the tasks of the studies.

        Examples:  optarena report demo    optarena report demo --store runs/x.db --out out/
          optarena report s.default-lrs s.tuned-lrs --page docs/results/s.md --command "..."
          optarena report --tasks mnist-study,cifar-study --out runs/reports/cross
        """
        from optarena.report import build_report
        from optarena.report.results_page import write_results_page
        from optarena.store import open_store

        study = list(study or [])
        if tasks is not None:
            from optarena.report.cross_task import parse_tasks, write_cross_task_report

            names = study + [t for t in parse_tasks(tasks) if t not in study]
            from optarena.report.build import default_out_dir

            target = out or default_out_dir(("cross-" + "-".join(names))[:100])
            with open_store(store, read_only=True) as results:
                html = write_cross_task_report(results, names, target)
            typer.echo(str(html))
            if serve_page:
                serve(html.parent, host, port)
            return
        if not study:
            raise ValueError("name a study (or several with --tasks a,b,c)")

        if page is None and len(study) > 1:
            raise ValueError("several studies make one results page: add --page FILE.md")
        with open_store(store, read_only=True) as results:
            if page is not None:
                written = write_results_page(
                    results,
                    study,
                    page,
                    title=title or page.stem,
                    command=command or "",
                    intro=intro.read_text(encoding="utf-8") if intro else "",
                    runs_out=runs,
                    wall_s=wall_s,
                )
                typer.echo(str(written))
                return
            html = build_report(results, study[0], out, formats=figure_formats(png, svg))
        typer.echo(str(html))
        if serve_page:
            serve(html.parent, host, port)
