"""Write a toy image folder, ``ROOT/<class>/*.png``, for trying optarena without a dataset.

    python examples/make_toy_images.py my_images            # 2 classes x 30 images, 24x24
    python examples/make_toy_images.py toy --per-class 100 --size 32

Class ``discs`` holds reddish filled circles, class ``stripes`` bluish vertical stripes, each on
a random dark background with random position, size and colour jitter, so the task is easy but
not trivial. The same arguments always write the same files (seeded). Needs Pillow.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image, ImageDraw


def _jitter(colour: tuple[int, int, int], rng: random.Random) -> tuple[int, ...]:
    return tuple(min(255, max(0, c + rng.randrange(-40, 41))) for c in colour)


def draw(kind: str, size: int, rng: random.Random) -> Image.Image:
    """One ``size``×``size`` RGB image of class ``kind`` (``discs`` or ``stripes``)."""
    background = tuple(rng.randrange(0, 80) for _ in range(3))
    image = Image.new("RGB", (size, size), background)
    pen = ImageDraw.Draw(image)
    if kind == "discs":
        r = rng.randrange(max(2, size // 5), max(3, size // 2 - 1))
        x, y = rng.randrange(r, size - r + 1), rng.randrange(r, size - r + 1)
        pen.ellipse((x - r, y - r, x + r, y + r), fill=_jitter((220, 70, 40), rng))
    else:
        period = rng.randrange(3, 6)
        for x in range(rng.randrange(period), size, period):
            pen.line((x, 0, x, size - 1), fill=_jitter((40, 100, 220), rng), width=1)
    return image


def make(root: Path, per_class: int = 30, size: int = 24, seed: int = 0) -> list[Path]:
    """Write ``per_class`` PNGs per class under ``root``; returns the files written."""
    rng = random.Random(seed)
    written = []
    for kind in ("discs", "stripes"):
        folder = root / kind
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_class):
            path = folder / f"{kind}-{i:03d}.png"
            draw(kind, size, rng).save(path)
            written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="folder to write (created if absent)")
    parser.add_argument("--per-class", type=int, default=30, help="images per class")
    parser.add_argument("--size", type=int, default=24, help="width and height in pixels")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.per_class < 1 or args.size < 8:
        parser.error("--per-class must be >= 1 and --size >= 8")
    files = make(args.root, args.per_class, args.size, args.seed)
    print(f"wrote {len(files)} images in 2 classes under {args.root}")


if __name__ == "__main__":
    main()
