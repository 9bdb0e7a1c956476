"""Learning-rate suggestions from an LR range test curve: fastai's four rules and a headline.

The rules follow ``fastai.callback.schedule`` (``valley``, ``slide``, ``minimum``, ``steep``;
fastai docs, "Learning rate finder"): each takes the tested learning rates and the smoothed
losses (already trimmed and cut at the first non-finite value) and returns
``(suggested_lr, (lr, loss))``, the second pair being where to mark the suggestion on a plot.

- ``minimum``: one tenth of the learning rate at the lowest loss.
- ``steep``: the learning rate where the loss falls fastest against ``log(lr)``.
- ``valley``: the longest valley (longest strictly decreasing subsequence of the loss), and a
  point half way between its first and second thirds (ESRI's rule, fastai's default).
- ``slide``: ESRI's interval slide rule: walk left from the high-LR end while the gradient of the
  loss differs by more than ``thresh`` across a window of ``lr_diff`` points.

The headline, :func:`suggested`, is *not* ``valley``. ``valley`` counts every point of a strictly
decreasing *subsequence*, and the beta=0.98 moving average turns a long, noisy plateau into a
slow monotone drift, so when the loss only falls over the last decade or so before it blows up
(plain SGD on a small CNN: flat until 1e-2, falling to about 0.15, exploding after) the "valley"
starts far back in the plateau and its middle lands one to two decades below where the loss
actually falls.
fastai's book (ch. 5, "The Learning Rate Finder") advises picking between one tenth of the
minimum's rate and the point where the loss falls fastest; :func:`suggested` is exactly that:
``steep``, kept within ``[minimum, 10 * minimum]`` (from the minimum's rate over ten down to the
minimum's rate), which also catches a ``steep`` picked out of noise far from the minimum.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Point = tuple[float, float]
Suggestion = tuple[float, Point]


def _as_arrays(lrs: np.ndarray, losses: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lrs = np.asarray(lrs, dtype=np.float64)
    losses = np.asarray(losses, dtype=np.float64)
    if lrs.shape != losses.shape or lrs.ndim != 1 or lrs.size == 0:
        raise ValueError("lrs and losses must be non-empty 1-D arrays of the same length")
    return lrs, losses


def minimum(lrs: np.ndarray, losses: np.ndarray) -> Suggestion:
    """One tenth of the LR at the lowest loss; the plot point is the minimum itself."""
    lrs, losses = _as_arrays(lrs, losses)
    i = int(np.argmin(losses))
    return float(lrs[i] / 10), (float(lrs[i]), float(losses[i]))


def steep(lrs: np.ndarray, losses: np.ndarray) -> Suggestion:
    """The LR where ``d loss / d log(lr)`` (forward difference) is most negative."""
    lrs, losses = _as_arrays(lrs, losses)
    if lrs.size < 2:
        return float(lrs[0]), (float(lrs[0]), float(losses[0]))
    grads = np.diff(losses) / np.diff(np.log(lrs))
    i = int(np.argmin(grads))
    return float(lrs[i]), (float(lrs[i]), float(losses[i]))


def longest_decreasing_lengths(losses: np.ndarray) -> np.ndarray:
    """``lds[i]``: length of the longest strictly decreasing subsequence ending at ``i``."""
    losses = np.asarray(losses, dtype=np.float64)
    lds = np.ones(losses.size, dtype=np.int64)
    for i in range(1, losses.size):
        higher = losses[:i] > losses[i]
        if higher.any():
            lds[i] = lds[:i][higher].max() + 1
    return lds


def valley(lrs: np.ndarray, losses: np.ndarray) -> Suggestion:
    """Middle of the longest valley: ``start + int(L/3) + int(L/6)`` with ``L = end - start``.

    ``end`` is the first index whose longest decreasing run is the longest of all, ``start`` is
    ``end`` minus that length (clamped at 0; fastai lets it reach -1 when the whole curve falls).
    """
    lrs, losses = _as_arrays(lrs, losses)
    lds = longest_decreasing_lengths(losses)
    end = int(np.argmax(lds))
    start = end - int(lds[end])
    sections = (end - start) / 3
    i = max(start + int(sections) + int(sections / 2), 0)
    return float(lrs[i]), (float(lrs[i]), float(losses[i]))


def slide(
    lrs: np.ndarray,
    losses: np.ndarray,
    *,
    lr_diff: int = 15,
    thresh: float = 0.005,
    adjust_value: float = 1.0,
) -> Suggestion:
    """ESRI's slide rule as fastai runs it (defaults ``lr_diff=15``, ``thresh=0.005``).

    ``thresh`` is absolute, in loss units per point, as in fastai. With fewer than
    ``lr_diff + 1`` points the window shrinks to the curve's length.
    """
    lrs, losses = _as_arrays(lrs, losses)
    n = losses.size
    if n < 2:
        return float(lrs[0] * adjust_value), (float(lrs[0] * adjust_value), float(losses[0]))
    lr_diff = max(1, min(lr_diff, n - 1))
    grad = np.gradient(losses)
    right, left = n - 1, n - 1 - lr_diff
    found = lrs[left]
    while left >= 0 and abs(grad[right] - grad[left]) > thresh:
        found = lrs[left]
        right, left = right - 1, left - 1
    lr = float(found * adjust_value)
    loss = float(np.interp(np.log10(lr), np.log10(lrs), losses))
    return lr, (lr, loss)


def suggested(lrs: np.ndarray, losses: np.ndarray) -> Suggestion:
    """``steep`` clipped to ``[minimum, 10 * minimum]`` (see the module docstring for why).

    The plot point is on the curve, interpolated in ``log10(lr)`` as ``slide`` does.
    """
    lrs, losses = _as_arrays(lrs, losses)
    low = minimum(lrs, losses)[0]
    lr = float(np.clip(steep(lrs, losses)[0], low, 10 * low))
    loss = float(np.interp(np.log10(lr), np.log10(lrs), losses))
    return lr, (lr, loss)


RULES: dict[str, Callable[[np.ndarray, np.ndarray], Suggestion]] = {
    "valley": valley,
    "steep": steep,
    "minimum": minimum,
    "slide": slide,
}


def suggest(lrs: np.ndarray, losses: np.ndarray) -> dict[str, Suggestion | None]:
    """fastai's four rules and ``"suggested"`` on a curve; ``None`` for all when it is empty."""
    lrs, losses = np.asarray(lrs, dtype=np.float64), np.asarray(losses, dtype=np.float64)
    if lrs.size == 0:
        return dict.fromkeys([*RULES, "suggested"])
    found: dict[str, Suggestion | None] = {name: rule(lrs, losses) for name, rule in RULES.items()}
    found["suggested"] = suggested(lrs, losses)
    return found
