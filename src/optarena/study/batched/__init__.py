"""Batched optimizers: every trial of a vectorized group updated at once on stacked tensors.

:class:`GroupUpdate` reads each trial's own ``torch.optim`` optimizer (built by the registry,
so defaults and checks are the serial trainer's), splits the trials into families of one update
rule and one code path, and steps each family with per-trial hyper-parameter tensors.
"""

from optarena.study.batched.base import Rule, UnsupportedError
from optarena.study.batched.group import RULES, GroupUpdate, rule_for

__all__ = ["RULES", "GroupUpdate", "Rule", "UnsupportedError", "rule_for"]
