"""``docs/framework-map.md``, generated from the optimizer and schedule registries.

Every torch, Paddle and Keras optimizer and schedule class -> the optarena name and arguments
that reproduce it, and what differs from the plain name. Run
``python -m optarena.framework_map > docs/framework-map.md`` after changing a registry;
``tests/docs/test_framework_map.py`` checks the file is current.
"""

from __future__ import annotations

import inspect
from typing import Any

import torch

from optarena import optim, schedules
from optarena.optim.dialects import NOT_OFFERED, TABLES
from optarena.optim.dialects import keras as keras_optim
from optarena.optim.dialects import paddle as paddle_optim
from optarena.optim.dialects.options import DESCRIBED
from optarena.schedules.dialects import TABLES as SCHEDULE_TABLES
from optarena.schedules.dialects import keras as keras_sched
from optarena.schedules.dialects import paddle as paddle_sched

#: torch.optim classes with no plain name, and why
TORCH_NOT_REGISTERED = {
    "LBFGS": "closure-driven quasi-Newton: optarena's trainer takes one gradient per step",
    "SparseAdam": "sparse gradients only",
}
#: torch.optim.lr_scheduler class -> (plain name, how its arguments map)
TORCH_SCHEDULES = {
    "LambdaLR": ("lambda", "`lr_lambda` (a function or `module:function`)"),
    "MultiplicativeLR": ("multiplicative", "`lr_lambda` -> `factor`"),
    "StepLR": ("step", "same"),
    "MultiStepLR": ("multistep", "same (repeated milestones apply gamma per repeat)"),
    "ConstantLR": ("constant-lr", "same"),
    "LinearLR": ("linear-lr", "same"),
    "ExponentialLR": ("exponential", "same"),
    "SequentialLR": ("sequential", "`schedulers` -> `schedules` (names or tables), `milestones`"),
    "CosineAnnealingLR": ("cosine", "same"),
    "ChainedScheduler": ("chained", "`schedulers` -> `schedules`"),
    "ReduceLROnPlateau": ("reduce-on-plateau", "same; `step(metric)`"),
    "CyclicLR": (
        "clr",
        "`base_lr` is the schedule's base rate; `step_size_up` -> `step_size`; "
        "momentum cycling is not scheduled",
    ),
    "CosineAnnealingWarmRestarts": ("cosine-restarts", "same (also `m_mul`, float `T_mult`)"),
    "OneCycleLR": ("one-cycle", "`max_lr` defaults to the base rate; momentum is not cycled"),
    "PolynomialLR": ("polynomial-lr", "same"),
}
DIFFERS = {
    ("paddle", "optim"): paddle_optim.DIFFERS,
    ("keras", "optim"): keras_optim.DIFFERS,
    ("paddle", "sched"): paddle_sched.DIFFERS,
    ("keras", "sched"): keras_sched.DIFFERS,
}
_SPELLINGS = {
    "paddle": "`learning_rate`, `epsilon`, `beta1`/`beta2`, `use_nesterov`, `lamb_weight_decay`",
    "keras": "`learning_rate`, `epsilon`, `beta_1`/`beta_2`",
}


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines + [""]


def _args(values: dict[str, Any]) -> str:
    return ", ".join(f"`{k}={v!r}`" for k, v in values.items()) or "-"


def _torch_optimizer_rows() -> list[list[Any]]:
    classes = [n for n in torch.optim.__all__ if n[0].isupper() and n != "Optimizer"]
    rows = []
    for cls_name in sorted(classes, key=str.lower):
        cls = getattr(torch.optim, cls_name)
        sig = {
            k: p.default
            for k, p in inspect.signature(cls).parameters.items()
            if p.default is not inspect.Parameter.empty
        }
        matches = [n for n in optim.names() if optim.spec(n).factory is cls]
        for name in matches:
            fixed = {k: v for k, v in optim.spec(name).defaults.items() if sig.get(k, v) != v}
            row = [f"`torch.optim.{cls_name}`", f"`{name}`", _args(fixed), "the class itself"]
            rows.append(row)
        if not matches:
            why = TORCH_NOT_REGISTERED.get(cls_name, "not registered as a plain name")
            rows.append([f"`torch.optim.{cls_name}`", "-", "-", why])
    return rows


def _dialect_optimizer_rows(dialect: str) -> list[list[Any]]:
    rows = []
    for name, (cls, _) in sorted(TABLES[dialect].items(), key=lambda kv: kv[1][0].follows):
        full = f"{dialect}:{name}"
        note = DIFFERS[(dialect, "optim")].get(name, "")
        options = getattr(cls, "_options", {})
        args = {k: v for k, v in optim.spec(full).defaults.items() if k not in options}
        rows.append([f"`{cls.follows}`", f"`{full}`", _args(args), note])
    for cls_name, why in sorted(NOT_OFFERED[dialect].items()):
        module = "paddle.optimizer" if dialect == "paddle" else "keras.optimizers"
        rows.append([f"`{module}.{cls_name}`", "-", "-", why])
    return rows


def _params(name: str) -> str:
    rows = {row["name"]: row for row in schedules.catalog(_dialect(name))}
    return f"`{rows[name]['parameters']}`"


def _dialect(name: str) -> str:
    head, sep, _ = name.partition(":")
    return head if sep else ""


def _torch_schedule_rows() -> list[list[Any]]:
    from torch.optim import lr_scheduler

    rows = []
    for cls_name in lr_scheduler.__all__:
        if not cls_name[0].isupper() or cls_name == "LRScheduler":
            continue
        name, how = TORCH_SCHEDULES.get(cls_name, ("-", "no plain name yet"))
        params = _params(name) if name != "-" else "-"
        rows.append([f"`lr_scheduler.{cls_name}`", f"`{name}`", params, how])
    return rows


def _dialect_schedule_rows(dialect: str) -> list[list[Any]]:
    rows = []
    for name, _ in sorted(SCHEDULE_TABLES[dialect].items(), key=lambda kv: kv[1][1]):
        full = f"{dialect}:{name}"
        note = DIFFERS[(dialect, "sched")].get(name, f"same rule as `{name}`")
        follows = schedules.spec(full).follows
        rows.append([f"`{follows}`", f"`{full}`", _params(full), note])
    return rows


def render() -> str:
    """The whole map as Markdown."""
    out = [
        "# Framework map",
        "",
        "<!-- generated by `python -m optarena.framework_map > docs/framework-map.md`; "
        "do not edit by hand -->",
        "",
        "Which optarena name reproduces each optimizer and learning-rate schedule class of "
        "PyTorch, Paddle 2.x (`paddle.optimizer`, `paddle.optimizer.lr`) and Keras 3 "
        "(`keras.optimizers`, `keras.optimizers.schedules`). Plain names follow torch's rules; "
        "`paddle:NAME` and `keras:NAME` reproduce those frameworks' rules and defaults exactly "
        "(checked side by side against paddlepaddle 3.3 and keras 3.15 by "
        "`tests/frameworks/`). A plain name given a framework spelling keeps working and warns "
        "once which rule runs. `optarena list optimizers --dialect paddle` lists a dialect.",
        "",
        "Dialect optimizers take torch spellings (`lr`, `eps`, `betas`, `weight_decay`) or the "
        "framework's: Paddle " + _SPELLINGS["paddle"] + "; Keras " + _SPELLINGS["keras"] + ". "
        "A schedule's base rate is the optimizer's lr (Paddle's `learning_rate`, Keras' "
        "`initial_learning_rate`).",
        "",
        "## Optimizers",
        "",
        "### PyTorch (`torch.optim`)",
        "",
    ]
    header = ["class", "optarena name", "arguments (defaults)", "what differs"]
    out += _table(header, _torch_optimizer_rows())
    for dialect, title in (("paddle", "Paddle (`paddle.optimizer`)"), ("keras", "Keras 3")):
        out += [f"### {title}", ""]
        out += _table(header, _dialect_optimizer_rows(dialect))
    out += [
        "### Framework-wide options",
        "",
        "Options of the frameworks' optimizer base classes, accepted by the dialect entries "
        "(study files: in the `opt` table). Stepped against the frameworks by "
        "`tests/frameworks/test_options.py`.",
        "",
    ]
    out += _table(["option", "taken by", "what it does"],
                  [[f"**{o}**", who, what] for o, who, what in DESCRIBED])  # fmt: skip
    out += ["## Schedules", "", "### PyTorch (`torch.optim.lr_scheduler`)", ""]
    out += _table(["class", "optarena name", "parameters", "arguments"], _torch_schedule_rows())
    for dialect, title in (
        ("paddle", "Paddle (`paddle.optimizer.lr`)"),
        ("keras", "Keras 3 (`keras.optimizers.schedules`)"),
    ):
        out += [f"### {title}", ""]
        out += _table(["class", "optarena name", "parameters", "what differs"],
                      _dialect_schedule_rows(dialect))  # fmt: skip
    return "\n".join(out).rstrip() + "\n"


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
