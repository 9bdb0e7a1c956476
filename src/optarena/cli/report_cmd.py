"""``optarena report STUDY [--store FILE] [--out DIR] [--serve]``."""

from __future__ import annotations

from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import typer


def serve(directory: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve ``directory`` over HTTP until Ctrl-C (loopback unless ``host`` says otherwise)."""
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
        study: str = typer.Argument(..., help="Study name in the store."),
        store: Path = typer.Option(Path("runs/optarena.db"), "--store", help="Results store."),
        out: Path = typer.Option(None, "--out", help="Folder [default: runs/reports/STUDY/]."),
        serve_page: bool = typer.Option(False, "--serve", help="Serve the report over HTTP."),
        host: str = typer.Option("127.0.0.1", "--host", help="Address --serve binds to."),
        port: int = typer.Option(8000, "--port", help="Port for --serve (0: any free port)."),
    ) -> None:
        """Write report.html (self-contained), report.md, leaderboard.csv and the figures (PNG,
        SVG) of a study; prints the path of report.html.

        Examples:  optarena report demo    optarena report demo --store runs/x.db --out out/
        """
        from optarena.report import build_report
        from optarena.store import Store

        with Store(store, create=False) as results:
            page = build_report(results, study, out)
        typer.echo(str(page))
        if serve_page:
            serve(page.parent, host, port)
