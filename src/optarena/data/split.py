"""Seeded, stratified splitting and sub-sampling of labelled tensors (no per-sample Python)."""

from __future__ import annotations

import hashlib

import torch

from optarena.data.types import Split


def generator(*parts: int | str) -> torch.Generator:
    """A CPU ``torch.Generator`` seeded from a hash of ``parts`` only (never global state)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    g = torch.Generator()
    g.manual_seed(int.from_bytes(digest[:8], "little") & (2**63 - 1))
    return g


def class_quota(counts: torch.Tensor, total: int) -> torch.Tensor:
    """Per-class counts summing to ``total``, proportional to ``counts`` (largest remainder)."""
    n = int(counts.sum())
    if n == 0:
        return torch.zeros_like(counts)
    exact = counts.double() * total / n
    quota = exact.floor().long()
    remainder = total - int(quota.sum())
    if remainder > 0:
        frac = exact - quota.double()
        order = torch.argsort(-frac, stable=True)  # ties go to the lower class index
        quota[order[:remainder]] += 1
    return torch.minimum(quota, counts)


def stratified_indices(
    y: torch.Tensor, count: int, seed: int | str
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(taken, rest)``: sorted index tensors, ``taken`` has ``count`` rows in class proportion."""
    n = int(y.shape[0])
    if not 0 <= count <= n:
        raise ValueError(f"cannot take {count} of {n} examples")
    if n == 0:
        empty = torch.zeros(0, dtype=torch.long)
        return empty, empty
    perm = torch.randperm(n, generator=generator("split", seed, n))
    by_class = perm[torch.argsort(y[perm], stable=True)]  # random order inside each class
    counts = torch.bincount(y, minlength=int(y.max()) + 1)
    quota = class_quota(counts, count)
    starts = torch.cumsum(counts, 0) - counts
    labels = y[by_class]
    rank = torch.arange(n) - starts[labels]
    mask = rank < quota[labels]
    return by_class[mask].sort().values, by_class[~mask].sort().values


def carve(split: Split, fraction: float, seed: int | str) -> tuple[Split, Split]:
    """``(rest, carved)``: a stratified ``fraction`` of ``split`` moved into a new split."""
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"split fractions must lie in [0, 1), got {fraction}")
    taken, rest = stratified_indices(split.y, round(fraction * len(split)), seed)
    return Split(split.x[rest], split.y[rest]), Split(split.x[taken], split.y[taken])


def subset(split: Split, n: int, seed: int) -> Split:
    """At most ``n`` examples of ``split`` chosen by ``seed``: stratified by class for class
    labels, uniformly (kept in order) for other targets such as token sequences."""
    if n < 0:
        raise ValueError(f"subset size must be non-negative, got {n}")
    if n >= len(split):
        return split
    if split.y.ndim == 1:
        taken, _ = stratified_indices(split.y, n, f"subset-{seed}")
    else:
        taken = torch.randperm(len(split), generator=generator("subset", seed))[:n].sort().values
    return Split(split.x[taken], split.y[taken])
