"""Galleries of digits: many small images tiled into one picture.

- ``mnist_gallery`` tiles images into one 2-D array (show it with ``plt.imshow(..., cmap="gray")``).
- ``plot_digits`` draws a grid of digits with an optional caption under each one: the label, or
  "true → predicted" with the wrong predictions in red (used for misclassified digits).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

WRONG_COLOR = "red"
RIGHT_COLOR = "black"


def mnist_gallery(
    images: np.ndarray,
    start: int = 0,
    count: int = 100,
    per_row: int = 10,
) -> np.ndarray:
    """Tile ``count`` images, starting at ``images[start]``, into one 2-D array, ``per_row`` to a row.

    The images are placed left to right, then top to bottom. When ``count`` is not a multiple of
    ``per_row``, the last row is padded with black tiles (zeros of the images' dtype), so every row
    is ``per_row`` tiles wide, even when there is only one row.

    Args:
        images: (N, H, W) array of any dtype, e.g. MNIST's (N, 28, 28) uint8.
        start: index of the first image, 0 <= start < N.
        count: how many images, at least 1; ``start + count`` must not exceed N (no wrapping around
            and no silent shortening: ask for fewer images instead).
        per_row: images per row, at least 1.

    Returns:
        (rows * H, per_row * W) array with the dtype of ``images``, where rows = ceil(count / per_row).

    Raises:
        ValueError: ``images`` is not 3-D, or an argument is not an integer or is out of range.
    """
    images = np.asarray(images)
    if images.ndim != 3:
        raise ValueError(
            f"images must be 3-D (N, height, width), got shape {images.shape}. For flat (N, 784) "
            "MNIST rows use images.reshape(-1, 28, 28); for (N, 28, 28, 1) use images[..., 0]."
        )
    start = _as_int(start, "start")
    count = _as_int(count, "count")
    per_row = _as_int(per_row, "per_row")
    n = len(images)
    if per_row < 1:
        raise ValueError(f"per_row must be at least 1, got {per_row}.")
    if n == 0:
        raise ValueError("images is empty (N = 0): there is nothing to tile.")
    if not 0 <= start < n:
        raise ValueError(f"start must be between 0 and {n - 1} (there are {n} images), got {start}.")
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}.")
    if start + count > n:
        raise ValueError(
            f"start + count = {start} + {count} = {start + count} goes past the end: there are only "
            f"{n} images. Use count <= {n - start} for start={start}."
        )

    height, width = images.shape[1:]
    rows = math.ceil(count / per_row)
    tiles = images[start : start + count]
    missing = rows * per_row - count
    if missing:
        black = np.zeros((missing, height, width), dtype=images.dtype)
        tiles = np.concatenate([tiles, black])
    # (rows, per_row, H, W) -> (rows, H, per_row, W): each image row of a gallery row lies side by side.
    return (
        tiles.reshape(rows, per_row, height, width)
        .transpose(0, 2, 1, 3)
        .reshape(rows * height, per_row * width)
    )


def plot_digits(
    images: np.ndarray,
    labels: np.ndarray | Sequence[int] | None = None,
    predictions: np.ndarray | Sequence[int] | None = None,
    *,
    per_row: int = 10,
    title: str | None = None,
) -> Figure:
    """Draw digits in a grid, each with an optional caption underneath.

    Without ``labels`` there are no captions. With ``labels`` each caption is the label ("7"). With
    ``labels`` and ``predictions`` each caption reads "true → predicted" ("7 → 1"); wrong predictions
    are written in red and bold, right ones in black. All tiles share one grey scale (darkest value
    of all images = black, brightest = white), so they can be compared.

    Args:
        images: (N, H, W) images of any numeric dtype, e.g. (N, 28, 28) uint8 or float32 in [0, 1].
            Also accepted: (N, H, W, 1) as used by CNNs, and flat (N, H*W) rows of square images
            such as (N, 784).
        labels: (N,) integer labels, or (N, C) one-hot rows (turned into labels with argmax).
        predictions: (N,) predicted labels, or (N, C) class scores such as ``model.predict``
            output (argmax is taken). Needs ``labels``.
        per_row: tiles per row, at least 1. With fewer than ``per_row`` images the grid is N wide.
        title: optional title above the grid.

    Returns:
        The matplotlib Figure, with exactly N axes (one per image). Call ``plt.show()`` to display it.

    Raises:
        ValueError: wrong shape, no images, ``per_row`` < 1, lengths that do not match, or
            ``predictions`` without ``labels``.
    """
    images = _as_image_stack(images)
    n = len(images)
    per_row = _as_int(per_row, "per_row")
    if per_row < 1:
        raise ValueError(f"per_row must be at least 1, got {per_row}.")
    if predictions is not None and labels is None:
        raise ValueError(
            "predictions were given without labels, so they cannot be marked right or wrong. Pass "
            "the true labels too, or pass the predictions as labels to just show them."
        )
    true = None if labels is None else _as_class_ids(labels, n, "labels")
    pred = None if predictions is None else _as_class_ids(predictions, n, "predictions")

    cols = min(per_row, n)
    rows = math.ceil(n / cols)
    caption_space = 0.3 if true is not None else 0.0
    fig, axes = plt.subplots(
        rows,
        cols,
        figsize=(1.0 * cols + 0.2, (1.0 + caption_space) * rows + (0.4 if title else 0.1)),
        squeeze=False,
        layout="constrained",
    )
    vmin, vmax = float(images.min()), float(images.max())
    for i, ax in enumerate(axes.flat):
        if i >= n:
            ax.remove()
            continue
        ax.imshow(images[i], cmap="gray", vmin=vmin, vmax=vmax)
        ax.set_xticks([])
        ax.set_yticks([])
        if true is None:
            continue
        if pred is None:
            ax.set_xlabel(str(true[i]), color=RIGHT_COLOR)
        else:
            wrong = bool(true[i] != pred[i])
            ax.set_xlabel(
                f"{true[i]} → {pred[i]}",
                color=WRONG_COLOR if wrong else RIGHT_COLOR,
                fontweight="bold" if wrong else "normal",
            )
    if title:
        fig.suptitle(title)
    return fig


def _as_int(value: object, name: str) -> int:
    """``value`` as a Python int; a ValueError for floats, bools, strings and other non-integers."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number (int), got {value!r}.")
    return int(value)


def _as_image_stack(images: np.ndarray) -> np.ndarray:
    """(N, H, W), (N, H, W, 1) or (N, H*W) with H == W -> (N, H, W); ValueError otherwise."""
    images = np.asarray(images)
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    elif images.ndim == 2:
        side = math.isqrt(images.shape[1])
        if side * side != images.shape[1] or side == 0:
            raise ValueError(
                f"flat images of shape {images.shape} are not square (784 = 28 x 28 is): reshape "
                "them to (N, height, width) first."
            )
        images = images.reshape(len(images), side, side)
    if images.ndim != 3:
        raise ValueError(f"images must have shape (N, H, W), (N, H, W, 1) or (N, H*W), got {images.shape}.")
    if len(images) == 0:
        raise ValueError("images is empty (N = 0): there is nothing to plot.")
    return images


def _as_class_ids(values: np.ndarray | Sequence[int], n: int, name: str) -> np.ndarray:
    """(n,) labels or (n, C) one-hot rows / scores -> (n,) int64 class ids; ValueError otherwise."""
    values = np.asarray(values)
    if values.ndim == 2:
        values = values.argmax(axis=1)
    if values.ndim != 1:
        raise ValueError(f"{name} must have shape (N,) or (N, classes), got {values.shape}.")
    if len(values) != n:
        raise ValueError(f"{name} has {len(values)} entries but there are {n} images: pass one per image.")
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError(f"{name} must be integers (class numbers), got dtype {values.dtype}.")
    return values.astype(np.int64)
