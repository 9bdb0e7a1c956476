"""A language-modelling task that needs no download: next-byte prediction on the source files of
the running Python's standard library, split by file (so validation text is unseen code).

Files (``*.py`` under ``sysconfig.get_paths()["stdlib"]``, without ``test``/``tests``/
``idlelib``/``site-packages``) go to test, validation or training by a hash of their relative
path (1/20, 1/20, 18/20); each split's bytes, joined by newlines, are cut into windows of
``context + 1`` bytes: the first ``context`` are the input, the last ``context`` the targets.
The dataset's ``info`` records the Python version, file and byte counts.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import platform
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from optarena.data.types import Dataset, Split
from optarena.tasks.task import Task

VOCAB = 256  # bytes
_SKIP = {"test", "tests", "idlelib", "site-packages", "__pycache__"}
_CAPS = {"train": 20_000, "val": 500, "test": 500}  # windows per split


def stdlib_files(root: Path | None = None) -> list[Path]:
    """The standard library's ``*.py`` files (sorted), without test suites and IDLE."""
    root = Path(root or sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.rglob("*.py") if not _SKIP & set(p.relative_to(root).parts[:-1]))


def split_of(relative: str) -> str:
    """``train``, ``val`` or ``test`` for a file, from the MD5 of its relative path."""
    bucket = int(hashlib.md5(relative.encode()).hexdigest(), 16) % 20
    return "test" if bucket == 0 else "val" if bucket == 1 else "train"


def windows(data: bytes, context: int, cap: int) -> Split:
    """Non-overlapping windows of ``context + 1`` bytes, at most ``cap`` of them, evenly spread
    over ``data``; x = the first ``context`` bytes, y = the last ``context``."""
    n = (len(data) - 1) // context
    if n < 1:
        raise ValueError(f"corpus of {len(data)} bytes is shorter than one window")
    tokens = torch.frombuffer(bytearray(data), dtype=torch.uint8).long()
    starts = torch.arange(n) * context
    if n > cap:
        starts = starts[torch.linspace(0, n - 1, cap).long()]
    idx = starts[:, None] + torch.arange(context + 1)
    chunk = tokens[idx]
    return Split(chunk[:, :-1].contiguous(), chunk[:, 1:].contiguous())


@functools.cache
def stdlib_corpus(context: int = 64, root: str | None = None) -> Dataset:
    """The standard-library byte corpus as a :class:`Dataset` (cached per process)."""
    base = Path(root or sysconfig.get_paths()["stdlib"])
    texts: dict[str, list[bytes]] = {"train": [], "val": [], "test": []}
    for path in stdlib_files(base):
        texts[split_of(path.relative_to(base).as_posix())].append(path.read_bytes())
    if not all(texts.values()):
        raise ValueError(f"{base} holds too few Python files for train/val/test splits")
    joined = {name: b"\n".join(parts) for name, parts in texts.items()}
    splits = {name: windows(data, context, _CAPS[name]) for name, data in joined.items()}
    info: dict[str, Any] = {
        "source": f"Python {platform.python_version()} standard library *.py files, by file",
        "python": platform.python_version(),
        "files": {name: len(parts) for name, parts in texts.items()},
        "bytes": {name: len(data) for name, data in joined.items()},
        "context": context,
    }
    return Dataset("python-stdlib", **splits, classes=[f"{b:02x}" for b in range(VOCAB)],
                   info=info)  # fmt: skip


@dataclass(frozen=True)
class LanguageModelTask(Task):
    """Next-byte prediction on the standard-library corpus (``context`` bytes per window)."""

    context: int = 64

    def load_data(
        self,
        *,
        data_dir: str | None = None,
        download: bool = False,
        subset: int | None = None,
        seed: int = 0,
    ) -> Dataset:
        """The corpus; ``subset`` keeps that many training windows, chosen by ``seed``
        (validation and test stay whole unless ``eval_subset`` caps them). ``data_dir``:
        another folder of Python files."""
        dataset = self.cap_evaluation(stdlib_corpus(self.context, data_dir))
        if subset is None or subset >= len(dataset.train):
            return dataset
        if subset < 1:
            raise ValueError(f"subset must be >= 1, got {subset}")
        gen = torch.Generator().manual_seed(seed)
        keep = torch.randperm(len(dataset.train), generator=gen)[:subset].sort().values
        train = Split(dataset.train.x[keep], dataset.train.y[keep])
        return dataclasses.replace(dataset, train=train)

    def make_transform(self, train: Split) -> None:
        """Token ids go to the model as they are."""
        return None


STDLIB_LM = LanguageModelTask(
    name="stdlib-char-lm",
    dataset="python-stdlib",
    model="char-transformer",
    metric="bpc",
    epochs=3,
    batch_size=32,
    normalize=False,
    description="byte-level causal transformer (2×64) on Python's stdlib source, split by "
    "file; offline; bits per character (lower is better)",
)
