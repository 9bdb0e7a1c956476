"""Reading a study for the report: entry labels, scores and ranking."""

import math

import pandas as pd
import pytest

from optarena.report import data as report_data

EMPTY_METRICS = pd.DataFrame(columns=["trial_id", "step", "epoch", "split", "name", "value"])


def _row(tid, state, role="final", test_acc=None, **config):
    return {
        "id": tid,
        "state": state,
        "role": role,
        "error": None,
        "wall_s": 1.0,
        "config": config,
        "summary": {"test_acc": test_acc},
    }


def test_labels_name_only_the_fields_that_vary():
    rows = [
        _row("a", "complete", test_acc=0.8, optimizer="sgd", lr=0.1, opt={}, seed=0, task="t"),
        _row("b", "complete", test_acc=0.9, optimizer="sgd", lr=0.01, opt={}, seed=0, task="t"),
        _row(
            "c",
            "complete",
            test_acc=0.7,
            optimizer="momentum",
            lr=0.1,
            opt={"momentum": 0.9},
            seed=1,
            task="t",
        ),
    ]
    data = report_data.from_rows("s", {}, rows, EMPTY_METRICS)
    assert list(data.trials["label"]) == [
        "sgd lr=0.1",
        "sgd lr=0.01",
        "momentum lr=0.1 momentum=0.9",
    ]
    assert data.order == ["sgd lr=0.01", "sgd lr=0.1", "momentum lr=0.1 momentum=0.9"]


def test_diverged_and_failed_trials_never_enter_a_score():
    rows = [
        _row("a", "complete", test_acc=0.6, optimizer="sgd", seed=0),
        _row("b", "diverged", test_acc=0.99, optimizer="sgd", seed=1),
        _row("c", "complete", test_acc=0.5, optimizer="adam", seed=0),
        _row("d", "failed", optimizer="lion", seed=0),
    ]
    data = report_data.from_rows("s", {}, rows, EMPTY_METRICS)
    assert data.trials["score"].tolist()[:3] == [0.6, pytest.approx(math.nan, nan_ok=True), 0.5]
    assert data.order == ["sgd", "adam", "lion"]
    assert data.trial_ids("sgd") == ["a", "b"]  # curves still show the diverged run
    assert data.trial_ids("lion") == []


def test_search_only_entries_rank_after_final_ones():
    rows = [
        _row("a", "complete", "search", test_acc=0.99, optimizer="sgd", lr=1.0, seed=0),
        _row("b", "complete", "final", test_acc=0.5, optimizer="sgd", lr=0.1, seed=0),
    ]
    data = report_data.from_rows("s", {}, rows, EMPTY_METRICS)
    assert data.order == ["sgd", "sgd lr=1"]  # one final entry: nothing differs among finals
    assert data.finals == ["sgd"]


def test_tuned_labels_show_what_differs_among_finals_at_3_significant_digits():
    rows = [
        _row("s1", "complete", "search", 0.7, optimizer="adam", lr=0.00257664, epochs=3, seed=0),
        _row("s2", "failed", "search", optimizer="adam", lr=0.0123456, epochs=3, seed=0),
        _row("s3", "complete", "search", 0.6, optimizer="sgd", lr=0.0512345, epochs=3, seed=0),
        _row("f1", "complete", "final", 0.8, optimizer="adam", lr=0.00257664, epochs=10, seed=0),
        _row("f2", "complete", "final", 0.9, optimizer="sgd", lr=0.0512345, epochs=10, seed=0),
        _row("f3", "complete", "final", 0.8, optimizer="sgd", lr=0.0512345, epochs=10, seed=1),
    ]
    data = report_data.from_rows("s", {}, rows, EMPTY_METRICS)
    assert data.finals == ["sgd lr=0.0512", "adam lr=0.00258"]
    assert data.order[2:] == ["adam epochs=3 lr=0.00258", "sgd epochs=3 lr=0.0512",
                              "adam epochs=3 lr=0.0123"]  # fmt: skip
    assert list(data.final_trials["id"]) == ["f1", "f2", "f3"]
    assert list(data.search_trials["id"]) == ["s1", "s2", "s3"]


def test_labels_keep_values_apart_that_agree_to_3_digits():
    rows = [
        _row("a", "complete", test_acc=0.8, optimizer="sgd", lr=0.012341, seed=0),
        _row("b", "complete", test_acc=0.9, optimizer="sgd", lr=0.012349, seed=0),
    ]
    data = report_data.from_rows("s", {}, rows, EMPTY_METRICS)
    assert sorted(data.order) == ["sgd lr=0.01234", "sgd lr=0.01235"]  # 4 digits suffice


def test_load_ranks_entries_by_mean_test_accuracy_of_complete_trials(demo_store, demo_data):
    means: dict[str, list[float]] = {}
    for record in demo_store.trials("demo"):
        key = (record.config["optimizer"], record.config["lr"])
        if record.state.value == "complete":
            means.setdefault(key, []).append(record.summary["test_acc"])
    expected = sorted(means, key=lambda k: -sum(means[k]) / len(means[k]))
    got = []
    for label in demo_data.order[: len(expected)]:
        row = demo_data.trials[demo_data.trials["label"] == label].iloc[0]
        got.append((row["optimizer"], row["lr"]))
    assert got == expected
    assert demo_data.order[-1].startswith("lion")  # the failed entry comes last
    assert len(set(demo_data.look[label].colour for label in demo_data.order)) == 7


def test_unknown_study_suggests_close_names(demo_store):
    with pytest.raises(ValueError, match="did you mean 'demo'"):
        report_data.load(demo_store, "dem")
