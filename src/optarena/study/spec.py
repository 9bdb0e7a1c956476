"""A study spec: which task, optimizers, schedules, learning rates and seeds to compare.

Loaded from a TOML file (schema in ``studies/README.md``) or built from ``optarena compare``
flags, validated with one clear message per mistake, and frozen. ``expand.py`` turns it into
trials. Names (optimizers, schedules, tasks) are checked against their registries by
``check_names``; everything else is checked here, before any training starts.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

LR_KEYWORDS = ("default", "tune", "auto")
SAMPLERS = ("tpe", "random")
NO_SCHEDULE = "none"
SCHEDULE_UNITS = ("epoch", "step")
AUGMENTATIONS = ("crop", "flip")

#: The built-in default study (``optarena compare`` with no arguments); ``studies/default.toml``
#: holds the same study as a file.
DEFAULT_STUDY: dict[str, Any] = {
    "task": "digits-mlp",
    "optimizers": [
        "sgd",
        "momentum",
        "nesterov",
        "rmsprop",
        "adagrad",
        "adam",
        "adamw",
        "nadam",
        "radam",
        "lamb",
        "qhm",
        "lion",
        "adabelief",
    ],
    "lrs": "default",
    "seeds": 3,
    "epochs": 8,
}

_TOP_KEYS = (
    "name",
    "task",
    "data",
    "model",
    "optimizers",
    "schedules",
    "lrs",
    "seeds",
    "epochs",
    "batch_size",
    "subset",
    "schedule_unit",
    "data_dir",
    "download",
    "device",
    "clip_grad",
    "tune",
    "image_size",
    "augment",
    "model_kwargs",
    "eval_subset",
    "pretrain",
    "lr_find",
    "parts",
    "target_acc",
    "targets",
)
#: Top-level keys that override fields of the task (``TrialConfig.task_options``).
TASK_OPTION_KEYS = ("image_size", "augment", "model_kwargs", "eval_subset")
_PRETRAIN_KEYS = ("task", "optimizer", "lr", "opt", "epochs", "batch_size", "subset", "seed")
_LR_FIND_KEYS = ("optimizers", "start", "end", "steps", "subset", "seed")
_OPT_RESERVED = ("optimizer", "opt", "grid", "search", "lrs")
_SCHED_RESERVED = ("schedule", "sched", "grid")
_TUNE_KEYS = ("trials", "sampler", "prune", "seed", "epochs")


@dataclass(frozen=True)
class Range:
    """A hyper-parameter range opened to the tuner (``log``: sample log-uniformly)."""

    low: float
    high: float
    log: bool = True


@dataclass(frozen=True)
class OptimizerEntry:
    """One optimizer of a study: fixed hyper-parameters, a grid to sweep, ranges to tune."""

    label: str
    optimizer: str
    opt: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    search: dict[str, Range] = field(default_factory=dict)
    lrs: tuple[float, ...] | None = None

    def settings(self) -> list[dict[str, Any]]:
        """Every hyper-parameter setting: ``opt`` merged with each point of the grid."""
        return _grid_points(self.opt, self.grid)


@dataclass(frozen=True)
class ScheduleEntry:
    """One schedule (``schedule=None`` is a constant learning rate) with its parameters."""

    label: str
    schedule: str | None
    sched: dict[str, Any] = field(default_factory=dict)
    grid: dict[str, tuple[Any, ...]] = field(default_factory=dict)

    def settings(self) -> list[dict[str, Any]]:
        return _grid_points(self.sched, self.grid)


@dataclass(frozen=True)
class TuneSpec:
    """``lrs = "tune"``: search trials per optimizer, sampler, successive-halving pruning."""

    trials: int = 12
    sampler: str = "tpe"
    prune: bool = True
    seed: int = 0
    epochs: int | None = None  # search budget; default: the study's


@dataclass(frozen=True)
class StudySpec:
    """A validated study. ``lrs`` is a tuple of floats or one of ``default|tune|auto``."""

    name: str
    optimizers: tuple[OptimizerEntry, ...]
    task: str | None = None
    data: str | None = None
    model: str | None = None
    schedules: tuple[ScheduleEntry, ...] = (ScheduleEntry(NO_SCHEDULE, None),)
    lrs: tuple[float, ...] | str = "default"
    seeds: tuple[int, ...] = (0,)
    epochs: int | None = None
    batch_size: int | None = None
    subset: int | None = None
    schedule_unit: str = "epoch"
    data_dir: str | None = None
    download: bool = False
    device: str = "auto"
    clip_grad: float | None = None
    tune: TuneSpec = TuneSpec()
    task_options: dict[str, Any] = field(default_factory=dict)
    pretrain: dict[str, Any] | None = None  # train a backbone first (``study/pretrain.py``)
    lr_find: dict[str, Any] | None = None  # range tests run after the study
    target_acc: float | None = None  # time-to-target: one target for every task
    targets: dict[str, float] = field(default_factory=dict)  # ... or one per task

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (stored as the study's config)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], *, name: str | None = None) -> StudySpec:
        return parse_spec(raw, name=name)


def load_toml(path: str | Path) -> dict[str, Any]:
    """Read a study file (``FileNotFoundError``/``ValueError`` with the path on trouble)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no study file at {path}")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path} is not valid TOML: {exc}") from None


def load_spec(path: str | Path, *, name: str | None = None) -> StudySpec:
    """A spec from a TOML file; its name defaults to the ``name`` key, then the file's stem."""
    raw = load_toml(path)
    return parse_spec(raw, name=name or raw.get("name") or Path(path).stem)


def parse_spec(raw: Mapping[str, Any], *, name: str | None = None) -> StudySpec:
    """Validate a raw (TOML-shaped) mapping into a ``StudySpec``."""
    _check_keys(raw, _TOP_KEYS, "study")
    task, data = raw.get("task"), raw.get("data")
    if (task is None) == (data is None):
        raise ValueError(
            "a study needs exactly one of `task` (a registered task) or `data` (a path)"
        )
    if "optimizers" not in raw:
        raise ValueError("a study needs `optimizers` (a list of names or a table per optimizer)")
    unit = raw.get("schedule_unit", "epoch")
    if unit not in SCHEDULE_UNITS:
        raise ValueError(f"schedule_unit must be 'epoch' or 'step', got {unit!r}")
    from optarena.paths import check_name

    return StudySpec(
        name=check_name(name or raw.get("name") or "default"),
        task=_opt_str(raw, "task"),
        data=_opt_str(raw, "data"),
        model=_opt_str(raw, "model"),
        optimizers=_parse_optimizers(raw["optimizers"]),
        schedules=_parse_schedules(raw.get("schedules", [NO_SCHEDULE])),
        lrs=_parse_lrs(raw.get("lrs", "default"), "lrs"),
        seeds=_parse_seeds(raw.get("seeds", 1)),
        epochs=_opt_int(raw, "epochs"),
        batch_size=_opt_int(raw, "batch_size"),
        subset=_opt_int(raw, "subset"),
        schedule_unit=unit,
        data_dir=_opt_str(raw, "data_dir"),
        download=_opt_bool(raw, "download", False),
        device=str(raw.get("device", "auto")),
        clip_grad=_opt_float(raw, "clip_grad"),
        tune=_parse_tune(raw.get("tune", {})),
        task_options=_parse_task_options(raw),
        pretrain=_parse_pretrain(raw.get("pretrain")),
        lr_find=_parse_lr_find(raw.get("lr_find")),
        target_acc=_opt_float(raw, "target_acc"),
        targets=_parse_targets(raw.get("targets", {})),
    )


def _parse_targets(raw: Any) -> dict[str, float]:
    """``[targets]``: a validation target per task name (numbers only)."""
    table = _table(raw, "targets")
    out = {}
    for task, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"targets.{task} must be a number, not {value!r}")
        out[str(task)] = float(value)
    return out


def study_parts(raw: Mapping[str, Any], name: str) -> list[tuple[str, dict[str, Any]]]:
    """``[(study name, raw spec)]``: one per ``[parts.P]`` table (named ``NAME.P``; the table's
    keys override the file's), or the file itself when it has no parts."""
    if "parts" not in raw:
        return [(name, dict(raw))]
    base = {k: v for k, v in raw.items() if k != "parts"}
    parts = _table(raw["parts"], "parts")
    if not parts:
        raise ValueError("`parts` is empty: leave it out, or add one table per part")
    out = []
    from optarena.paths import check_name

    for label, body in parts.items():
        check_name(label, "part name")
        body = _table(body, f"parts.{label}")
        if "parts" in body or "name" in body:
            raise ValueError(f"parts.{label}: a part cannot hold `parts` or `name`")
        out.append((f"{name}.{label}", {**base, **body}))
    return out


def check_names(spec: StudySpec) -> None:
    """Check every optimizer, schedule and task name against its registry (with "did you
    mean"); ``module:Name`` paths are imported."""
    from optarena import optim, schedules

    for entry in spec.optimizers:
        optim.spec(entry.optimizer)
    from optarena.schedules.registry import DIALECTS, dialect_of

    known = set(schedules.names()).union(*(schedules.names(d) for d in DIALECTS))
    for entry in spec.schedules:
        name = entry.schedule
        if name is not None and (":" not in name or dialect_of(name)) and name not in known:
            from optarena.errors import unknown_name

            raise unknown_name("schedule", entry.schedule, sorted(known))
    from optarena import tasks

    if spec.task is not None:
        tasks.get(spec.task)
    if spec.pretrain is not None:
        tasks.get(spec.pretrain["task"])
        optim.spec(spec.pretrain["optimizer"])
    if spec.lr_find is not None:
        if spec.task is None:
            raise ValueError("lr_find needs a registered `task` (not a data path)")
        for name in spec.lr_find["optimizers"]:
            optim.spec(name)


# --- parts ------------------------------------------------------------------------------------


def _parse_optimizers(value: Any) -> tuple[OptimizerEntry, ...]:
    entries = [_parse_optimizer(label, body) for label, body in _named_tables(value, "optimizers")]
    if not entries:
        raise ValueError("`optimizers` is empty: name at least one optimizer")
    return tuple(entries)


def _parse_optimizer(label: str, body: Mapping[str, Any]) -> OptimizerEntry:
    where = f"optimizers.{label}"
    fixed = {k: v for k, v in body.items() if k not in _OPT_RESERVED}
    fixed.update(_table(body.get("opt", {}), f"{where}.opt"))
    if "lr" in fixed:
        raise ValueError(f"{where}: set learning rates with `lrs = [...]`, not `lr`")
    grid = _parse_grid(body.get("grid", {}), f"{where}.grid")
    search = {
        k: _parse_range(v, f"{where}.search.{k}")
        for k, v in _table(body.get("search", {}), f"{where}.search").items()
    }
    lrs = body.get("lrs")
    parsed_lrs = None if lrs is None else _parse_lrs(lrs, f"{where}.lrs")
    if isinstance(parsed_lrs, str):
        raise ValueError(f"{where}.lrs must be a list of numbers; keywords go in the study's `lrs`")
    return OptimizerEntry(
        label=label,
        optimizer=_name(body.get("optimizer", label), f"{where}.optimizer"),
        opt=fixed,
        grid=grid,
        search=search,
        lrs=parsed_lrs,
    )


def _parse_schedules(value: Any) -> tuple[ScheduleEntry, ...]:
    entries = []
    for label, body in _named_tables(value, "schedules"):
        where = f"schedules.{label}"
        name = _name(body.get("schedule", label), f"{where}.schedule")
        fixed = {k: v for k, v in body.items() if k not in _SCHED_RESERVED}
        fixed.update(_table(body.get("sched", {}), f"{where}.sched"))
        schedule = None if name == NO_SCHEDULE else name
        if schedule is None and (fixed or body.get("grid")):
            raise ValueError(f"{where}: '{NO_SCHEDULE}' (a constant lr) takes no parameters")
        grid = _parse_grid(body.get("grid", {}), f"{where}.grid")
        entries.append(ScheduleEntry(label=label, schedule=schedule, sched=fixed, grid=grid))
    if not entries:
        raise ValueError(
            f"`schedules` is empty: leave it out (or use '{NO_SCHEDULE}') for a constant lr"
        )
    return tuple(entries)


def _named_tables(value: Any, where: str) -> list[tuple[str, Mapping[str, Any]]]:
    """``["a", "b"]`` or ``"a,b"`` or ``{a = {...}, b = {...}}`` -> ``[(label, body), ...]``."""
    if isinstance(value, str):
        value = [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, Mapping):
        return [(str(k), _table(v, f"{where}.{k}")) for k, v in value.items()]
    if isinstance(value, Sequence):
        labels = [_name(v, where) for v in value]
        duplicates = sorted({x for x in labels if labels.count(x) > 1})
        if duplicates:
            raise ValueError(f"`{where}` names {duplicates} more than once")
        return [(label, {}) for label in labels]
    raise ValueError(f"`{where}` must be a list of names or a table, got {value!r}")


def _parse_grid(value: Any, where: str) -> dict[str, tuple[Any, ...]]:
    grid = {}
    for key, values in _table(value, where).items():
        if not isinstance(values, list) or not values:
            raise ValueError(f"{where}.{key} must be a non-empty list of values to sweep")
        if key == "lr":
            raise ValueError(f"{where}: sweep learning rates with `lrs = [...]`, not a grid on lr")
        grid[key] = tuple(_freeze(v) for v in values)
    return grid


def _grid_points(
    fixed: Mapping[str, Any], grid: Mapping[str, tuple[Any, ...]]
) -> list[dict[str, Any]]:
    keys = list(grid)
    clash = sorted(set(keys) & set(fixed))
    if clash:
        raise ValueError(f"{clash} are both fixed and swept; keep one")
    points = []
    for combo in itertools.product(*(grid[k] for k in keys)):
        point = {k: _thaw(v) for k, v in fixed.items()}
        point.update({k: _thaw(v) for k, v in zip(keys, combo, strict=True)})
        points.append(point)
    return points


def _parse_range(value: Any, where: str) -> Range:
    if isinstance(value, list) and len(value) == 2:
        value = {"low": value[0], "high": value[1]}
    if not isinstance(value, Mapping) or not {"low", "high"} <= set(value):
        raise ValueError(f"{where} must be [low, high] or {{low = .., high = .., log = true}}")
    _check_keys(value, ("low", "high", "log"), where)
    low, high = _number(value["low"], f"{where}.low"), _number(value["high"], f"{where}.high")
    log = _opt_bool(value, "log", True)
    if not low < high or (log and low <= 0):
        raise ValueError(f"{where}: need low < high (and low > 0 for a log range), got {value}")
    return Range(low, high, log)


def _parse_lrs(value: Any, where: str) -> tuple[float, ...] | str:
    if isinstance(value, str):
        if value in LR_KEYWORDS:
            return value
        value = [v for v in value.split(",") if v.strip()]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not value:
        raise ValueError(f"`{where}` must be a list of learning rates or one of {LR_KEYWORDS}")
    out = []
    for item in value:
        try:
            lr = float(item)
        except (TypeError, ValueError):
            raise ValueError(
                f"`{where}`: {item!r} is not a learning rate (or one of {LR_KEYWORDS})"
            ) from None
        if not lr > 0 or lr == float("inf"):
            raise ValueError(f"`{where}`: learning rates must be positive, got {item!r}")
        out.append(lr)
    return tuple(dict.fromkeys(out))


def _parse_seeds(value: Any) -> tuple[int, ...]:
    if isinstance(value, bool) or not isinstance(value, (int, list)):
        raise ValueError(f"`seeds` must be a count or a list of integers, got {value!r}")
    if isinstance(value, int):
        if value < 1:
            raise ValueError(f"`seeds` must be at least 1, got {value}")
        return tuple(range(value))
    if not value or not all(
        isinstance(s, int) and not isinstance(s, bool) and s >= 0 for s in value
    ):
        raise ValueError(f"`seeds` must be non-negative integers, got {value!r}")
    return tuple(dict.fromkeys(value))


def _parse_tune(value: Any) -> TuneSpec:
    body = _table(value, "tune")
    _check_keys(body, _TUNE_KEYS, "tune")
    spec = TuneSpec(
        trials=_int(body.get("trials", TuneSpec.trials), "tune.trials"),
        sampler=str(body.get("sampler", TuneSpec.sampler)),
        prune=_opt_bool(body, "prune", TuneSpec.prune),
        seed=_int(body.get("seed", 0), "tune.seed"),
        epochs=_opt_int(body, "epochs"),
    )
    if spec.trials < 1:
        raise ValueError(f"tune.trials must be at least 1, got {spec.trials}")
    if spec.sampler not in SAMPLERS:
        raise ValueError(f"tune.sampler must be one of {SAMPLERS}, got {spec.sampler!r}")
    return spec


def _parse_task_options(raw: Mapping[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    size = raw.get("image_size")
    if size is not None:
        sizes = size if isinstance(size, list) else [size]
        if len(sizes) not in (1, 2) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in sizes
        ):
            raise ValueError(
                f"`image_size` must be a positive integer or [height, width], got {size!r}"
            )
        options["image_size"] = size if isinstance(size, int) else list(size)
    if "augment" in raw:
        augment = raw["augment"]
        augment = (
            [a.strip() for a in augment.split(",") if a.strip()]
            if isinstance(augment, str)
            else augment
        )
        if not isinstance(augment, list) or not all(a in AUGMENTATIONS for a in augment):
            raise ValueError(f"`augment` must list 'crop' and/or 'flip', got {raw['augment']!r}")
        options["augment"] = list(augment)
    if "model_kwargs" in raw:
        options["model_kwargs"] = _table(raw["model_kwargs"], "model_kwargs")
    if "eval_subset" in raw:
        n = raw["eval_subset"]
        if not (isinstance(n, int) and not isinstance(n, bool) and n >= 1):
            raise ValueError(f"`eval_subset` must be a positive integer, got {n!r}")
        options["eval_subset"] = n
    return options


def _parse_pretrain(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    body = _table(value, "pretrain")
    _check_keys(body, _PRETRAIN_KEYS, "pretrain")
    if not isinstance(body.get("task"), str):
        raise ValueError("pretrain.task must name the registered task the backbone learns on")
    for key in ("epochs", "batch_size", "subset"):
        _opt_int(body, key)
    if "lr" in body:
        _parse_lrs(body["lr"], "pretrain.lr")
    body.setdefault("optimizer", "adam")
    body["opt"] = _table(body.get("opt", {}), "pretrain.opt")
    return body


def _parse_lr_find(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    body = _table(value, "lr_find")
    _check_keys(body, _LR_FIND_KEYS, "lr_find")
    names = body.get("optimizers")
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ValueError("lr_find.optimizers must list the optimizers to range-test")
    body["optimizers"] = names
    for key in ("steps", "subset"):
        _opt_int(body, key)
    for key in ("start", "end"):
        if key in body:
            _parse_lrs(body[key], f"lr_find.{key}")
    return body


def _check_keys(raw: Mapping[str, Any], known: Sequence[str], where: str) -> None:
    for key in raw:
        if key not in known:
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
            raise ValueError(f"unknown key {key!r} in {where}{hint}")


def _table(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValueError(f"`{where}` must be a table (key = value pairs), got {value!r}")
    return dict(value)


def _opt_str(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"`{key}` must be a string, got {value!r}")
    return value


def _opt_int(raw: Mapping[str, Any], key: str) -> int | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"`{key}` must be a positive integer, got {value!r}")
    return value


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"`{where}` must hold names (strings), got {value!r}")
    return value


def _opt_bool(raw: Mapping[str, Any], key: str, default: bool) -> bool:
    value = raw.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"`{key}` must be true or false, got {value!r}")
    return value


def _int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"`{where}` must be an integer, got {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"`{where}` must be a number, got {value!r}")
    return float(value)


def _opt_float(raw: Mapping[str, Any], key: str) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"`{key}` must be a positive number, got {value!r}")
    return float(value)


def _freeze(value: Any) -> Any:
    return tuple(_freeze(v) for v in value) if isinstance(value, list) else value


def _thaw(value: Any) -> Any:
    return [_thaw(v) for v in value] if isinstance(value, tuple) else value
