"""LR range test with fastai's suggestion rules, and its figure."""

from optarena.lrfind.core import SUGGESTION_NAMES, LRFindResult, lr_range_test, lr_schedule
from optarena.lrfind.plot import plot_lr_find
from optarena.lrfind.suggest import minimum, slide, steep, suggest, suggested, valley
from optarena.lrfind.task import lr_find_task

__all__ = [
    "SUGGESTION_NAMES",
    "LRFindResult",
    "lr_find_task",
    "lr_range_test",
    "lr_schedule",
    "minimum",
    "plot_lr_find",
    "slide",
    "steep",
    "suggest",
    "suggested",
    "valley",
]
