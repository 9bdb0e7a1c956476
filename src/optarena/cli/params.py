"""Parse repeated ``--opt k=v`` / ``--param k=v`` flags into typed keyword arguments."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any


def parse_value(text: str) -> Any:
    """JSON where it parses (numbers, booleans, lists, null), else the plain string.

    ``True``/``False``/``None`` are accepted in Python spelling too.
    """
    python_words = {"True": True, "False": False, "None": None}
    if text in python_words:
        return python_words[text]
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def parse_params(items: Iterable[str] | None) -> dict[str, Any]:
    """``["momentum=0.9", "betas=[0.9,0.99]"]`` -> ``{"momentum": 0.9, "betas": [0.9, 0.99]}``."""
    params: dict[str, Any] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ValueError(f"expected key=value, got {item!r}")
        params[key] = parse_value(value.strip())
    return params


PNG_HELP = "Write the report's figures as PNG files too (shown in report.md)."
SVG_HELP = "Write the report's figures as SVG and PNG files too."


def figure_formats(png: bool, svg: bool) -> tuple[str, ...]:
    """The report's figure file formats for ``--png``/``--svg`` (none: charts only)."""
    return ("png", "svg") if svg else ("png",) if png else ()
