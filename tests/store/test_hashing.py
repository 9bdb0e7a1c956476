import hashlib
import json

import numpy as np
import pytest

from optarena.store import canonical_json, config_hash


def test_hash_is_sha256_of_sorted_compact_json():
    config = {"seed": 1, "optimizer": "adam", "opt": {"betas": (0.9, 0.999)}, "lr": 0.001}
    text = '{"lr":0.001,"opt":{"betas":[0.9,0.999]},"optimizer":"adam","seed":1}'
    assert canonical_json(config) == text
    assert config_hash(config) == hashlib.sha256(text.encode()).hexdigest()[:16]


def test_key_order_and_number_spelling_do_not_change_the_hash():
    a = {"lr": 1.0, "optimizer": "sgd", "opt": {"momentum": 0.9, "nesterov": True}}
    b = {"opt": {"nesterov": True, "momentum": np.float64(0.9)}, "optimizer": "sgd", "lr": 1}
    assert config_hash(a) == config_hash(b)
    assert len(config_hash(a)) == 16


def test_different_values_give_different_hashes():
    base = {"optimizer": "sgd", "lr": 0.1, "seed": 0}
    assert config_hash(base) != config_hash({**base, "seed": 1})
    assert config_hash(base) != config_hash({**base, "lr": 0.1000000001})
    assert config_hash({"flag": True}) != config_hash({"flag": 1})


def test_floats_round_trip_through_the_canonical_text():
    value = 0.1 + 0.2
    assert json.loads(canonical_json({"x": value}))["x"] == value


def test_unhashable_values_are_refused():
    with pytest.raises(TypeError, match="keys must be strings"):
        config_hash({1: "a"})
    with pytest.raises(TypeError, match="cannot hash"):
        config_hash({"x": object()})
