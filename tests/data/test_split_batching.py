"""Stratified splits, seeded batch order (same for every optimizer), and batch transforms."""

from __future__ import annotations

import pytest
import torch

from optarena.data import Split, batch_order, batches, make_transform, subset
from optarena.data.split import carve, class_quota


def _split(n=100, classes=(60, 30, 10)):
    y = torch.cat([torch.full((c,), i) for i, c in enumerate(classes)])
    return Split(torch.arange(len(y), dtype=torch.float32)[:, None], y)


def test_carve_is_stratified_disjoint_and_seeded():
    split = _split()
    rest, val = carve(split, 0.2, seed=3)
    assert torch.bincount(val.y).tolist() == [12, 6, 2]
    ids = torch.cat([rest.x[:, 0], val.x[:, 0]]).long().sort().values
    assert torch.equal(ids, torch.arange(100))
    assert torch.equal(carve(split, 0.2, seed=3)[1].x, val.x)
    assert not torch.equal(carve(split, 0.2, seed=4)[1].x, val.x)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        carve(split, 1.0, seed=0)


def test_class_quota_largest_remainder():
    # 7 of (5, 3, 2): exact 3.5, 2.1, 1.4 → floors 3, 2, 1 (6) + 1 to the largest remainder
    assert class_quota(torch.tensor([5, 3, 2]), 7).tolist() == [4, 2, 1]


def test_subset_caps_and_keeps_proportions():
    split = _split()
    small = subset(split, 10, seed=0)
    assert torch.bincount(small.y).tolist() == [6, 3, 1]
    assert subset(split, 1000, seed=0) is split


def test_batch_order_depends_only_on_seed_and_epoch():
    torch.manual_seed(0)
    a = batch_order(50, seed=7, epoch=2)
    torch.manual_seed(123)  # the global RNG must not matter
    torch.rand(10)
    b = batch_order(50, seed=7, epoch=2)
    assert torch.equal(a, b) and torch.equal(a.sort().values, torch.arange(50))
    assert not torch.equal(a, batch_order(50, seed=7, epoch=3))
    assert not torch.equal(a, batch_order(50, seed=8, epoch=2))


def test_batches_slice_and_cover_the_split():
    split = _split()
    got = list(batches(split, 32, seed=0, epoch=0))
    assert [len(y) for _, y in got] == [32, 32, 32, 4]
    order = batch_order(100, seed=0, epoch=0)
    assert torch.equal(torch.cat([x[:, 0] for x, _ in got]).long(), order)
    assert [len(y) for _, y in batches(split, 32, seed=0, epoch=0, drop_last=True)] == [32] * 3
    plain = torch.cat([x[:, 0] for x, _ in batches(split, 30, seed=0, epoch=0, shuffle=False)])
    assert torch.equal(plain.long(), torch.arange(100))


def test_two_trials_with_different_optimizers_see_identical_batches():
    g = torch.Generator().manual_seed(0)
    split = Split(torch.randn(64, 5, generator=g), torch.randint(0, 3, (64,), generator=g))

    def trial(make_optimizer):
        torch.manual_seed(99)  # per-trial model init may consume global RNG differently
        model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
        optimizer = make_optimizer(model.parameters())
        seen = []
        for epoch in range(3):
            for xb, yb in batches(split, 10, seed=42, epoch=epoch):
                optimizer.zero_grad()
                loss = torch.nn.functional.cross_entropy(model(xb), yb)
                loss.backward()
                optimizer.step()
                torch.rand(int(loss.item() * 1000) % 7 + 1)  # optimizer-dependent RNG use
                seen.append((xb.clone(), yb.clone()))
        return seen

    sgd = trial(lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9))
    adam = trial(lambda p: torch.optim.Adam(p, lr=1e-3))
    assert len(sgd) == len(adam) == 21
    for (xa, ya), (xb, yb) in zip(sgd, adam, strict=True):
        assert torch.equal(xa, xb) and torch.equal(ya, yb)


def test_normalisation_uses_training_statistics():
    g = torch.Generator().manual_seed(1)
    x = torch.randint(0, 256, (20, 3, 4, 5), dtype=torch.uint8, generator=g)
    t = make_transform(Split(x, torch.zeros(20, dtype=torch.long)))
    ref = x.double() / 255.0
    mean = ref.mean(dim=(0, 2, 3))
    std = ref.std(dim=(0, 2, 3), unbiased=False)
    torch.testing.assert_close(t.mean.double(), mean, rtol=0, atol=1e-6)
    torch.testing.assert_close(t.std.double(), std, rtol=0, atol=1e-6)
    out = t(x[:4], seed=0, epoch=0, batch_index=0, train=True)
    expected = (ref[:4] - mean.view(1, 3, 1, 1)) / std.view(1, 3, 1, 1)
    assert out.dtype == torch.float32
    torch.testing.assert_close(out.double(), expected, rtol=0, atol=1e-5)
    plain = make_transform(Split(x, torch.zeros(20, dtype=torch.long)), normalize=False)
    torch.testing.assert_close(plain(x, seed=0, epoch=0, batch_index=0).double(), ref)


def _matches_some_crop(image, source, pad):
    padded = torch.nn.functional.pad(source, (pad, pad, pad, pad))
    h, w = source.shape[1:]
    for candidate in (padded, padded.flip(-1)):
        for dy in range(2 * pad + 1):
            for dx in range(2 * pad + 1):
                if torch.equal(candidate[:, dy : dy + h, dx : dx + w], image):
                    return True
    return False


def test_crop_and_flip_are_real_crops_and_seeded():
    g = torch.Generator().manual_seed(2)
    x = torch.randint(1, 256, (16, 2, 6, 6), dtype=torch.uint8, generator=g)
    t = make_transform(
        Split(x, torch.zeros(16, dtype=torch.long)),
        normalize=False,
        augment=("crop", "flip"),
        pad=2,
    )
    out = t(x, seed=5, epoch=1, batch_index=3)
    src = x.float() / 255.0
    assert all(_matches_some_crop(out[i], src[i], 2) for i in range(16))
    assert not torch.equal(out, src)
    assert torch.equal(out, t(x, seed=5, epoch=1, batch_index=3))
    assert not torch.equal(out, t(x, seed=5, epoch=1, batch_index=4))
    assert torch.equal(
        t(x, seed=5, epoch=1, batch_index=3, train=False), src
    )  # eval: no augmentation
    with pytest.raises(ValueError, match="unknown augmentation"):
        make_transform(Split(x, torch.zeros(16, dtype=torch.long)), augment=("rotate",))


def test_flip_only_mirrors_about_half():
    x = torch.arange(2000 * 3, dtype=torch.uint8).reshape(2000, 1, 1, 3) % 250
    t = make_transform(
        Split(x, torch.zeros(2000, dtype=torch.long)), normalize=False, augment=("flip",)
    )
    out = t(x, seed=0, epoch=0, batch_index=0)
    flipped = (out != x.float() / 255).any(dim=(1, 2, 3))
    assert torch.equal(out[flipped], (x.float() / 255)[flipped].flip(-1))
    assert 900 < int(flipped.sum()) < 1100  # Binomial(2000, 1/2): mean 1000, sd 22
