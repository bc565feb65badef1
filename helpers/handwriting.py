"""Other people's handwriting: scikit-learn's 1,797 handwritten digits, put on realistic canvases.

``sklearn.datasets.load_digits`` holds 1,797 digits written by 13 people (the test part of UCI's
"Optical Recognition of Handwritten Digits": 43 writers, 30 for training, 13 for testing), as 8×8
images whose pixels count the ink in 4×4 blocks of the 32×32 scan (0-16).
No one on this course wrote them, and no model here was trained on them, so they measure how a model
trained on MNIST reads handwriting that is *not* MNIST's. Notebooks 07 and 08 use them.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import sys
import zipfile
from pathlib import Path

import numpy as np
import PIL
import scipy
from PIL import Image
from scipy import ndimage

STYLES = ("paper", "photo", "screenshot")
"""paper: dark ink on white paper; photo: grey, unevenly lit, noisy paper; screenshot: black on white.
"mixed" draws digit i in style ``STYLES[i % 3]``: every digit once, a third in each style."""


def digits_on_canvases(
    style: str = "paper", *, count: int | None = None, seed: int = 0
) -> tuple[list[np.ndarray], np.ndarray]:
    """scikit-learn's handwritten digits, each drawn at a random size and place on a canvas.

    Args:
        style: one of ``STYLES``, or "mixed" (digit i in ``STYLES[i % 3]``).
        count: only the first ``count`` digits (all 1,797 when None).
        seed: the random sizes, places, lighting and noise (the same seed gives the same pictures).

    Returns:
        ``(pictures, labels)``: ``count`` (1,797) grey pictures, each an (H, W) uint8 array
        of 120-200 × 140-240 pixels with dark ink on light paper, and their labels, (count,) int64.
    """
    from sklearn.datasets import load_digits

    if style not in (*STYLES, "mixed"):
        raise ValueError(f"style must be one of {STYLES} or 'mixed', got {style!r}.")
    digits = load_digits()
    rng = np.random.default_rng(seed)
    pictures = [
        _draw(image / 16.0, STYLES[index % 3] if style == "mixed" else style, rng)
        for index, image in enumerate(digits.images[:count])
    ]
    return pictures, digits.target[:count].astype(np.int64)


def _draw(ink: np.ndarray, style: str, rng: np.random.Generator) -> np.ndarray:
    """One 8×8 ink image (0-1) drawn on a canvas in ``style``: (H, W) uint8."""
    height, width = int(rng.integers(120, 201)), int(rng.integers(140, 241))
    side = int(rng.integers(48, min(height, width) - 16))
    resample = Image.Resampling.NEAREST if style == "screenshot" else Image.Resampling.BICUBIC
    big = np.clip(np.asarray(Image.fromarray(ink.astype(np.float32)).resize((side, side), resample)), 0, 1)
    top, left = int(rng.integers(4, height - side - 4)), int(rng.integers(4, width - side - 4))
    alpha = np.zeros((height, width), np.float32)
    alpha[top : top + side, left : left + side] = big
    if style == "screenshot":
        paper, darkness = np.full((height, width), 255.0), 255.0
    elif style == "paper":
        paper, darkness = np.full((height, width), rng.uniform(225, 250)), rng.uniform(170, 215)
    else:  # photo: grey paper, light falling off to one side, a soft focus and sensor noise
        rows, cols = np.mgrid[0:height, 0:width]
        angle = rng.uniform(0, 2 * np.pi)
        slope = (np.cos(angle) * cols / width + np.sin(angle) * rows / height) * rng.uniform(30, 60)
        paper = rng.uniform(150, 190) + slope - slope.mean()
        darkness = rng.uniform(80, 120)
        alpha = ndimage.gaussian_filter(alpha, rng.uniform(0.8, 1.6))
    picture = paper - darkness * alpha
    if style == "photo":
        picture += rng.normal(0, 6, picture.shape)
    return np.clip(np.round(picture), 0, 255).astype(np.uint8)


def prepare_all(
    pictures, prepare, *, cache: str | os.PathLike | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Prepare many pictures with ``prepare`` (``to_mnist`` or ``naive_resize``), keeping the refusals.

    Args:
        pictures: a list of pictures, each an array (as ``digits_on_canvases`` returns them).
        prepare: the function that turns one picture into a (28, 28) digit.
        cache: a ``.npz`` file. The result is saved there, and read back instead of computed again when
            the pictures *and* the code of ``prepare``'s module are the same (notebook 08 reuses what
            notebook 07 prepared). Any change to either, or to SciPy's or Pillow's version, misses it.
            When that code cannot be read (a function defined in a notebook), nothing is cached.

    Returns:
        ``(digits, found)``: (N, 28, 28) float32 digits, and an (N,) bool array that is False where
        ``prepare`` raised a ValueError (no digit found). Those digits are left black: count them as
        wrong (or as "not sure"), never as read.
    """
    key = None
    try:
        source = inspect.getsource(sys.modules[prepare.__module__]) if cache is not None else None
    except (OSError, TypeError, KeyError):  # e.g. a function defined in a notebook: its code is unknown
        source = None
    if source is not None:
        cache = Path(cache)
        digest = hashlib.sha256(source.encode())
        digest.update(f"{prepare.__name__} {scipy.__version__} {PIL.__version__}".encode())
        for picture in pictures:
            digest.update(f"{np.shape(picture)}".encode() + np.ascontiguousarray(picture).tobytes())
        key = digest.hexdigest()
        try:
            with np.load(cache) as saved:
                if str(saved["key"]) == key:
                    return saved["digits"], saved["found"]
        except (OSError, ValueError, KeyError, zipfile.BadZipFile):  # missing or unreadable: prepare again
            pass
    digits, found = np.zeros((len(pictures), 28, 28), np.float32), np.ones(len(pictures), bool)
    for index, picture in enumerate(pictures):
        try:
            digits[index] = prepare(picture)
        except ValueError:
            found[index] = False
    if key is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(cache, key=key, digits=digits, found=found)
    return digits, found
