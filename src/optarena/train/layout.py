"""Memory layout of a trial's convolutions: ``channels_last`` where it measurably pays.

A one-time probe per (model structure, input shape, batch size, threads, device) in a process:
a few training steps of a copy of the model on synthetic data in each layout, best time of
three after a warm-up; ``channels_last`` is used when it is at least ``GAIN`` times faster
(PyTorch's channels-last guide:
https://pytorch.org/tutorials/intermediate/memory_format_tutorial.html). Models without 2-D
convolutions, and non-CPU devices, keep the default layout without probing. The probe uses a
copy of the model, synthetic data and a forked RNG, so it changes no number of the trial; the
layout itself changes results only within float tolerance (another summation order).
"""

from __future__ import annotations

import copy
import time

import torch
from torch import nn

GAIN = 1.1
_DECISIONS: dict[tuple, bool] = {}


def _step_seconds(model: nn.Module, x: torch.Tensor, channels_last: bool) -> float:
    fmt = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=fmt)
    x = x.contiguous(memory_format=fmt)
    y = torch.zeros(len(x), dtype=torch.long)
    times = []
    for _ in range(4):
        started = time.perf_counter()
        out = model(x)
        loss = nn.functional.cross_entropy(out, y)
        loss.backward()
        times.append(time.perf_counter() - started)
    return min(times[1:])


def use_channels_last(
    model: nn.Module, input_shape: tuple[int, ...], batch_size: int, device: torch.device
) -> bool:
    """Whether this trial's model trains faster in ``channels_last`` here (probed once)."""
    if device.type != "cpu" or len(input_shape) != 3:
        return False
    if not any(isinstance(m, nn.Conv2d) for m in model.modules()):
        return False
    structure = tuple((n, tuple(p.shape)) for n, p in model.named_parameters())
    key = (type(model).__name__, structure, input_shape, batch_size, torch.get_num_threads())
    if key not in _DECISIONS:
        with torch.random.fork_rng(devices=[]):
            probe = copy.deepcopy(model).train()
            gen = torch.Generator().manual_seed(0)
            x = torch.randn((min(batch_size, 128), *input_shape), generator=gen)
            plain = _step_seconds(probe, x, channels_last=False)
            last = _step_seconds(probe, x, channels_last=True)
        _DECISIONS[key] = plain >= GAIN * last
    return _DECISIONS[key]
