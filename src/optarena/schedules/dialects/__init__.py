"""Framework dialects: ``paddle:NAME`` and ``keras:NAME`` schedules.

A plain schedule name computes optarena's (torch's) rule; ``paddle:NAME`` and ``keras:NAME``
take the framework's argument spellings and reproduce its scheduler exactly (see
``docs/framework-map.md``). They are registered in the ordinary schedule registry under their
prefixed names.
"""

from __future__ import annotations

from optarena.schedules.dialects import keras, paddle
from optarena.schedules.registry import register

#: dialect -> {optarena name: (factory, framework class name)}
TABLES = {"paddle": paddle.FACTORIES, "keras": keras.FACTORIES}
_MODULES = {"paddle": "paddle.optimizer.lr", "keras": "keras.optimizers.schedules"}


def _register_all() -> None:
    for dialect, table in TABLES.items():
        for name, (factory, cls) in table.items():
            register(
                f"{dialect}:{name}",
                factory,
                follows=f"{_MODULES[dialect]}.{cls}",
            )


_register_all()
