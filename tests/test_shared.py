"""The shared pieces: registry, name errors, object paths, the CLI's error path."""

import pytest

from optarena.errors import unknown_name
from optarena.imports import is_object_path, load_object, object_path
from optarena.registry import Registry


def test_unknown_name_suggests_close_matches():
    message = str(unknown_name("optimizer", "adm", ["adam", "adamw", "sgd"]))
    assert "did you mean 'adam'" in message
    assert "known: adam, adamw, sgd" in message


def test_unknown_name_without_close_match_lists_known():
    message = str(unknown_name("schedule", "zzz", ["cosine"]))
    assert "did you mean" not in message and "cosine" in message


def test_registry_add_get_names_and_duplicates():
    reg: Registry[int] = Registry("thing")
    reg.add("b", 2)
    reg.add("a", 1)
    assert reg.names() == ["a", "b"] and reg.get("a") == 1 and "b" in reg and len(reg) == 2
    with pytest.raises(ValueError, match="already registered"):
        reg.add("a", 3)
    reg.add("a", 3, overwrite=True)
    assert reg.get("a") == 3
    with pytest.raises(ValueError, match="unknown thing 'c'"):
        reg.get("c")
    with pytest.raises(ValueError, match="non-empty"):
        reg.add("", 0)


def test_object_paths_round_trip():
    import math

    assert is_object_path("math:sqrt") and not is_object_path("math.sqrt")
    assert load_object("math:sqrt") is math.sqrt
    assert load_object(object_path(Registry)) is Registry
    with pytest.raises(ValueError, match="cannot import"):
        load_object("no_such_module_xyz:f")
    with pytest.raises(ValueError, match="no attribute"):
        load_object("math:no_such_function")
    with pytest.raises(ValueError, match="no importable path"):
        object_path(lambda x: x)


def test_cli_bad_input_is_one_line_and_exit_2(capsys):
    from optarena.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["list", "nonsense"])
    assert exc.value.code == 2
