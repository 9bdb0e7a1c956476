"""Load user objects named by ``package.module:Name`` paths (CLI and config files)."""

from __future__ import annotations

import importlib
import re
from typing import Any

_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


def is_object_path(text: str) -> bool:
    """True when ``text`` looks like ``package.module:Name`` (or ``module:Outer.Inner``)."""
    return bool(_PATH.match(text))


def load_object(path: str) -> Any:
    """Import ``package.module:Name`` and return the object; clear ``ValueError`` otherwise."""
    if not is_object_path(path):
        raise ValueError(f"{path!r} is not of the form 'package.module:Name'")
    module_name, _, attr = path.partition(":")
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise ValueError(f"cannot import module {module_name!r} (from {path!r}): {exc}") from exc
    except SystemExit:  # a user module that calls sys.exit() while being imported
        raise ValueError(f"module {module_name!r} called sys.exit() on import") from None
    except Exception as exc:  # a user module that raises or does not parse
        first = (str(exc).splitlines() or [""])[0]
        raise ValueError(
            f"module {module_name!r} failed on import: {type(exc).__name__}: {first}"
        ) from exc
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ValueError(f"module {module_name!r} has no attribute {attr!r}") from None
    return obj


def object_path(obj: Any) -> str:
    """The ``module:qualname`` path that :func:`load_object` turns back into ``obj``."""
    module, qualname = getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)
    if not module or not qualname or "<" in qualname:
        raise ValueError(f"{obj!r} has no importable path (lambdas and local functions have none)")
    return f"{module}:{qualname}"
