"""How many trials of one architecture fit in one vectorized group: a memory estimate.

A trial of a group holds, per parameter element, the flat parameters, the flat gradient
buffer, autograd's own gradient of the stacked leaves, the best-epoch snapshot and the
optimizer's state tensors (at most three: AMSGrad, centered RMSprop); its buffers twice (live
and best); and the activations of one training step, which autograd keeps for the backward
pass and which the backward pass matches with gradients of the same size (so twice the
outputs of every leaf module, traced once on meta tensors). The group size is the free memory
(``torch.cuda.mem_get_info`` on a GPU, ``MemAvailable`` of ``/proc/meminfo`` on a CPU) times
:data:`SHARE`, divided by that per-trial estimate; a group that still runs out of GPU memory is
split in halves by the executor.
"""

from __future__ import annotations

import os

import torch
from torch import nn

#: the part of the free memory a group may plan to use
SHARE = 0.5
#: parameter-sized tensors per trial besides the optimizer state (see the module docstring)
PARAM_COPIES = 4
#: the most state tensors a batched rule keeps per parameter
STATE_COPIES = 3


def activation_elements(base: nn.Module, example: torch.Tensor) -> int:
    """Elements of every leaf module's output for one forward of the meta batch ``example``."""
    total = [0]

    def hook(module: nn.Module, args: tuple, out: object) -> None:
        if isinstance(out, torch.Tensor):
            total[0] += out.numel()

    hooks = [m.register_forward_hook(hook) for m in base.modules() if not list(m.children())]
    was = base.training
    base.eval()  # meta shapes only (dropout masks are not given here)
    try:
        with torch.no_grad():
            base(example)
    finally:
        base.train(was)
        for h in hooks:
            h.remove()
    return total[0]


def trial_bytes(base: nn.Module, example: torch.Tensor, element_size: int) -> int:
    """The estimated bytes one trial of a group needs (``base`` a meta model, ``example`` a
    meta batch of the training batch size)."""
    params = sum(p.numel() for p in base.parameters())
    buffers = sum(b.numel() for b in base.buffers())
    try:
        activations = activation_elements(base, example)
    except Exception:  # a model that cannot run on meta tensors: assume a large one
        activations = 16 * params
    elements = (PARAM_COPIES + STATE_COPIES) * params + 2 * buffers + 2 * activations
    return elements * element_size + len(example) * example[0].numel() * example.element_size()


def free_bytes(device: torch.device) -> int | None:
    """Free memory on ``device``; None where it cannot be read."""
    if device.type == "cuda":
        free, _ = torch.cuda.mem_get_info(device)
        return int(free)
    if device.type == "cpu":
        try:
            with open("/proc/meminfo") as f:
                for line in f:
                    if line.startswith("MemAvailable:"):
                        return int(line.split()[1]) * 1024
        except OSError:
            pass
        try:
            return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
        except (ValueError, OSError, AttributeError):
            return None
    return None


def group_limit(per_trial: int, device: torch.device, cap: int) -> int:
    """The most trials a group on ``device`` should hold: at least 1, at most ``cap``."""
    free = free_bytes(device)
    if free is None or per_trial <= 0:
        return cap
    return max(1, min(cap, int(free * SHARE) // per_trial))
