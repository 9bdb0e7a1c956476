"""The JSON Schema of study files: generated from the spec code, shipped with the package, and
in agreement with the parser on every study file and on a few mistakes."""

import importlib.resources
import json
import re

import pytest

from optarena.study import spec
from optarena.study.schema import SCHEMA_FILE, main, schema_text, study_schema

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_shipped_schema_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "run python -m optarena.study.schema"
    )
    assert main(["--check"]) == 0


def test_schema_is_package_data():
    shipped = importlib.resources.files("optarena.study") / "study.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8"))["title"] == "optarena study file"


def test_every_parser_key_is_in_the_schema():
    schema = study_schema()
    assert set(schema["properties"]) == set(spec._TOP_KEYS)
    assert schema["properties"]["tune"]["properties"]["sampler"]["enum"] == list(spec.SAMPLERS)
    assert schema["properties"]["lrs"]["anyOf"][0]["enum"] == list(spec.LR_KEYWORDS)
    part = schema["$defs"]["part"]["properties"]
    assert set(part) == set(spec._TOP_KEYS) - {"parts", "name"}


def test_every_study_file_validates_and_names_the_schema(repo_root, validator):
    files = sorted((repo_root / "studies").glob("*.toml"))
    assert files
    for file in files:
        assert file.read_text(encoding="utf-8").startswith(
            "#:schema ../src/optarena/study/study.schema.json\n"
        ), file
        errors = [e.message for e in validator.iter_errors(spec.load_toml(file))]
        assert errors == [], (file.name, errors)


def test_readme_example_validates(repo_root, validator):
    import tomllib

    text = (repo_root / "studies" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    assert "#:schema" in text and len(blocks) >= 3
    # the first block shows both forms of `optimizers` at once (not one valid file): each alone
    first = blocks[0].replace('optimizers = ["sgd", "adam"]', "")
    assert first != blocks[0]
    for block in [first, *blocks[1:]]:
        raw = tomllib.loads(block)
        assert list(validator.iter_errors(raw)) == [], block[:60]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"task": "digits-mlp", "optimizers": ["sgd"], "epoch": 3},
         "unknown key 'epoch' in study; did you mean 'epochs'?"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "schedule_unit": "batch"},
         "schedule_unit must be 'epoch' or 'step', got 'batch'"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "augment": ["rotate"]},
         "`augment` must list 'crop' and/or 'flip', got ['rotate']"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "tune": {"sampler": "grid"}},
         "tune.sampler must be one of ('tpe', 'random'), got 'grid'"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "epochs": 0},
         "`epochs` must be a positive integer, got 0"),
        ({"task": "digits-mlp", "optimizers": {"sgd": {"lr": 0.1}}},
         "optimizers.sgd: set learning rates with `lrs = [...]`, not `lr`"),
        ({"task": "digits-mlp", "optimizers": ["sgd"], "lrs": [0.1, -1]},
         "`lrs`: learning rates must be positive, got -1"),
    ],
)  # fmt: skip
def test_schema_and_parser_reject_the_same_mistakes(validator, raw, message):
    assert list(validator.iter_errors(raw)), raw  # the editor flags it ...
    with pytest.raises(ValueError) as info:
        spec.parse_spec(raw)
    assert str(info.value) == message  # ... and the parser's message is as clear as before
