"""``optarena report A B --page``: one Markdown results page from stored studies."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from optarena.analysis import leaderboard
from optarena.cli import main
from optarena.store import Store
from optarena.study import parse_spec, run_study
from optarena.study.lr_find import run_lr_finds
from optarena.study.spec import study_parts

RAW = {
    "task": "digits-logreg",
    "optimizers": ["sgd", "adam"],
    "epochs": 1,
    "subset": 200,
    "batch_size": 50,
    "parts": {
        "default-lrs": {"lrs": "default"},
        "fixed-lrs": {"lrs": [0.05], "lr_find": {"optimizers": ["sgd"], "steps": 30}},
    },
}


@pytest.fixture(scope="module")
def two_parts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    root = tmp_path_factory.mktemp("page")
    store_path, out = root / "s.db", root / "runs"
    names = []
    for name, body in study_parts(RAW, "cmp"):
        spec = parse_spec(body, name=name)
        run_study(spec, store_path=store_path, out=out, executor="serial")
        run_lr_finds(spec, out / "reports" / name)
        names.append(name)
    return store_path, out, names


def test_the_page_holds_the_command_the_boards_and_only_existing_figures(two_parts, tmp_path):
    store_path, out, names = two_parts
    page = tmp_path / "docs" / "cmp.md"
    code = _run(
        ["report", *names, "--store", str(store_path), "--runs", str(out), "--page", str(page)]
        + ["--title", "Two parts", "--command", "optarena compare cmp.toml --epochs 1"]
    )
    assert code == 0
    text = page.read_text()
    assert text.startswith("# Two parts\n")
    assert "optarena compare cmp.toml --epochs 1" in text and "Wall time:" in text
    assert "## How the ranking changes" in text
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert links and all((page.parent / link).is_file() for link in links)
    assert not list((page.parent / "cmp").rglob("*.svg"))
    assert "LR range test" in text and "cmp/cmp.fixed-lrs/lr-find-sgd.png" in links
    with Store(store_path) as store:
        for name in names:
            for mean in leaderboard(store, name)["mean"]:
                assert f"{mean:.4f}" in text  # the numbers are the store's
            trials = pd.read_csv(page.parent / "cmp" / name / "trials.csv")
            stored = {t.id: t.summary["test_acc"] for t in store.trials(name, role=None)}
            assert dict(zip(trials["trial_id"], trials["test_acc"], strict=True)) == stored
            epochs = pd.read_csv(page.parent / "cmp" / name / "epochs.csv")
            assert set(epochs["trial_id"]) == set(stored) and (epochs["epoch"] == 1).all()


def test_ranking_changes_line_up_each_entry_across_parts(two_parts):
    from optarena.report.results_page import ranking_changes

    store_path, _, names = two_parts
    with Store(store_path) as store:
        boards = {n: leaderboard(store, n) for n in names}
    table = ranking_changes(boards)
    assert sorted(table["entry"]) == ["adam", "sgd"]
    assert set(table["fixed-lrs lr"]) == {"0.05"}
    assert sorted(table["default-lrs lr"]) == ["0.001", "0.01"]


def test_several_studies_without_a_page_is_an_error(two_parts, capsys):
    store_path, _, names = two_parts
    assert _run(["report", *names, "--store", str(store_path)]) == 2
    assert "--page" in capsys.readouterr().err


def _run(argv: list[str]) -> int:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    return exit_info.value.code


def test_ranking_is_compared_only_between_boards_that_share_entries_once():
    import pandas as pd

    from optarena.report.results_page import _comparable

    def board(*entries: tuple[str, float]) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "optimizer": [o for o, _ in entries],
                "lr": [lr for _, lr in entries],
                "hparams": "",
                "schedule": "none",
            }
        )

    same = board(("sgd", 0.1), ("adam", 0.01))
    assert _comparable([same, board(("adam", 0.001), ("sgd", 0.3))])
    assert not _comparable([same])
    assert not _comparable([board(("sgd", 0.1), ("sgd", 0.01)), same])  # sgd twice: by lr
    assert not _comparable([same, board(("lion", 0.1), ("adam", 0.01))])  # one shared entry
