"""``optarena serve``: the store's studies, read-only and live, over the standard library's
``http.server.ThreadingHTTPServer`` (no HTTP parsing of our own).

Routes: ``/`` (index), ``/api/studies.json``, ``/study/NAME/`` (live page),
``/study/NAME/report.html`` (the report of ``optarena report``, built by
``report.build_report`` into ``OUT/NAME/`` and rebuilt when the study changed),
``/study/NAME/FILE`` (the report's figures and tables), ``/api/study/NAME.json``
(``live.study_status``). Every request opens the store read-only and closes it again.
"""

from __future__ import annotations

import json
import mimetypes
import socket
import threading
import traceback
import warnings
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from optarena.serve import live, pages

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class StudyServer(ThreadingHTTPServer):
    """A threading HTTP server that knows its store, report folder and poll interval."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], store: Any, out: Path, poll_s: float):
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        super().__init__(address, _Handler)
        self.store_target, self.out, self.poll_s = store, Path(out), poll_s
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def lock(self, study: str) -> threading.Lock:
        """One lock per study: a report is built by one request at a time."""
        with self._guard:
            return self._locks.setdefault(study, threading.Lock())

    def open(self) -> Any:
        from optarena.store import open_store

        return open_store(self.store_target, create=False, read_only=True)


class _Handler(BaseHTTPRequestHandler):
    server: StudyServer
    server_version = "optarena-serve"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass  # quiet: the terminal shows the address and errors only

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = urlsplit(self.path).path
        try:
            if path == "/":
                with self.server.open() as store:
                    studies = live.studies_status(store)
                return self._send(pages.index_page(studies, self.server.poll_s))
            if path == "/api/studies.json":
                with self.server.open() as store:
                    return self._json(live.studies_status(store))
            if path.startswith("/api/study/") and path.endswith(".json"):
                name = unquote(path[len("/api/study/") : -len(".json")])
                with self.server.open() as store:
                    if name not in store.study_names():
                        return self._missing(name)
                    return self._json(live.study_status(store, name))
            if path.startswith("/study/"):
                return self._study(*_split(path[len("/study/") :]))
        except (ValueError, OSError) as exc:
            return self._send(pages.message_page("error", str(exc)), HTTPStatus.BAD_REQUEST)
        except Exception as exc:  # noqa: BLE001 - e.g. a store busy for a moment: answer, go on
            traceback.print_exc()
            text = f"{type(exc).__name__}: {exc}"
            return self._send(pages.message_page("error", text), HTTPStatus.INTERNAL_SERVER_ERROR)
        self._send(pages.message_page("not found", f"no page {path}"), HTTPStatus.NOT_FOUND)

    def _study(self, name: str, rest: str | None) -> None:
        with self.server.open() as store:
            if name not in store.study_names():
                return self._missing(name)
            if rest is None:  # /study/NAME: the page's relative links need the slash
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", pages.study_url(name))
                self.end_headers()
                return None
            if rest == "":
                return self._send(pages.study_page(name, self.server.poll_s))
            folder = self.server.out / _safe(name)
            if rest == "report.html":
                return self._report(store, name, folder)
        file = folder / rest
        if "/" in rest or rest.startswith(".") or not file.is_file():
            return self._send(pages.message_page("not found", rest), HTTPStatus.NOT_FOUND)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return self._send(file.read_bytes(), content_type=kind)

    def _report(self, store: Any, name: str, folder: Path) -> None:
        from optarena.report import build_report

        if not any(t.summary for t in store.trials(name)):
            text = "No finished trial yet: the report appears when the first one ends."
            return self._send(pages.message_page(name, text))
        try:
            with self.server.lock(name):
                page = build_report(store, name, folder)
        except Exception as exc:  # noqa: BLE001 - one page's failure, not the server's
            traceback.print_exc()
            text = f"the report could not be built: {type(exc).__name__}: {exc}"
            return self._send(pages.message_page(name, text), HTTPStatus.INTERNAL_SERVER_ERROR)
        return self._send(page.read_bytes())

    def _missing(self, name: str) -> None:
        text = f"no study {name!r} in this store"
        self._send(pages.message_page("not found", text), HTTPStatus.NOT_FOUND)

    def _json(self, data: Any) -> None:
        self._send(json.dumps(data).encode(), content_type="application/json")

    def _send(
        self,
        body: str | bytes,
        status: HTTPStatus = HTTPStatus.OK,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)


def _split(rest: str) -> tuple[str, str | None]:
    """``NAME/FILE`` -> (name, file); ``NAME/`` -> (name, ""); ``NAME`` -> (name, None)."""
    head, slash, tail = rest.partition("/")
    return unquote(head), (unquote(tail) if slash else None)


def _safe(study: str) -> str:
    from optarena.report.build import default_out_dir

    return default_out_dir(study).name


def make_server(
    store: Any, out: str | Path, *, host: str = "127.0.0.1", port: int = 8000, poll_s: float = 2.0
) -> StudyServer:
    """A server (not yet serving) for ``store`` (a path or URL, opened read-only per request;
    it must exist); reports are built into ``out``. A host other than loopback warns: the
    pages then reach whoever can reach this machine."""
    from optarena.store import open_store

    if not poll_s > 0:
        raise ValueError(f"the poll interval must be positive, got {poll_s}")
    open_store(store, create=False, read_only=True).close()  # a missing store: one clear error
    if host not in LOOPBACK:
        warnings.warn(
            f"serving on {host}: anyone who can reach this address can read the studies",
            UserWarning,
            stacklevel=2,
        )
    return StudyServer((host, port), store, Path(out), poll_s)
