"""A PNG grid of sample images with their class names (``optarena data inspect --grid``)."""

from __future__ import annotations

from pathlib import Path

import torch

from optarena.data.split import subset
from optarena.data.types import Dataset


def save_grid(
    ds: Dataset, path: str | Path, *, count: int = 32, columns: int = 8, seed: int = 0
) -> Path:
    """Save ``count`` stratified training samples, labelled, as a PNG image at ``path``."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    if ds.train.x.ndim != 4 or ds.train.x.dtype != torch.uint8:
        raise ValueError(f"{ds.name}: a sample grid needs image data, not tabular features")
    sample = subset(ds.train, count, seed)
    order = torch.argsort(sample.y, stable=True)
    images, labels = sample.x[order], sample.y[order]
    rows = max(1, -(-len(labels) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(columns * 1.4, rows * 1.6), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= len(labels):
            continue
        image = images[i].permute(1, 2, 0).numpy()
        if image.shape[2] == 1:
            ax.imshow(image[:, :, 0], cmap="gray", vmin=0, vmax=255)
        else:
            ax.imshow(image)
        ax.set_title(ds.classes[int(labels[i])], fontsize=8)
    fig.suptitle(f"{ds.name}: {len(labels)} training samples")
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    from optarena.atomic import replacing

    try:
        with replacing(path) as tmp:
            fig.savefig(tmp, format="png", dpi=80)
    finally:
        plt.close(fig)
    return path
