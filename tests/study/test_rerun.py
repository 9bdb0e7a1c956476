"""A re-run of a finished study (issue 18): same trial ids as before, a cached plan instead of
expansion, no training, no figure, and neither torch nor matplotlib imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from optarena.store import Store
from optarena.study import DEFAULT_STUDY, expand, parse_spec
from optarena.study.plan import finished_plan, plan_key, read_plan, write_plan
from optarena.study.smoke import smoke_budget
from optarena.study.spec import load_toml, study_parts

FIXTURE = Path(__file__).parent / "fixtures" / "trial_ids.json"
STUDIES = Path(__file__).resolve().parents[2] / "studies"


def test_trial_ids_are_those_of_the_code_before_issue_18():
    """The fixture was generated from the code before these changes; ids are config hashes
    and must never move (stores of earlier versions stay valid). The Paddle-tutorial study files
    are left out: issue 13 moved them to the ``paddle:`` dialect on purpose (new configs), and
    ``--smoke`` now also caps evaluation (``eval_subset``, a new task option, so new ids on
    purpose): the rest of its budget keeps the old ids."""
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))
    got = {"default": [c.trial_id for c in expand(parse_spec(dict(DEFAULT_STUDY), name="d"))]}
    smoke = smoke_budget(dict(DEFAULT_STUDY))
    assert smoke.pop("eval_subset") >= 1
    got["default-smoke"] = [c.trial_id for c in expand(parse_spec(smoke, name="x"))]
    for key in expected:
        if ":" in key:
            file, part = key.split(":")
            raw = dict(study_parts(load_toml(STUDIES / file), Path(file).stem))[part]
            got[key] = [c.trial_id for c in expand(parse_spec(raw, name=part), check=False)]
    assert got == expected


def _finish_all(store: Store, ids: list[str]) -> None:
    for trial_id in ids:
        assert store.claim(trial_id, "me", 60)
        store.finish(trial_id, "complete", {"test_acc": 0.5}, owner="me")


def test_a_plan_is_used_only_while_every_trial_is_finished_and_the_spec_unchanged(tmp_path):
    spec = parse_spec({"task": "digits-mlp", "optimizers": ["sgd", "adam"], "seeds": 2}, name="s")
    configs = expand(spec)
    ids = [c.trial_id for c in configs]
    db = tmp_path / "optarena.db"
    assert finished_plan(spec, "s", store_path=db, out=tmp_path) is None  # no plan, no store
    assert write_plan(spec, "s", tmp_path, ids) is not None
    assert read_plan(spec, "s", tmp_path) == ids
    with Store(db) as store:
        store.add_study("s", spec.to_dict())
        store.add_trials("s", [c.identity() for c in configs])
        _finish_all(store, ids[:-1])
        assert finished_plan(spec, "s", store_path=db, out=tmp_path) is None  # one pending
        _finish_all(store, ids[-1:])
        assert finished_plan(spec, "s", store_path=db, out=tmp_path) == ids
        other = parse_spec({"task": "digits-mlp", "optimizers": ["sgd"], "seeds": 2}, name="s")
        assert finished_plan(other, "s", store_path=db, out=tmp_path) is None  # no plan for it
        store.add_study("s", {**spec.to_dict(), "epochs": 3})  # the store holds another spec
        assert finished_plan(spec, "s", store_path=db, out=tmp_path) is None


def test_plans_whose_expansion_depends_on_more_than_the_spec_are_not_cached():
    base = {"task": "digits-mlp", "optimizers": ["sgd"]}
    assert plan_key(parse_spec(base, name="s"), "s") is not None
    assert plan_key(parse_spec(base, name="s"), "s") != plan_key(parse_spec(base, name="t"), "t")
    for change in ({"optimizers": ["mymodule:MyOpt"]}, {"lrs": "tune"}, {"lrs": "auto"}):
        assert plan_key(parse_spec({**base, **change}, name="s"), "s") is None, change


AUDIT = """
import json, sys
import optarena.cli
before = set(sys.modules)
try:
    optarena.cli.main(sys.argv[1:])
except SystemExit as exc:
    assert not exc.code, exc.code
added = sorted({m.split(".")[0] for m in set(sys.modules) - before})
sys.stderr.write("AUDIT " + json.dumps({"added": added}))
"""


FAST_PATH = """
import sys
from pathlib import Path
from optarena.board import rows_table
from optarena.report.state import expected_state, up_to_date
from optarena.store import Store
from optarena.study import parse_spec
from optarena.study.plan import finished_plan
raw = {"task": "digits-mlp", "optimizers": ["sgd", "adam"], "seeds": 1, "epochs": 1,
       "subset": 150}
spec = parse_spec(raw, name="tiny")
ids = finished_plan(spec, "tiny", store_path=Path("runs/optarena.db"), out=Path("runs"))
with Store("runs/optarena.db") as store:
    state = up_to_date(Path("runs/reports/tiny"), expected_state(store, "tiny", ()))
table = rows_table(state["leaderboard"]["rows"], state["leaderboard"]["columns"], "tiny")
heavy = {"torch", "matplotlib", "pandas", "scipy"} & {m.split(".")[0] for m in sys.modules}
print(len(ids), table.title, bool(heavy))
"""


def _compare(cwd: Path, *args: str) -> tuple[str, dict]:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "COLUMNS": "200"}
    done = subprocess.run(
        [sys.executable, "-c", AUDIT, "compare", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    audit = json.loads(done.stderr.rsplit("AUDIT ", 1)[1])
    return done.stdout, audit


@pytest.mark.slow
def test_rerun_of_a_finished_study_trains_nothing_and_imports_no_torch(tmp_path):
    args = ("--task", "digits-mlp", "--optimizers", "sgd,adam", "--seeds", "1", "--epochs", "1")
    args += ("--subset", "150", "--executor", "serial", "--name", "tiny")
    first, _ = _compare(tmp_path, *args)
    report = tmp_path / "runs" / "reports" / "tiny"
    stamps = {p.name: p.stat().st_mtime_ns for p in report.iterdir()}
    again, audit = _compare(tmp_path, *args)
    assert again == first  # the same leaderboard, printed from the report's cache
    assert {p.name: p.stat().st_mtime_ns for p in report.iterdir()} == stamps  # nothing rebuilt
    assert not {"torch", "matplotlib", "pandas", "scipy"} & set(audit["added"])
    # the same check path without the CLI (whose own start-up may still load torch)
    done = subprocess.run([sys.executable, "-c", FAST_PATH], cwd=tmp_path, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split() == ["2", "tiny", "False"]
    with Store(tmp_path / "runs" / "optarena.db") as store:
        assert all(t.attempt == 1 for t in store.trials("tiny"))  # each trial ran once
