"""fastai's four suggestion rules, each checked against a plain-loop reference written here."""

from __future__ import annotations

import math

import numpy as np
import pytest

from optarena.lrfind import minimum, slide, steep, suggest, suggested, valley


def ref_valley(lrs, losses):
    """fastai.callback.schedule.valley, transcribed as loops (only a negative index raised)."""
    n = len(losses)
    lds = [1] * n
    max_start, max_end = 0, 0
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] and lds[i] < lds[j] + 1:
                lds[i] = lds[j] + 1
            if lds[max_end] < lds[i]:
                max_end = i
                max_start = max_end - lds[max_end]
    sections = (max_end - max_start) / 3
    return lrs[max(max_start + int(sections) + int(sections / 2), 0)]


def ref_slide(lrs, losses, lr_diff=15, thresh=0.005):
    n = len(losses)
    grad = [0.0] * n  # numpy.gradient: one-sided at the ends, central inside
    grad[0], grad[-1] = losses[1] - losses[0], losses[-1] - losses[-2]
    for i in range(1, n - 1):
        grad[i] = (losses[i + 1] - losses[i - 1]) / 2
    right, left = n - 1, n - 1 - lr_diff
    found = lrs[left]
    while left >= 0 and abs(grad[right] - grad[left]) > thresh:
        found = lrs[left]
        right, left = right - 1, left - 1
    return found


def ref_steep(lrs, losses):
    slopes = [
        (losses[i + 1] - losses[i]) / (math.log(lrs[i + 1]) - math.log(lrs[i]))
        for i in range(len(lrs) - 1)
    ]
    return lrs[slopes.index(min(slopes))]


def ref_minimum(lrs, losses):
    return lrs[list(losses).index(min(losses))] / 10


def curves():
    rng = np.random.default_rng(0)
    lrs = np.geomspace(1e-6, 1.0, 60)
    t = np.linspace(0, 1, 60)
    bowl = 2.0 - 1.5 / (1 + np.exp(-(t - 0.4) * 20)) + 3 * np.maximum(t - 0.85, 0) ** 2 * 50
    yield lrs, bowl
    for _ in range(5):
        yield lrs, bowl + rng.normal(0, 0.05, 60)
    yield lrs, rng.uniform(0, 1, 60)
    yield lrs, np.linspace(3, 1, 60)  # falls everywhere: fastai's start would be -1


@pytest.mark.parametrize("k", range(8))
def test_rules_match_fastai_reference(k):
    lrs, losses = list(curves())[k]
    assert valley(lrs, losses)[0] == ref_valley(list(lrs), list(losses))
    assert slide(lrs, losses)[0] == ref_slide(list(lrs), list(losses))
    assert steep(lrs, losses)[0] == ref_steep(list(lrs), list(losses))
    assert minimum(lrs, losses)[0] == pytest.approx(ref_minimum(list(lrs), list(losses)), 1e-15)


def test_valley_on_a_designed_curve():
    # flat 0..9, strictly falling 10..40, rising after
    losses = np.concatenate([np.full(10, 5.0), np.linspace(4.9, 1.0, 31), np.linspace(1.5, 9, 19)])
    lrs = np.geomspace(1e-5, 1, losses.size)
    lds_end, length = 40, 32  # longest strictly decreasing run: 5.0 then 31 falling values
    start = lds_end - length
    sections = (lds_end - start) / 3
    expected = start + int(sections) + int(sections / 2)
    lr, (plot_lr, plot_loss) = valley(lrs, losses)
    assert lr == lrs[expected] and plot_lr == lr and plot_loss == losses[expected]


def test_minimum_and_steep_points():
    lrs = np.array([1e-3, 1e-2, 1e-1, 1.0])
    losses = np.array([3.0, 2.9, 1.0, 0.5])
    assert minimum(lrs, losses) == (pytest.approx(0.1), (1.0, 0.5))
    # slopes per decade-of-e: -0.1/ln10, -1.9/ln10, -0.5/ln10 -> steepest starts at 1e-2
    assert steep(lrs, losses) == (1e-2, (1e-2, 2.9))


def test_slide_short_curve_and_adjust_value():
    lrs = np.geomspace(1e-4, 1, 6)
    losses = np.array([2.0, 1.9, 1.5, 1.0, 0.9, 3.0])
    lr, (_, loss) = slide(lrs, losses, adjust_value=0.5)  # window shrinks to 5 points
    assert lr == pytest.approx(0.5 * ref_slide(list(lrs), list(losses), lr_diff=5))
    assert loss == pytest.approx(np.interp(np.log10(lr), np.log10(lrs), losses))


def test_suggest_on_empty_and_single_point():
    assert suggest(np.array([]), np.array([])) == dict.fromkeys(
        ["valley", "steep", "minimum", "slide", "suggested"]
    )
    one = suggest(np.array([1e-3]), np.array([2.0]))
    assert one["valley"][0] == one["steep"][0] == one["slide"][0] == one["suggested"][0] == 1e-3
    assert one["minimum"][0] == pytest.approx(1e-4)
    with pytest.raises(ValueError, match="same length"):
        valley(np.array([1.0, 2.0]), np.array([1.0]))


def test_valley_whole_fall_uses_fastais_minus_one_start():
    losses = np.linspace(3.0, 1.0, 10)  # lds ends at 9 with length 10: start -1, sections 10/3
    lrs = np.geomspace(1e-4, 1, 10)
    assert valley(lrs, losses)[0] == lrs[-1 + 3 + 1]
    # two points, both falling: fastai's index would be -1 (the far end); ours is 0
    assert valley(lrs[:2], losses[:2])[0] == lrs[0]


@pytest.mark.parametrize("k", range(8))
def test_suggested_is_steep_clipped_to_the_decade_below_the_minimum(k):
    lrs, losses = list(curves())[k]
    low = ref_minimum(list(lrs), list(losses))
    ref = min(max(ref_steep(list(lrs), list(losses)), low), 10 * low)
    lr, (plot_lr, plot_loss) = suggested(lrs, losses)
    assert lr == pytest.approx(ref, rel=1e-15) and plot_lr == lr
    assert plot_loss == pytest.approx(np.interp(np.log10(lr), np.log10(lrs), losses), rel=1e-12)
    assert suggest(lrs, losses)["suggested"] == (lr, (plot_lr, plot_loss))


def test_suggested_clips_both_ways():
    lrs = np.geomspace(1e-6, 1, 7)
    # steepest fall at 1e-6 (noise far left), minimum at 1e-1: raised to 1e-1 / 10
    far_left = np.array([3.0, 0.5, 2.9, 2.8, 2.7, 0.4, 4.0])
    assert steep(lrs, far_left)[0] == 1e-6
    assert suggested(lrs, far_left)[0] == pytest.approx(1e-2, rel=1e-12)
    # steepest fall at 1e-2, past the minimum at 1e-4 (a second dip): lowered to 1e-4
    past_min = np.array([3.0, 2.9, 0.2, 2.0, 3.5, 0.3, 5.0])
    assert steep(lrs, past_min)[0] == pytest.approx(1e-2, rel=1e-12)
    assert suggested(lrs, past_min)[0] == pytest.approx(1e-4, rel=1e-12)
