"""A JSON Schema (draft 2020-12) for study TOML files, generated from the spec code.

The keys come from the parser's own key lists (``spec._TOP_KEYS``, ``_TUNE_KEYS``, ...), the
choices from its constants (``LR_KEYWORDS``, ``SAMPLERS``, ``SCHEDULE_UNITS``, ...) and the
names from the registries, so the schema cannot silently drift from what ``parse_spec``
accepts: a key the parser knows but this module does not describe stops the generator.
Editors with TOML schema support (taplo, VS Code's Even Better TOML) read it through a
``#:schema`` line (JSON Schema: https://json-schema.org/draft/2020-12; taplo's directive:
https://taplo.tamasfe.dev/configuration/directives.html).

``python -m optarena.study.schema`` rewrites the shipped ``study.schema.json``;
``--check`` exits 1 when it is stale; ``--print`` writes the schema to stdout.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from optarena import atomic

SCHEMA_FILE = Path(__file__).with_name("study.schema.json")
SCHEMA_ID = "https://optarena.invalid/study.schema.json"

_POS_INT: dict[str, Any] = {"type": "integer", "minimum": 1}
_INT: dict[str, Any] = {"type": "integer"}
_POS_NUMBER: dict[str, Any] = {"type": "number", "exclusiveMinimum": 0}
_BOOL: dict[str, Any] = {"type": "boolean"}
_STR: dict[str, Any] = {"type": "string"}
_TABLE: dict[str, Any] = {"type": "object"}


def _names(choices: Sequence[str], what: str) -> dict[str, Any]:
    """A registered name (listed, so editors complete it) or a ``module:Name`` path."""
    return {
        "description": f"A registered {what} name or a `module:Name` path.",
        "anyOf": [{"enum": sorted(choices)}, {"type": "string", "pattern": ":"}],
    }


def _lrs(keywords: Sequence[str]) -> dict[str, Any]:
    lr = {"type": "number", "exclusiveMinimum": 0}
    return {
        "anyOf": [
            {"enum": list(keywords)},
            {"type": "string", "pattern": r"^\s*[0-9.eE+-]+(\s*,\s*[0-9.eE+-]+)*\s*,?\s*$"},
            lr,
            {"type": "array", "items": lr, "minItems": 1},
        ]
    }


def _strict(properties: dict[str, Any], keys: Sequence[str], where: str) -> dict[str, Any]:
    """A table holding exactly the parser's ``keys``, each described in ``properties``."""
    missing = [k for k in keys if k not in properties]
    if missing:
        raise KeyError(f"schema.py does not describe {where} keys {missing}: add them")
    return {
        "type": "object",
        "properties": {k: properties[k] for k in keys},
        "additionalProperties": False,
    }


def _entries(table: dict[str, Any], what: str) -> dict[str, Any]:
    """``"a,b"`` | ``["a", "b"]`` | ``{label = {...}}`` (``spec._named_tables``)."""
    return {
        "description": f"{what} names (a list or comma-separated string), or one table each.",
        "anyOf": [
            {"type": "string"},
            {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1},
            {"type": "object", "additionalProperties": table, "minProperties": 1},
        ],
    }


def _grid() -> dict[str, Any]:
    return {
        "description": "Swept values: the cartesian product of the lists (no `lr`).",
        "type": "object",
        "propertyNames": {"not": {"const": "lr"}},
        "additionalProperties": {"type": "array", "minItems": 1},
    }


def study_schema() -> dict[str, Any]:
    """The schema as a JSON-able dict (imports the registries for the name lists)."""
    from optarena import models, optim, schedules, tasks
    from optarena.schedules.registry import DIALECTS
    from optarena.study import spec
    from optarena.tasks import AUTO

    opt_names = optim.names() + [n for d in ("paddle", "keras") for n in optim.names(dialect=d)]
    sched_names = schedules.names() + [n for d in DIALECTS for n in schedules.names(d)]
    optimizer_name = _names(opt_names, "optimizer")
    schedule_name = _names([*sched_names, spec.NO_SCHEDULE], "schedule")
    task_name = _names(tasks.names(), "task")
    lrs = _lrs(spec.LR_KEYWORDS)
    search_range = {
        "anyOf": [
            {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
            _strict({"low": {"type": "number"}, "high": {"type": "number"}, "log": _BOOL},
                    ("low", "high", "log"), "search range") | {"required": ["low", "high"]},
        ]
    }  # fmt: skip
    reserved_opt = {
        "optimizer": optimizer_name,
        "opt": _TABLE | {"description": "Fixed hyper-parameters (also as plain keys)."},
        "grid": _grid(),
        "search": {"type": "object", "additionalProperties": search_range,
                   "description": "Ranges opened to the tuner when lrs = \"tune\"."},
        "lrs": {"description": "This optimizer's own learning rates.",
                "anyOf": [lrs["anyOf"][1], *lrs["anyOf"][2:]]},
    }  # fmt: skip
    optimizer_table = {
        "type": "object",
        "properties": {k: reserved_opt[k] for k in spec._OPT_RESERVED},
        "not": {"required": ["lr"]},
        "additionalProperties": True,
    }
    _strict(reserved_opt, spec._OPT_RESERVED, "optimizer table")  # all reserved keys described
    reserved_sched = {"schedule": schedule_name, "sched": _TABLE, "grid": _grid()}
    _strict(reserved_sched, spec._SCHED_RESERVED, "schedule table")
    schedule_table = {
        "type": "object",
        "properties": {k: reserved_sched[k] for k in spec._SCHED_RESERVED},
        "additionalProperties": True,
    }
    tune = _strict(
        {
            "trials": _POS_INT | {"default": spec.TuneSpec.trials},
            "sampler": {"enum": list(spec.SAMPLERS), "default": spec.TuneSpec.sampler},
            "prune": _BOOL | {"default": spec.TuneSpec.prune},
            "seed": _INT | {"default": spec.TuneSpec.seed},
            "epochs": _POS_INT | {"description": "Search budget (default: the study's)."},
        },
        spec._TUNE_KEYS,
        "tune",
    )
    pretrain = _strict(
        {"task": task_name, "optimizer": optimizer_name, "lr": lrs, "opt": _TABLE,
         "epochs": _POS_INT, "batch_size": _POS_INT, "subset": _POS_INT, "seed": _INT},
        spec._PRETRAIN_KEYS, "pretrain",
    ) | {"required": ["task"]}  # fmt: skip
    lr_find = _strict(
        {"optimizers": {"anyOf": [_STR, {"type": "array", "items": optimizer_name,
                                         "minItems": 1}]},
         "start": lrs, "end": lrs, "steps": _POS_INT, "subset": _POS_INT, "seed": _INT},
        spec._LR_FIND_KEYS, "lr_find",
    ) | {"required": ["optimizers"]}  # fmt: skip
    top = {
        "name": _STR | {"description": "Study name (default: the file's stem).",
                        "maxLength": 200},
        "task": task_name,
        "data": _STR | {"description": "A data path instead of `task`."},
        "model": _names([*models.names(), AUTO], "model"),
        "optimizers": _entries(optimizer_table, "Optimizer"),
        "schedules": _entries(schedule_table, "Schedule"),
        "lrs": lrs,
        "seeds": {"anyOf": [_POS_INT, {"type": "array", "minItems": 1,
                                       "items": {"type": "integer", "minimum": 0}}]},
        "epochs": _POS_INT, "batch_size": _POS_INT, "subset": _POS_INT,
        "schedule_unit": {"enum": list(spec.SCHEDULE_UNITS), "default": "epoch"},
        "data_dir": _STR, "download": _BOOL, "device": _STR | {"default": "auto"},
        "clip_grad": _POS_NUMBER,
        "tune": tune,
        "image_size": {"anyOf": [_POS_INT, {"type": "array", "items": _POS_INT,
                                            "minItems": 1, "maxItems": 2}]},
        "augment": {"anyOf": [_STR, {"type": "array",
                                     "items": {"enum": list(spec.AUGMENTATIONS)}}]},
        "model_kwargs": _TABLE,
        "eval_subset": _POS_INT | {"description": "Evaluate on at most N examples."},
        "pretrain": pretrain,
        "lr_find": lr_find,
        "parts": {"type": "object", "minProperties": 1,
                  "additionalProperties": {"$ref": "#/$defs/part"}},
        "target_acc": _POS_NUMBER,
        "targets": {"type": "object", "additionalProperties": {"type": "number"}},
    }  # fmt: skip
    study = _strict(top, spec._TOP_KEYS, "study")
    part_keys = [k for k in spec._TOP_KEYS if k not in ("parts", "name")]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "optarena study file",
        "description": "A study for `optarena compare FILE.toml` (see studies/README.md). "
        "Generated by `python -m optarena.study.schema`; do not edit by hand.",
        **study,
        "$defs": {"part": _strict(top, part_keys, "part")},
    }


def schema_text() -> str:
    """The schema as the shipped file holds it."""
    return json.dumps(study_schema(), indent=1, sort_keys=True) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    text = schema_text()
    if "--print" in args:
        sys.stdout.write(text)
        return 0
    if "--check" in args:
        current = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.is_file() else ""
        if current != text:
            print(f"{SCHEMA_FILE} is stale: run python -m optarena.study.schema", file=sys.stderr)
            return 1
        return 0
    atomic.write_text(SCHEMA_FILE, text)
    print(SCHEMA_FILE)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
