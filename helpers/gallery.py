"""Galleries of digits: ``mnist_gallery`` tiles images into one array (taught in notebook 02, section 2);
``plot_digits`` draws a captioned grid, wrong predictions in red."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure


def mnist_gallery(images: np.ndarray, start: int = 0, count: int = 100, per_row: int = 10) -> np.ndarray:
    """Tile ``images[start : start + count]`` (N, H, W) into one (rows * H, per_row * W) array.

    Left to right, then top to bottom; the last row is padded with zeros (black). Show it with
    ``plt.imshow(gallery, cmap="gray")``.

    Raises:
        ValueError: ``images`` is not (N, H, W), or ``start``/``count`` reach past the end.
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(f"images must be (N, height, width), got {images.shape}: use .reshape(-1, 28, 28).")
    if not (0 <= start and 1 <= count and start + count <= len(images) and per_row >= 1):
        raise ValueError(f"start={start}, count={count}, per_row={per_row} do not fit {len(images)} images.")
    rows = math.ceil(count / per_row)
    tiles = np.zeros((rows * per_row, *images.shape[1:]), dtype=images.dtype)
    tiles[:count] = images[start : start + count]
    height, width = images.shape[1:]
    return tiles.reshape(rows, per_row, height, width).swapaxes(1, 2).reshape(rows * height, per_row * width)


def plot_digits(
    images: np.ndarray,
    labels: np.ndarray | None = None,
    predictions: np.ndarray | None = None,
    *,
    per_row: int = 10,
    title: str | None = None,
) -> Figure:
    """Draw digits in a grid, one shared grey scale, each captioned with its label or "true → predicted".

    Args:
        images: (N, H, W), (N, H, W, 1) or flat (N, H*W) square images, any numeric dtype.
        labels: (N,) class numbers, or (N, C) one-hot rows (argmax is taken).
        predictions: (N,) class numbers or (N, C) scores from ``model.predict``; needs ``labels``.
            Wrong ones are captioned in red.
        per_row: tiles per row.
        title: optional title above the grid.

    Returns:
        A Figure with one axis per image.

    Raises:
        ValueError: wrong shapes or lengths, NaN pixels, or ``predictions`` without ``labels``.
    """
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    elif images.ndim == 2 and math.isqrt(images.shape[1]) ** 2 == images.shape[1]:
        images = images.reshape(len(images), math.isqrt(images.shape[1]), -1)
    if images.ndim != 3 or images.size == 0:
        raise ValueError(f"images must be (N, H, W), (N, H, W, 1) or (N, H*W), N > 0, not {images.shape}.")
    if not np.isfinite(images).all():
        raise ValueError("images contain NaN or infinite pixels: find them with ~np.isfinite(images).")
    if predictions is not None and labels is None:
        raise ValueError("predictions need labels too (to mark them right or wrong); or pass them as labels.")
    true = None if labels is None else _class_ids(labels, len(images), "labels")
    pred = None if predictions is None else _class_ids(predictions, len(images), "predictions")

    cols = min(per_row, len(images))
    rows = math.ceil(len(images) / cols)
    size = (cols + 0.2, 1.3 * rows + 0.4)
    fig, axes = plt.subplots(rows, cols, figsize=size, squeeze=False, layout="constrained")
    gray = {"cmap": "gray", "vmin": images.min(), "vmax": images.max()}  # one scale for all tiles
    for i, ax in enumerate(axes.flat):
        if i >= len(images):
            ax.remove()
            continue
        ax.imshow(images[i], **gray)
        ax.set_xticks([])
        ax.set_yticks([])
        if true is not None and pred is not None:
            wrong = true[i] != pred[i]
            ax.set_xlabel(f"{true[i]} → {pred[i]}", color="red" if wrong else "black")
        elif true is not None:
            ax.set_xlabel(str(true[i]))
    if title:
        fig.suptitle(title)
    return fig


def _class_ids(values: np.ndarray, n: int, name: str) -> np.ndarray:
    """(n,) class numbers or (n, C) one-hot rows / scores -> (n,) ints; (n, 1) is read as (n,)."""
    values = np.asarray(values)
    if values.ndim == 2:
        values = values[:, 0] if values.shape[1] == 1 else values.argmax(axis=1)
    if values.shape != (n,) or values.dtype.kind not in "iu":
        raise ValueError(f"{name} must be {n} class numbers (N,) or rows (N, classes), got {values.shape}.")
    return values
