"""The live view's server in-process (no browser): its routes, JSON numbers equal to the store's,
read-only access, escaping, and the warning for an address other than loopback."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request

import pytest

from optarena.serve import make_server
from optarena.serve.live import study_status
from optarena.store import open_store

EVIL = "<b>x</b>"


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "s.db"
    with open_store(path) as store:
        store.add_study("demo", {"note": EVIL})
        done = store.add_trial("demo", {"optimizer": "sgd", "lr": 0.1, "seed": 0, "epochs": 2})
        running = store.add_trial("demo", {"optimizer": EVIL, "lr": 0.01, "seed": 0, "epochs": 2})
        store.add_trial("demo", {"optimizer": "adam", "lr": 0.001, "seed": 1, "epochs": 2})
        store.claim(done, "me", lease_s=60)
        store.log_metrics(done, [(None, 0, "val", "acc", 0.5), (None, 1, "val", "acc", 0.75)])
        store.finish(done, "complete", {"test_acc": 0.7, "best_val_acc": 0.75}, owner="me")
        store.claim(running, "me", lease_s=60)
        store.log_metrics(running, [(None, 0, "val", "acc", 0.25)])
    return path


@pytest.fixture
def base_url(store_path, tmp_path):
    server = make_server(store_path, tmp_path / "reports", port=0, poll_s=0.5)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_status_json_matches_the_store(base_url, store_path):
    code, text = _get(f"{base_url}/api/study/demo.json")
    status = json.loads(text)
    with open_store(store_path, read_only=True) as store:
        counts = store.counts("demo")
        trials = store.trials("demo")
        assert status == json.loads(json.dumps(study_status(store, "demo")))
    assert code == 200
    assert status["counts"] == counts and status["total"] == len(trials) == 3
    assert status["finished"] == 1 and status["running"] is True
    by_id = {t["id"]: t for t in status["trials"]}
    assert [by_id[t.id]["state"] for t in trials] == [t.state.value for t in trials]
    done = trials[0].id
    assert by_id[done]["score"] == trials[0].summary["test_acc"]
    assert status["curves"][done] == [[0, 0.5], [1, 0.75]]
    assert status["curves"][trials[1].id] == [[0, 0.25]]
    assert trials[2].id not in status["curves"]


def test_index_and_pages(base_url):
    code, index = _get(f"{base_url}/")
    assert code == 200 and 'href="/study/demo/"' in index and "1/3" in index
    code, studies = _get(f"{base_url}/api/studies.json")
    assert json.loads(studies) == [
        {"name": "demo", "total": 3, "finished": 1,
         "counts": {"pending": 1, "running": 1, "complete": 1, "diverged": 0, "failed": 0}}
    ]  # fmt: skip
    code, page = _get(f"{base_url}/study/demo/")
    assert code == 200 and '"/api/study/demo.json"' in page and 'src="report.html"' in page
    assert _get(f"{base_url}/study/nope/")[0] == 404
    assert _get(f"{base_url}/api/study/nope.json")[0] == 404
    assert _get(f"{base_url}/study/demo/..%2Fs.db")[0] == 404
    assert _get(f"{base_url}/study/demo/missing.png")[0] == 404
    assert _get(f"{base_url}/elsewhere")[0] == 404


def test_user_strings_never_become_markup(base_url):
    _, text = _get(f"{base_url}/api/study/demo.json")
    assert any(EVIL in t["label"] for t in json.loads(text)["trials"])  # JSON, shown as text
    for path in ("/", "/study/demo/"):
        assert "<b>" not in _get(base_url + path)[1]


def test_the_server_only_reads(store_path, base_url):
    before = store_path.read_bytes()
    for path in ("/", "/api/study/demo.json", "/study/demo/", "/api/studies.json"):
        _get(base_url + path)
    assert store_path.read_bytes() == before


def test_missing_store_and_other_addresses(tmp_path, store_path):
    with pytest.raises(FileNotFoundError, match="no results store"):
        make_server(tmp_path / "none.db", tmp_path / "r", port=0)
    assert not (tmp_path / "none.db").exists()
    with pytest.warns(UserWarning, match="anyone who can reach"):
        server = make_server(store_path, tmp_path / "r", host="0.0.0.0", port=0)
    server.server_close()


def test_cli_refuses_a_missing_store_in_one_line(tmp_path, capsys):
    from optarena.cli import main

    with pytest.raises(SystemExit) as info:
        main(["serve", "--store", str(tmp_path / "none.db"), "--port", "0"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: no results store")


def test_report_route_builds_with_the_report_builder(base_url, tmp_path, monkeypatch):
    import optarena.report

    calls = []

    def fake_build(store, study, out):
        calls.append((study, out))
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.html").write_text(f"<html>report of {study}</html>")
        (out / "fig.png").write_bytes(b"\x89PNG")
        return out / "report.html"

    monkeypatch.setattr(optarena.report, "build_report", fake_build)
    code, text = _get(f"{base_url}/study/demo/report.html")
    assert (code, text) == (200, "<html>report of demo</html>")
    assert calls == [("demo", tmp_path / "reports" / "demo")]
    with urllib.request.urlopen(f"{base_url}/study/demo/fig.png", timeout=30) as reply:
        assert reply.headers["Content-Type"] == "image/png" and reply.read() == b"\x89PNG"

    def broken(store, study, out):
        raise RuntimeError("boom")

    monkeypatch.setattr(optarena.report, "build_report", broken)
    code, text = _get(f"{base_url}/study/demo/report.html")
    assert code == 500 and "RuntimeError: boom" in text
