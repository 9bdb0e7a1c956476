"""The dialects cover every optimizer and schedule class Paddle and Keras ship publicly: each
has an entry or a stated reason (issue 13)."""

from __future__ import annotations

import pytest

from optarena.optim.dialects import NOT_OFFERED, TABLES
from optarena.schedules.dialects import TABLES as SCHEDULES

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _public_classes(module, base) -> set[str]:
    return {
        name
        for name in dir(module)
        if not name.startswith("_")
        and isinstance(getattr(module, name), type)
        and issubclass(getattr(module, name), base)
        and getattr(module, name) is not base
    }


def _covered(dialect: str) -> set[str]:
    offered = {cls.follows.rsplit(".", 1)[-1] for cls, _ in TABLES[dialect].values()}
    return offered | set(NOT_OFFERED[dialect])


def test_paddle_classes_are_all_covered(paddle):
    assert _public_classes(paddle.optimizer, paddle.optimizer.Optimizer) == _covered("paddle")
    lr = paddle.optimizer.lr
    assert _public_classes(lr, lr.LRScheduler) == {c for _, c in SCHEDULES["paddle"].values()}


def test_keras_classes_are_all_covered(keras):
    assert _public_classes(keras.optimizers, keras.optimizers.Optimizer) == _covered("keras")
    sched = keras.optimizers.schedules
    found = _public_classes(sched, sched.LearningRateSchedule)
    assert found == {c for _, c in SCHEDULES["keras"].values()}
