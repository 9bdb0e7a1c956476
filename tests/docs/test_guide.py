"""docs/guide.md runs as written, and the user-code examples in examples/ are correct.

How the guide's fenced blocks are treated (the guide's introduction says the same to readers):

- ```` ```bash ````: run with ``bash -euo pipefail -c BLOCK``; must exit 0.
- ```` ```python ````: saved to a file and run as ``python FILE`` (a script, so that the
  ``local`` executor's worker processes can re-import it); must exit 0.
- ```` ```python file=NAME.py ```` / ```` ```toml file=NAME.toml ````: written to ``NAME``; a
  later bash block uses it.
- ```` ```python excerpt=PATH ````: must be a verbatim slice of ``PATH`` in the repository.
- ```` ```bash norun ```` and ```` ```text ````: not run (cluster commands, example output).
  Any other info string fails the test, so a new convention is a deliberate change here.

Each ``## `` section of the guide is one test, run top to bottom in its own scratch folder: a
copy of ``examples/`` on ``PYTHONPATH`` (what the guide's *Before you start* sets up by hand),
the toy image folder ``my_images/`` written by ``examples/make_toy_images.py``, and the data
cache in a temporary folder. Nothing is written into the repository. After a section has run,
its check (``CHECKS``) asserts on the key outputs (leaderboards read back as JSON, report files,
the resume counts, the lr-find JSON, user optimizers agreeing with the built-ins).
"""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import math
import os
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "guide.md"
EXAMPLES = ROOT / "examples"
BLOCK_TIMEOUT_S = 600

_FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$", re.M | re.S)
_KINDS = {("bash", None), ("bash", "norun"), ("python", None), ("python", "file")}
_KINDS |= {("python", "excerpt"), ("toml", "file"), ("text", None)}


@dataclasses.dataclass(frozen=True)
class Block:
    lang: str
    attrs: dict[str, str]
    text: str
    line: int
    section: str

    @property
    def kind(self) -> tuple[str, str | None]:
        if "norun" in self.attrs:
            return self.lang, "norun"
        for key in ("file", "excerpt"):
            if key in self.attrs:
                return self.lang, key
        return self.lang, None

    def where(self) -> str:
        return f"docs/guide.md:{self.line} ({self.section})"


def parse_guide(text: str) -> list[Block]:
    """Every fenced block of the guide with its language, ``key=value`` attributes and section."""
    headings = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^## (.+)$", text, re.M)]
    blocks = []
    for match in _FENCE.finditer(text):
        inside = [h for pos, h in headings if pos < match.start()]
        # a "## " line inside an earlier fence would be miscounted; the guide has none
        lang, *words = match.group("info").split()
        attrs = dict(w.split("=", 1) if "=" in w else (w, "") for w in words)
        line = text.count("\n", 0, match.start()) + 1
        section = inside[-1] if inside else "(introduction)"
        blocks.append(Block(lang, attrs, match.group("body"), line, section))
    return blocks


BLOCKS = parse_guide(GUIDE.read_text(encoding="utf-8"))
SECTIONS = list(dict.fromkeys(b.section for b in BLOCKS if b.section != "(introduction)"))


def _load(name: str) -> ModuleType:
    """Import ``examples/NAME.py`` the way a user's script would (by its module name)."""
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    keep, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the repo
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = keep
    return module


# --- running a section ---------------------------------------------------------------------


@dataclasses.dataclass
class Ran:
    block: Block
    output: str  # stdout + stderr


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("optarena-cache")


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """The guide's scratch folder: ``examples/`` copied in and a toy image folder."""
    shutil.copytree(EXAMPLES, tmp_path / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    written = _load("make_toy_images").make(tmp_path / "my_images", per_class=30, size=24)
    assert len(written) == 60
    return tmp_path


def _env(scratch: Path, cache: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(scratch / "examples"), os.environ.get("PYTHONPATH")) if p
    )
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
    env.update(
        OPTARENA_CACHE=str(cache / "data"),
        MPLCONFIGDIR=str(cache / "matplotlib"),
        MPLBACKEND="Agg",
        OMP_NUM_THREADS="1",
        COLUMNS="200",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run(cmd: list[str], block: Block, cwd: Path, env: dict[str, str]) -> str:
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT_S,
        stdin=subprocess.DEVNULL,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, (
        f"{block.where()} exited {proc.returncode}\n--- block ---\n{block.text}"
        f"--- stdout ---\n{proc.stdout[-4000:]}\n--- stderr ---\n{proc.stderr[-4000:]}"
    )
    return output


def run_section(section: str, cwd: Path, env: dict[str, str]) -> list[Ran]:
    ran = []
    for block in (b for b in BLOCKS if b.section == section):
        kind = block.kind
        if kind == ("bash", None):
            ran.append(
                Ran(block, _run(["bash", "-euo", "pipefail", "-c", block.text], block, cwd, env))
            )
        elif kind == ("python", None):
            script = cwd / f"_guide_block_{block.line}.py"
            script.write_text(block.text, encoding="utf-8")
            ran.append(Ran(block, _run([sys.executable, script.name], block, cwd, env)))
        elif kind[1] == "file":
            (cwd / block.attrs["file"]).write_text(block.text, encoding="utf-8")
    return ran


def output_of(ran: list[Ran], needle: str, nth: int = 0) -> str:
    """The output of the ``nth`` block run whose text contains ``needle``."""
    found = [r.output for r in ran if needle in r.block.text]
    assert len(found) > nth, f"no run block of the guide contains {needle!r}"
    return found[nth]


def board(cwd: Path, study: str) -> list[dict]:
    """A study's leaderboard rows, read back from ``cwd/runs/optarena.db`` (as JSON records)."""
    from optarena.analysis import leaderboard, to_json
    from optarena.store import Store

    with Store(cwd / "runs" / "optarena.db", create=False) as store:
        return json.loads(to_json(leaderboard(store, study)))


def counts(output: str) -> tuple[int, int, int]:
    """``(run now, already done, failed)`` from compare's summary line."""
    match = re.search(r"(\d+) trials run now, (\d+) already done, (\d+) failed", output)
    assert match, f"no summary line in:\n{output[-2000:]}"
    return int(match[1]), int(match[2]), int(match[3])


def json_line(output: str) -> object:
    """The last line of ``output`` that parses as JSON."""
    for line in reversed(output.strip().splitlines()):
        try:
            return json.loads(line)
        except json.JSONDecodeError:
            continue
    raise AssertionError(f"no JSON line in:\n{output[-2000:]}")


# --- what each section must produce ----------------------------------------------------------


def check_setup(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    assert "qhm" in output_of(ran, "list optimizers")
    assert "cosine" in output_of(ran, "list schedules")
    assert "digits-mlp" in output_of(ran, "list tasks")


def check_images(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    inspect = output_of(ran, "data inspect")
    assert "discs" in inspect and "stripes" in inspect
    first, rerun = (output_of(ran, "--name my-images", i) for i in range(2))
    assert counts(first) == (6, 0, 0)
    assert "report: runs/reports/my-images/report.html" in first
    assert counts(rerun) == (0, 6, 0), "rerunning a finished study must train nothing"
    rows = board(cwd, "my-images")
    assert sorted(r["optimizer"] for r in rows) == ["adam", "momentum", "sgd"]
    assert all(r["n_seeds"] == 2 and r["n_failed"] == 0 for r in rows)
    assert all(0.0 <= r["mean"] <= 1.0 for r in rows)
    shown = output_of(ran, "--format csv")
    assert all(name in shown for name in ("adam", "momentum", "sgd"))  # the rich table
    csv = shown[shown.index("rank,task,optimizer,") :].splitlines()
    assert len(csv) == 1 + 3 and all(line.count(",") == csv[0].count(",") for line in csv)
    report = cwd / "runs" / "reports" / "my-images"
    assert str(report / "report.html").endswith(output_of(ran, "optarena report").split()[0])
    for name in ("report.html", "report.md", "leaderboard.csv"):
        assert (report / name).stat().st_size > 0, name
    assert not list(report.glob("*.png"))  # the page draws the figures: files with --png
    pngs = report.with_name("my-images-png")
    assert (pngs / "test-accuracy.png").is_file() and not list(pngs.glob("*.svg"))
    assert "![" in (pngs / "report.md").read_text(encoding="utf-8")
    assert "<html" in (report / "report.html").read_text(encoding="utf-8").lower()
    events = list((cwd / "tb" / "my-images").glob("*/events.out.tfevents.*"))
    assert len(events) == 6  # one TensorBoard run per trial
    # the study file shares sgd and adam@0.001 (seeds 0, 1) with the flags study
    assert counts(output_of(ran, "compare my-images.toml")) == (4, 4, 0)
    rows = board(cwd, "my-images-file")
    assert sorted((r["optimizer"], r["lr"]) for r in rows) == [
        ("adam", 0.001),
        ("adam", 0.003),
        ("momentum", 0.01),
        ("sgd", 0.01),
    ]
    assert [r["hparams"] for r in rows if r["optimizer"] == "momentum"] == ["momentum=0.95"]


def check_schedules(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    png = cwd / "cosine.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    values = json_line(output_of(ran, "plot-schedule step"))
    assert values == pytest.approx([0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    rows = board(cwd, "schedules")
    assert sorted(r["schedule"] for r in rows) == ["cosine", "none", "step"]
    assert all(r["optimizer"] == "momentum" and r["lr"] == 0.05 for r in rows)
    assert all(r["n_seeds"] == 2 for r in rows)


def check_lr(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    found = json_line(output_of(ran, "optarena lr-find"))
    assert isinstance(found, dict)
    assert {"valley", "steep", "minimum", "slide", "suggested", "stopped_early"} <= set(found)
    suggested, minimum = found["suggested"], found["minimum"]
    assert suggested > 0 and math.isfinite(suggested)
    assert minimum * (1 - 1e-9) <= suggested <= 10 * minimum * (1 + 1e-9)  # as the guide says
    assert (cwd / "lr-sgd.png").stat().st_size > 0
    rows = board(cwd, "auto-lr")
    assert sorted(r["optimizer"] for r in rows) == ["adam", "sgd"]
    assert all(r["n_seeds"] == 1 and r["lr"] > 0 for r in rows)


def check_own(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    assert "match optarena's qhm and clr" in output_of(ran, "assert_close")
    clr = _load("my_schedules").TriangularCLR(0.01, max_lr=0.1, step_size=3)
    shown = json_line(output_of(ran, "plot-schedule my_schedules"))
    assert shown == pytest.approx([clr(t) for t in range(12)], abs=1e-12)
    rows = board(cwd, "mine-cli")
    assert len(rows) == 4 and all(r["n_seeds"] == 1 for r in rows)
    by = {(r["optimizer"], r["schedule"]): r["mean"] for r in rows}
    for schedule in ("none", "my_schedules:TriangularCLR"):
        # same equations, same seed, same batches: the user's QHM ties the built-in exactly
        assert by[("my_optimizers:QHM", schedule)] == by[("qhm", schedule)], schedule
    # mine.toml shares the my_optimizers:QHM trials with the flags study
    assert counts(output_of(ran, "compare mine.toml")) == (2, 2, 0)
    api = output_of(ran, "python compare_mine.py")
    run_now, done, failed = counts(api)
    assert run_now + done == 4 and failed == 0
    rows = board(cwd, "mine-api")
    assert sorted((r["optimizer"], r["schedule"]) for r in rows) == [
        ("momentum", "none"),
        ("momentum", "triangular"),
        ("my-qhm", "none"),
        ("my-qhm", "triangular"),
    ]
    assert all(r["n_seeds"] == 1 and r["n_failed"] == 0 for r in rows)


def check_ray(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    assert counts(output_of(ran, "--executor ray")) == (3, 0, 0)
    rows = board(cwd, "on-ray")
    assert sorted(r["optimizer"] for r in rows) == ["adam", "my_optimizers:QHM", "sgd"]
    assert all(r["n_seeds"] == 1 and r["n_failed"] == 0 for r in rows)


def check_python_api(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    out = output_of(ran, "run_study")
    assert "'complete': 4" in out
    assert re.search(r"\|\s*1\s*\|\s*(sgd|adam)\s*\|", out), out
    assert (cwd / "runs" / "reports" / "from-python" / "report.html").is_file()
    assert sorted(r["optimizer"] for r in board(cwd, "from-python")) == ["adam", "sgd"]


def check_lm(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    assert counts(output_of(ran, "compare lm.toml")) == (3, 0, 0)
    rows = board(cwd, "lm")
    assert sorted(r["optimizer"] for r in rows) == ["adamw", "muon", "routed"]
    assert {r["metric"] for r in rows} == {"bpc"}
    means = [r["mean"] for r in rows]
    assert means == sorted(means) and all(0 < m < 9 for m in means)  # lower is better, first


def check_own_problem(ran: list[Ran], cwd: Path, env: dict[str, str]) -> None:
    assert counts(output_of(ran, "my_dataset:SpiralTask")) == (4, 0, 0)
    spirals = board(cwd, "spirals")
    assert {r["metric"] for r in spirals} == {"accuracy"} and len(spirals) == 2
    assert spirals[0]["mean"] >= spirals[1]["mean"]  # higher is better, first
    out = output_of(ran, "optarena.compare")
    assert "mean test mean squared error (lower is better)" in out
    rows = board(cwd, "diabetes-mlp")
    assert [r["n_seeds"] for r in rows] == [2, 2] and rows[0]["mean"] <= rows[1]["mean"]
    assert "best.pt" in out


CheckFn = Callable[[list[Ran], Path, dict[str, str]], None]
CHECKS: dict[str, CheckFn] = {
    "Before you start": check_setup,
    "1. Compare optimizers on your own image folder": check_images,
    "2. Pick a learning-rate schedule": check_schedules,
    "3. Find a learning rate": check_lr,
    "4. Add your own optimizer and schedule": check_own,
    "5. Run a study on a Ray cluster": check_ray,
    "6. Python API": check_python_api,
    "7. Newer optimizers, routing and a language model": check_lm,
    "8. Your own model, data and loss": check_own_problem,
}


# --- the tests --------------------------------------------------------------------------------


def test_guide_blocks_follow_the_conventions() -> None:
    assert SECTIONS == list(CHECKS), "a guide section was added, removed or renamed: update CHECKS"
    for block in BLOCKS:
        assert block.kind in _KINDS, f"{block.where()}: unknown block kind {block.kind}"
        if block.kind[1] == "file":
            assert re.fullmatch(r"[\w.-]+", block.attrs["file"]), block.where()
    norun = [b for b in BLOCKS if b.kind[1] == "norun"]
    assert all(b.section in ("Before you start", "5. Run a study on a Ray cluster") for b in norun)


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind[1] == "excerpt"], ids=str)
def test_guide_excerpts_quote_the_examples(block: Block) -> None:
    source = (ROOT / block.attrs["excerpt"]).read_text(encoding="utf-8")
    assert block.text in source, f"{block.where()} no longer matches {block.attrs['excerpt']}"


@pytest.mark.slow
@pytest.mark.parametrize("section", SECTIONS)
def test_guide_section_runs(section: str, scratch: Path, cache_dir: Path) -> None:
    env = _env(scratch, cache_dir)
    ran = run_section(section, scratch, env)
    CHECKS[section](ran, scratch, env)


# --- the examples are right, not just runnable -------------------------------------------------


def _qhm_pair(**hparams: float) -> tuple[list[torch.Tensor], list[torch.Tensor], tuple]:
    torch.manual_seed(0)
    starts = [torch.randn(4, 3, dtype=torch.float64), torch.randn(3, dtype=torch.float64)]
    mine = [s.clone().requires_grad_() for s in starts]
    ref = [s.clone().requires_grad_() for s in starts]
    frozen = torch.randn(2, dtype=torch.float64, requires_grad=True)  # never gets a gradient
    groups_mine = [{"params": [mine[0], frozen]}, {"params": [mine[1]], "lr": 0.03}]
    groups_ref = [{"params": [ref[0], frozen]}, {"params": [ref[1]], "lr": 0.03}]
    qhm = _load("my_optimizers").QHM
    from optarena import optim

    return mine, ref, (qhm(groups_mine, **hparams), optim.create("qhm", groups_ref, **hparams))


def _loss(params: list[torch.Tensor]) -> torch.Tensor:
    a, b = params
    return (a**4).sum() + (a.sum(0) * b).sin().sum() + (b**2).sum()


def _step(params: list[torch.Tensor], optimizer: torch.optim.Optimizer) -> None:
    optimizer.zero_grad()
    _loss(params).backward()
    optimizer.step()


@pytest.mark.parametrize(
    "hparams",
    [
        {"lr": 0.1},
        {"lr": 0.05, "momentum": 0.9, "nu": 0.7},
        {"lr": 0.05, "momentum": 0.9, "nu": 0.0},  # plain SGD
        {"lr": 0.05, "momentum": 0.5, "nu": 1.0},  # normalized momentum
        {"lr": 0.05, "momentum": 0.9, "nu": 0.7, "weight_decay": 0.01},
    ],
    ids=str,
)
def test_user_qhm_matches_builtin_qhm(hparams: dict[str, float]) -> None:
    mine, ref, (opt_mine, opt_ref) = _qhm_pair(**hparams)
    for _ in range(15):
        _step(mine, opt_mine)
        _step(ref, opt_ref)
        for p, q in zip(mine, ref, strict=True):
            torch.testing.assert_close(p, q, rtol=0, atol=1e-13)
    assert torch.isfinite(mine[0]).all()


def test_user_qhm_equations_by_hand() -> None:
    """Two steps of the paper's update, written out, on one scalar."""
    qhm = _load("my_optimizers").QHM
    w = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    opt = qhm([w], lr=0.1, momentum=0.8, nu=0.6, weight_decay=0.5)
    theta, g = 2.0, 0.0
    for _ in range(2):
        opt.zero_grad()
        (w**2).sum().backward()  # gradient 2θ, plus λθ
        grad = 2 * theta + 0.5 * theta
        g = 0.8 * g + 0.2 * grad
        theta = theta - 0.1 * (0.4 * grad + 0.6 * g)
        opt.step()
        assert w.item() == pytest.approx(theta, abs=1e-14)


def test_user_qhm_state_dict_round_trip() -> None:
    qhm = _load("my_optimizers").QHM
    mine, ref, (opt_a, _) = _qhm_pair(lr=0.05, momentum=0.9, nu=0.7)
    for _ in range(3):
        _step(mine, opt_a)
    saved_params = [p.detach().clone() for p in mine]
    saved_state = pickle.loads(pickle.dumps(opt_a.state_dict()))
    for _ in range(4):
        _step(mine, opt_a)
    resumed = [p.clone().requires_grad_() for p in saved_params]
    frozen = torch.zeros(2, dtype=torch.float64, requires_grad=True)  # as in _qhm_pair
    opt_b = qhm([{"params": [resumed[0], frozen]}, {"params": [resumed[1]], "lr": 0.03}], lr=0.05)
    opt_b.load_state_dict(saved_state)
    for _ in range(4):
        _step(resumed, opt_b)
    for p, q in zip(mine, resumed, strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


@pytest.mark.parametrize(
    "bad",
    [{"lr": -1.0}, {"momentum": 1.0}, {"momentum": -0.1}, {"nu": 1.5}, {"weight_decay": -1e-3}],
    ids=str,
)
def test_user_qhm_rejects_bad_hyperparameters(bad: dict[str, float]) -> None:
    qhm = _load("my_optimizers").QHM
    with pytest.raises(ValueError, match=next(iter(bad))):
        qhm([torch.zeros(1, requires_grad=True)], **bad)


def test_user_qhm_through_the_registry_path() -> None:
    _load("my_optimizers")
    from optarena import optim

    spec = optim.spec("my_optimizers:QHM")
    assert spec.defaults["lr"] == 0.01 and spec.has_momentum and spec.has_weight_decay
    opt = optim.create("my_optimizers:QHM", [torch.zeros(2, requires_grad=True)], momentum=0.9)
    assert opt.defaults["nu"] == 0.7 and opt.defaults["momentum"] == 0.9
    with pytest.raises(ValueError, match="accepted"):
        optim.create("my_optimizers:QHM", [torch.zeros(2, requires_grad=True)], betas=(0.9, 0.9))


@pytest.mark.parametrize(
    ("base_lr", "max_lr", "step_size"),
    [(0.01, 0.1, 3), (0.001, 0.006, 1), (0.1, 0.1, 5), (1e-4, 1.0, 2000)],
)
def test_user_clr_matches_builtin_clr(base_lr: float, max_lr: float, step_size: int) -> None:
    from optarena import schedules

    mine = schedules.create(
        "my_schedules:TriangularCLR", base_lr, max_lr=max_lr, step_size=step_size
    )
    ref = schedules.create("clr", base_lr, max_lr=max_lr, step_size=step_size)
    counts_to_check = [*range(6 * step_size + 3), 10**6 + 1, 10**6 + step_size]
    for t in counts_to_check:
        assert mine(t) == pytest.approx(ref(t), rel=1e-12, abs=1e-15), t
    assert mine(0) == pytest.approx(base_lr) and mine(step_size) == pytest.approx(max_lr)


def test_user_clr_is_a_proper_schedule() -> None:
    from optarena import schedules

    clr_cls = _load("my_schedules").TriangularCLR
    s = clr_cls(0.01, max_lr=0.1, step_size=4)
    assert pickle.loads(pickle.dumps(s)) == s
    assert not s.metric_driven
    config = json.loads(json.dumps(s.config()))
    assert config["name"] == "my_schedules:TriangularCLR"
    assert schedules.from_config(config) == s
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.max_lr = 1.0  # type: ignore[misc]
    for bad in ({"max_lr": 0.001}, {"max_lr": 0.1, "step_size": 0}):
        with pytest.raises(ValueError):
            clr_cls(0.01, **bad)
    with pytest.raises(ValueError, match="step_size"):
        clr_cls(0.01, max_lr=0.1, step_size=True)
    with pytest.raises(ValueError, match="base_lr"):
        clr_cls(0.0, max_lr=0.1)
    with pytest.raises(ValueError):
        s(-1)
    with pytest.raises(ValueError, match="accepted"):
        schedules.create("my_schedules:TriangularCLR", 0.01, max_lr=0.1, period=3)


def test_toy_images_are_deterministic(tmp_path: Path) -> None:
    make = _load("make_toy_images").make
    a = make(tmp_path / "a", per_class=4, size=16, seed=3)
    b = make(tmp_path / "b", per_class=4, size=16, seed=3)
    assert [p.relative_to(tmp_path / "a") for p in a] == [p.relative_to(tmp_path / "b") for p in b]
    assert all(p.read_bytes() == q.read_bytes() for p, q in zip(a, b, strict=True))
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == ["discs", "stripes"]
    from PIL import Image

    with Image.open(a[0]) as image:
        assert image.size == (16, 16) and image.mode == "RGB"
