"""Issue 20 item 2: a name never becomes a path outside its root; user folders are kept."""

from __future__ import annotations

import pytest

from optarena.paths import check_name, child

TINY = ["--task", "digits-mlp", "--epochs", "1", "--subset", "64", "--batch-size", "32"]


@pytest.mark.parametrize(
    "name", ["../x", "../../x", "/abs/dir", "a/b", "..", ".", "", "a\x00b", "a\nb", "x" * 5000]
)
def test_check_name_refuses_what_is_not_one_path_component(name):
    with pytest.raises(ValueError):
        check_name(name)


@pytest.mark.parametrize("name", ["default", "s.part", "my-study_2-smoke", "études"])
def test_check_name_keeps_plain_names(name):
    assert check_name(name) == name


def test_child_refuses_a_link_that_leaves_the_root(tmp_path):
    (tmp_path / "root").mkdir()
    (tmp_path / "root" / "away").symlink_to(tmp_path)
    with pytest.raises(ValueError, match="outside"):
        child(tmp_path / "root", "away")
    assert child(tmp_path / "root", "s.part") == tmp_path / "root" / "s.part"


@pytest.mark.parametrize("name", ["../../victim", "/VICTIM"])
def test_compare_name_cannot_write_outside_out(cli, in_tmp, name):
    victim = in_tmp.parent / "victim"
    victim.mkdir(exist_ok=True)
    (victim / "report.md").write_text("mine")
    name = name.replace("/VICTIM", str(victim))
    result = cli("compare", *TINY, "--optimizers", "sgd", "--name", name, "--out", "runs")
    assert "name" in result.one_error()
    assert (victim / "report.md").read_text() == "mine"
    assert not (in_tmp / "runs").exists()  # refused before anything was written


def test_train_name_is_checked(cli, in_tmp):
    result = cli("train", *TINY, "--optimizer", "sgd", "--name", "../x", "--out", "runs")
    result.one_error()
    assert not (in_tmp / "runs").exists()


def test_study_file_name_is_checked_and_must_be_a_string(cli, in_tmp):
    (in_tmp / "s.toml").write_text('name = 5\ntask = "digits-mlp"\noptimizers = ["sgd"]\n')
    assert "string" in cli("compare", "s.toml", "--out", "runs").one_error()
    (in_tmp / "s.toml").write_text(
        'task = "digits-mlp"\noptimizers = ["sgd"]\n[parts."../up"]\nseeds = 1\n'
    )
    cli("compare", "s.toml", "--out", "runs").one_error()
    assert not (in_tmp / "runs").exists()


def test_stored_trial_id_cannot_leave_the_trials_folder(tmp_path):
    from optarena.train.run import trial_dir

    with pytest.raises(ValueError):
        trial_dir(tmp_path, "../../etc")


def test_results_page_keeps_a_users_folder(cli, tmp_path, monkeypatch):
    from optarena.store import Store

    monkeypatch.chdir(tmp_path)
    store = tmp_path / "s.db"
    with Store(store) as db:
        db.add_study("s", {})
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "keep.txt").write_text("mine")
    result = cli("report", "s", "--store", str(store), "--page", str(tmp_path / "notes.md"))
    assert "notes" in result.one_error()
    assert (mine / "keep.txt").read_text() == "mine"


def test_results_page_study_name_from_a_store_cannot_leave_the_folder(tmp_path):
    from optarena.report.results_page import write_results_page
    from optarena.store import Store

    with Store(tmp_path / "s.db") as db:
        db.add_study("../../escape", {})
        with pytest.raises(ValueError):
            write_results_page(db, ["../../escape"], tmp_path / "a" / "page.md", title="t")
    assert not (tmp_path.parent / "escape").exists()
