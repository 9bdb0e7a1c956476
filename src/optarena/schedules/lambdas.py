"""Module-level ``lr_lambda`` functions for the ``lambda`` schedule (study files name them as
``module:function`` paths, which also pickle to worker processes)."""

from __future__ import annotations


def paddle_tutorial(t: int) -> float:
    """``0.95 ** t``: the Paddle learning-rate tutorial's ``LambdaDecay(lr_lambda=lambda x:
    0.95 ** x)``."""
    return 0.95**t
