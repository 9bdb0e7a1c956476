"""Decode image files with Pillow into uint8 ``C×H×W`` arrays, in parallel worker processes.

Every mode is brought to RGB (or L): transparency is composited on white, CMYK / YCbCr / P / LA
are converted by Pillow, and 16/32-bit grey (``I;16``, ``I``, ``F``) is rescaled to 8 bits.
Images are resized (the whole frame, no crop) to ``size × size`` with Pillow's bilinear filter.
"""

from __future__ import annotations

import multiprocessing
import warnings
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np

DEFAULT_WORKERS = 2
#: Images with more pixels than this (after JPEG draft-mode reduction) are skipped before being
#: decoded: a 12000×12000 PNG would need ~1.9 GB. Pillow refuses twice its own limit (~179 M
#: pixels) as a decompression bomb; those are skipped too (https://pillow.readthedocs.io,
#: ``Image.MAX_IMAGE_PIXELS``).
MAX_PIXELS = 50_000_000


@dataclass(frozen=True)
class Decoded:
    """One file's outcome: ``array`` (uint8 C×H×W) or an ``error``; original ``size``/``mode``."""

    array: np.ndarray | None
    size: tuple[int, int]
    mode: str
    error: str | None = None


def _to_8bit(img):  # PIL.Image -> PIL.Image in an 8-bit mode
    from PIL import Image

    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        hi = 65535.0 if img.mode.startswith("I;16") else max(float(arr.max()), 1.0)
        return Image.fromarray(np.clip(arr / hi * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")
    return img


def _convert(img, grayscale: bool):
    from PIL import Image

    img = _to_8bit(img)
    if img.mode == "P" or img.mode == "PA":
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "La", "RGBa"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
    return img.convert("L" if grayscale else "RGB")


def decode_file(path: str, size: int, grayscale: bool) -> Decoded:
    """Decode one file; never raises for a bad file (the error is returned instead)."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    too_large = "too large to decode"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. DecompressionBombWarning, corrupt EXIF
            with Image.open(path) as img:
                original, mode = img.size, img.mode
                if img.format == "JPEG":
                    img.draft("L" if grayscale else "RGB", (2 * size, 2 * size))
                if img.size[0] * img.size[1] > MAX_PIXELS:
                    w, h = img.size
                    return Decoded(None, (w, h), mode, f"{too_large}: {w}×{h} pixels")
                img.load()
                img = ImageOps.exif_transpose(img)
                img = _convert(img, grayscale)
                img = img.resize((size, size), Image.Resampling.BILINEAR)
                arr = np.asarray(img, dtype=np.uint8)
    except Image.DecompressionBombError as exc:
        return Decoded(None, (0, 0), "", f"{too_large} (decompression bomb): {exc}")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        kind = "not a readable image" if isinstance(exc, UnidentifiedImageError) else "corrupt"
        return Decoded(None, (0, 0), "", f"{kind}: {exc}")
    arr = arr[None] if arr.ndim == 2 else arr.transpose(2, 0, 1)
    return Decoded(np.ascontiguousarray(arr), (int(original[0]), int(original[1])), mode)


def _decode_chunk(paths: Sequence[str], size: int, grayscale: bool) -> list[Decoded]:
    return [decode_file(p, size, grayscale) for p in paths]


def decode_many(
    paths: Sequence[str], size: int, grayscale: bool, *, workers: int = DEFAULT_WORKERS
) -> list[Decoded]:
    """Decode ``paths`` in order, in ``workers`` processes (in-process when small or 1)."""
    if workers <= 1 or len(paths) < 64:
        return _decode_chunk(paths, size, grayscale)
    chunk = max(16, min(256, len(paths) // (4 * workers) + 1))
    pieces = [list(paths[i : i + chunk]) for i in range(0, len(paths), chunk)]
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    results: list[Decoded] = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        n = len(pieces)
        for part in pool.map(_decode_chunk, pieces, [size] * n, [grayscale] * n):
            results.extend(part)
    return results
