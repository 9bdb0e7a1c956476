"""``optarena data inspect PATH_OR_NAME`` and ``optarena data download NAME``."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Any

import typer

from optarena.cli.output import print_json, print_table, stdout_console


class Format(str, Enum):
    table = "table"
    json = "json"


def _print_summary(summary: dict[str, Any]) -> None:
    console = stdout_console()
    console.print(f"[bold]{summary['name']}[/bold]  ({summary['format']}, {summary['source']})")
    console.print(
        f"{summary['num_classes']} classes, input {tuple(summary['input_shape'])} "
        f"{summary['dtype']}; carved: {', '.join(summary['carved']) or 'none'}"
    )
    rows = [
        {"class": c, **{s: summary["per_class"][s][c] for s in summary["splits"]}}
        for c in summary["classes"]
    ]
    rows.append({"class": "total", **summary["splits"]})
    print_table(rows, title="examples per class and split")
    original = summary.get("original_images") or {}
    if original.get("count"):
        (w0, w1), (h0, h1), (common, n) = (
            original["width"],
            original["height"],
            original["most_common"],
        )
        console.print(
            f"original images: {original['count']}, width {w0}..{w1}, height {h0}..{h1}, "
            f"most common {common} ({n}), modes {original['modes']}"
        )
    skipped = summary["skipped"]
    console.print(f"skipped files: {len(skipped)}")
    if skipped:
        print_table(skipped[:50], title="skipped (first 50)")


def register(app: typer.Typer) -> None:
    data_app = typer.Typer(help="Inspect and download datasets.", no_args_is_help=True)
    app.add_typer(data_app, name="data")

    @data_app.command("inspect")
    def inspect_cmd(
        source: str = typer.Argument(
            ..., help="A dataset name (see `optarena list datasets`) or a path."
        ),
        data_dir: Path = typer.Option(
            None, "--data-dir", help="Folder holding a named dataset's files."
        ),
        download: bool = typer.Option(
            False, "--download", help="Fetch a named dataset's missing files."
        ),
        image_size: int = typer.Option(
            None, "--image-size", help="Resize images (folders default to 64)."
        ),
        grayscale: bool = typer.Option(
            None, "--grayscale/--rgb", help="Convert images to grey or RGB."
        ),
        fmt: Format = typer.Option(Format.table, "--format", help="table, or json."),
        grid: Path = typer.Option(
            None, "--grid", help="Save a PNG grid of labelled sample images."
        ),
    ) -> None:
        """Classes, split sizes, per-class counts, image sizes and skipped files of a dataset.

        Examples:  optarena data inspect digits    optarena data inspect my_photos/ --format json
        optarena data inspect mnist --data-dir ~/data/mnist --grid mnist.png
        """
        from optarena.data import load
        from optarena.data.grid import save_grid
        from optarena.data.inspect import summarize

        ds = load(
            source, data_dir=data_dir, download=download, image_size=image_size, grayscale=grayscale
        )
        summary = summarize(ds)
        if grid is not None:
            summary["grid"] = str(save_grid(ds, grid))
        if fmt is Format.json:
            print_json(summary)
        else:
            _print_summary(summary)
            if grid is not None:
                stdout_console().print(f"sample grid saved to {summary['grid']}")

    @data_app.command("download")
    def download_cmd(
        name: str = typer.Argument(..., help="A registered dataset name, e.g. mnist or cifar10."),
        data_dir: Path = typer.Option(
            None, "--data-dir", help="Where to put the files (default: the cache)."
        ),
    ) -> None:
        """Download a named dataset's canonical files (resumable, checksums verified).

        Example:  optarena data download fashion-mnist --data-dir ~/data/fashion-mnist
        """
        from optarena.data import download

        folder = download(name, data_dir)
        stdout_console().print(f"{name}: files verified in {folder}")
