"""``optarena serve [--store FILE] [--host H] [--port N] [--out DIR]``: the live view."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        store: str = typer.Option(
            "runs/optarena.db", "--store", help="Results store file or postgresql:// URL."
        ),
        host: str = typer.Option(
            "127.0.0.1", "--host", help="Address to bind (anything but loopback warns)."
        ),
        port: int = typer.Option(8000, "--port", min=0, max=65535, help="0: any free port."),
        out: Path = typer.Option(
            None, "--out", help="Folder for the built reports [default: a temporary one]."
        ),
        poll: float = typer.Option(2.0, "--poll", help="Seconds between a page's refreshes."),
    ) -> None:
        """Serve the store's studies read-only: an index, and per study a live page (progress,
        finished trials, validation curves, refreshed while the study runs) above its report.

        Examples:  optarena serve    optarena serve --store runs/x.db --port 8080
        """
        from optarena.serve import make_server

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            server = make_server(store, out or Path(), host=host, port=port, poll_s=poll)
        if out is None:  # only once the store opened: a private temporary folder
            server.out = Path(tempfile.mkdtemp(prefix="optarena-serve-"))
        for warning in caught:
            typer.echo(f"warning: {warning.message}", err=True)
        with server:
            url_host = f"[{host}]" if ":" in host else host
            typer.echo(f"serving http://{url_host}:{server.server_address[1]}/ (Ctrl-C stops)")
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass
