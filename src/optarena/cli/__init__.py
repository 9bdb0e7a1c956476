"""The ``optarena`` command line: thin wiring over the library.

Each room registers its own commands from one module here (``register(app)``); this file only
assembles them and turns bad input into one clear line on stderr with exit code 2.
"""

from __future__ import annotations

import sys

import typer

from optarena.cli import (
    compare_cmd,
    data_cmd,
    demo_cmd,
    export_cmd,
    import_cmd,
    list_cmd,
    report_cmd,
    results_cmd,
    schedule_cmd,
    serve_cmd,
    tools_cmd,
    train_cmd,
)

app = typer.Typer(
    name="optarena",
    help="Compare deep-learning optimizers and learning-rate schedules fairly.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

for _module in (
    compare_cmd,
    demo_cmd,
    list_cmd,
    train_cmd,
    schedule_cmd,
    data_cmd,
    results_cmd,
    report_cmd,
    serve_cmd,
    tools_cmd,
    import_cmd,
    export_cmd,
):
    _module.register(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the app; user errors (bad flags included) become one ``error: ...``
    line and exit code 2, Ctrl-C one ``interrupted`` line and exit code 130 (``errors.py``).
    As the process's entry (``argv`` None) it ends through :func:`exit_now`."""
    code = _run(argv)
    if argv is None:
        exit_now(code)
    sys.exit(code)


def _run(argv: list[str] | None) -> int:
    from optarena.cli.errors import ClickException, user_error
    from optarena.cli.help_render import load_help_renderer

    load_help_renderer()
    try:
        code = app(args=argv, prog_name="optarena", standalone_mode=False)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo(
            "interrupted (Ctrl-C): finished trials are stored; run the command again to resume",
            err=True,
        )
        return 130
    except ClickException as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # bare `optarena`: the help
            exc.show()
            return exc.exit_code
        typer.echo(f"error: {exc.format_message()} (see `optarena -h`)", err=True)
        return exc.exit_code
    except Exception as exc:
        message = user_error(exc)
        if message is None:
            raise
        typer.echo(f"error: {message}", err=True)
        return 2
    return code if isinstance(code, int) and not isinstance(code, bool) else 0


#: libraries whose teardown at exit is slow (``exit_now`` skips it once one is loaded)
HEAVY = ("torch", "pandas", "matplotlib")


def exit_now(code: int) -> None:
    """End the process with ``code`` without the interpreter's teardown when torch, pandas or
    matplotlib is loaded: freeing their objects one by one at exit costs up to a second and
    only returns memory to a process that is ending. Everything else an exit does is done
    first: the ``atexit`` handlers run (worker processes joined, loggers and caches flushed)
    and the standard streams are flushed. With a non-daemon thread still running, the exit
    is the ordinary one (which waits for it)."""
    import threading

    others = [t for t in threading.enumerate() if t is not threading.main_thread()]
    heavy = any(name in sys.modules for name in HEAVY)
    if not heavy or any(not t.daemon for t in others):
        sys.exit(code)
    import atexit
    import os

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)
