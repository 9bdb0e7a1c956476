"""Typer's help renderer without its two heaviest imports (issue 18: ``optarena --help`` in
well under half a second).

``typer.rich_utils`` draws the help panels. At import it also loads ``rich.markdown``
(markdown-it-py and pygments) and ``rich.traceback`` (attrs, ``rich.pretty``): about half of
``--help``'s time, for features this command line does not use (markdown markup mode, pretty
exception tracebacks). :func:`load_help_renderer` imports ``typer.rich_utils`` with those two
names bound to stand-ins that import the real class on first use, so the help looks exactly
as before and either feature still works if it is ever switched on.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import Any

#: the modules typer.rich_utils takes one class each from, deferred
DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


class _Deferred(type):
    """A class stand-in: calling it, or reading an attribute, imports the real class."""

    _module: str
    _name: str

    def _real(cls) -> Any:
        return getattr(importlib.import_module(cls._module), cls._name)

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(cls._real(), attr)


def deferred_class(module: str, name: str) -> type:
    """A stand-in for ``module.name`` that imports ``module`` when first used."""
    return _Deferred(name, (), {"_module": module, "_name": name})


def load_help_renderer() -> None:
    """Import ``typer.rich_utils`` with :data:`DEFERRED` stand-ins (a no-op once it is loaded,
    or when a real module it defers is already loaded)."""
    if "typer.rich_utils" in sys.modules or any(m in sys.modules for m in DEFERRED):
        return
    placeholders = {}
    for module, name in DEFERRED.items():
        placeholder = types.ModuleType(module)
        setattr(placeholder, name, deferred_class(module, name))
        placeholders[module] = sys.modules[module] = placeholder
    try:
        importlib.import_module("typer.rich_utils")
    except ImportError:  # a typer that needs more from them: import it the ordinary way
        sys.modules.pop("typer.rich_utils", None)
    finally:
        for module, placeholder in placeholders.items():
            if sys.modules.get(module) is placeholder:
                del sys.modules[module]
