"""Turn your own pictures of digits (drawings, scans, phone photos) into MNIST-style 28×28 arrays.

``ink_map`` does what comes *before* MNIST's recipe: white ink on black, with MNIST's stroke width.
``to_mnist`` adds the recipe, the three steps taught in notebook 07, section 4: crop to the ink, scale
the longest side to 20 px (anti-aliased), centre by mass in 28×28. ``split_digits`` does the same for a
row of digits; ``naive_resize`` is the plain resize they replace.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage

FIELD_SIZE = 28  # the side of an MNIST image, in pixels
BOX_SIZE = 20  # MNIST digits are scaled so that their longest side is 20 px
MNIST_CENTER = (14.0, 14.0)
"""(row, col) of MNIST's centre of mass in pixel indices: all 70,000 digits, mean (13.996, 14.007), sd 0.29"""
MNIST_STROKE_WIDTH = 2.6
"""MNIST's stroke width (``stroke_width``), first 10,000 digits: mean 2.61, median 2.49, 10-90 % 1.79-3.60."""
WORKING_PIXELS = 320 * 320  # pictures are first resized to about this many pixels
STROKE_RATIO = 0.14  # stroke width / digit height in ink_map; to_mnist then has MNIST's stroke width

ImageLike = str | os.PathLike | Image.Image | np.ndarray


def _read_grey(image: ImageLike, keep_alpha: bool = True) -> np.ndarray:
    """(H, W) float32 grey in [0, 1] from a path, a PIL image or an (H, W[, 1-4]) array."""
    if isinstance(image, (str, os.PathLike)):
        path = Path(image).expanduser()
        if not path.is_file():
            raise FileNotFoundError(f"No image file at {path} (working folder: {Path.cwd()}).")
        try:
            with Image.open(path) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened)  # phone photos store their rotation in EXIF
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as err:
            raise ValueError(
                f"{path} is not an image Pillow can read, or it is truncated ({err}). "
                "Save it again as PNG or JPEG."
            ) from err
    if isinstance(image, Image.Image):
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("I", "I;16", "F"):
            alpha = keep_alpha and (image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info)
            image = image.convert("RGBA").convert("LA") if alpha else image.convert("L")
    channels = np.asarray(image, dtype=np.float32)
    channels = channels[:, :, np.newaxis] if channels.ndim == 2 else channels
    if channels.ndim != 3 or channels.shape[2] > 4 or 0 in channels.shape:
        raise ValueError(
            f"Expected one picture of shape (H, W), (H, W, 3) or (H, W, 4), got shape "
            f"{np.shape(image)}. Pass one image at a time; for (C, H, W) use np.moveaxis."
        )
    high = float(channels.max())
    if not 0.0 <= float(channels.min()) <= high <= 65535:
        raise ValueError(f"Pixel values must be in 0-1, 0-255 or 0-65535, got {channels.min()}-{high}.")
    channels /= 1.0 if high <= 1 else 255.0 if high <= 255 else 65535.0
    colour = channels[:, :, : 3 if channels.shape[2] >= 3 else 1]
    grey = colour @ np.array([0.299, 0.587, 0.114], np.float32) if colour.shape[2] == 3 else colour[..., 0]
    if channels.shape[2] not in (2, 4) or not keep_alpha:
        return grey
    alpha = channels[:, :, -1]
    if alpha.max() == 0:
        raise ValueError("No digit found: the picture is completely transparent.")
    # The visible pixels are the strokes: put them on a background they contrast with.
    behind = 1.0 if (grey * alpha).sum() / alpha.sum() < 0.5 else 0.0
    return (grey * alpha + behind * (1.0 - alpha)).astype(np.float32)


def _resize(array: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a float (H, W) array to ``size`` = (width, height): box filter down, bilinear up."""
    method = Image.Resampling.BOX if size[0] < array.shape[1] else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(array.astype(np.float32)).resize(size, method))


def _otsu(values: np.ndarray) -> float:
    """Otsu's threshold of values in [0, 1]: the level that best separates two groups of pixels."""
    counts, edges = np.histogram(values, bins=128, range=(0.0, 1.0))
    low, sums = np.cumsum(counts), np.cumsum(counts * (edges[:-1] + edges[1:]) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = low * (low[-1] - low) * (sums / low - (sums[-1] - sums) / (low[-1] - low)) ** 2
    return float(edges[1 + int(np.argmax(np.nan_to_num(between)))])


def stroke_width(ink: np.ndarray) -> float:
    """The stroke width of a digit in pixels: (H, W) ink (white on black, e.g. an MNIST digit) -> float.

    Pixels of at least 0.5 are strokes; ``scipy.ndimage.distance_transform_edt`` gives each its
    distance to the background, which peaks mid-stroke at half the width: 2 × (mean peak) - 0.5, so a
    bar n px wide measures n ± 0.5. Up to 64×64 px, measured 4× enlarged so that grey edges count.
    """
    ink = np.asarray(ink, dtype=np.float32)
    zoom = 4 if max(ink.shape) <= 64 else 1  # small digits: measure between pixels too
    mask = ndimage.zoom(ink, zoom, order=1) >= 0.5
    if not mask.any():
        raise ValueError("No digit found: no pixel of the ink reaches 0.5.")
    mask = np.pad(mask[ndimage.find_objects(mask.astype(np.int8))[0]], 1)  # cropped: same distances
    distance = ndimage.distance_transform_edt(mask)
    middle = mask & (distance >= ndimage.maximum_filter(distance, size=3))
    return float(2 * distance[middle].mean() - 0.5) / zoom


def _working_copy(grey: np.ndarray) -> tuple[np.ndarray, float]:
    factor = float(np.sqrt(WORKING_PIXELS / grey.size))
    return _resize(grey, (round(grey.shape[1] * factor) or 1, round(grey.shape[0] * factor) or 1)), factor


def _inner_width(mask: np.ndarray) -> float | None:
    """Stroke width of the largest blob that does not touch the edge (the digit, not noise or a desk)."""
    labels, _ = ndimage.label(mask)
    edge = np.concatenate([[0], labels[[0, -1]].ravel(), labels[:, [0, -1]].ravel()])  # and the background
    areas = np.where(np.isin(np.arange(labels.max() + 1), edge), 0, np.bincount(labels.ravel()))
    return stroke_width(labels == int(np.argmax(areas))) if areas.max() > 0 else None


def _ink(grey: np.ndarray, factor: float) -> np.ndarray:
    """The work of ``ink_map`` on the working copy (``factor`` = working pixels per picture pixel)."""
    # Polarity from the paper right behind the ink (a local median): the ink departs most from it.
    shrink = max(1.0, max(grey.shape) / 48)  # the paper varies slowly: a 48-pixel thumbnail is enough
    thumb = _resize(grey, (max(1, round(grey.shape[1] / shrink)), max(1, round(grey.shape[0] / shrink))))
    paper = _resize(ndimage.median_filter(thumb, size=max(3, max(thumb.shape) // 4)), grey.shape[::-1])
    dark_ink = np.clip(paper - grey, 0, None).sum() > np.clip(grey - paper, 0, None).sum()
    grey = ndimage.gaussian_filter(grey, 1.0)  # less noise
    ink = 1.0 - grey if dark_ink else grey
    rough = ink > _otsu(ink)  # rough ink: its stroke width sets the sizes of the filters below
    width = _inner_width(rough) or stroke_width(rough)
    # Light and shadows: the paper's level is what stays when strokes are closed over (grey_closing);
    # dark ink is measured as a fraction of it, so a stroke in the shadow is as strong as in the light.
    size = max(max(grey.shape) // 6, round(3 * width + 3))
    if dark_ink:
        ink = np.clip(1.0 - grey / np.maximum(ndimage.grey_closing(grey, size=size), 0.05), 0, 1)
    else:
        ink = np.clip(ndimage.white_tophat(grey, size=size), 0, 1)
    noise = 1.4826 * float(np.median(np.abs(ink - ndimage.uniform_filter(ink, size=3))))
    if ink.max() < max(0.1, 8 * noise):
        raise ValueError("No digit found: the picture looks blank. Draw darker or thicker strokes.")
    ink = ink / ink.max()
    ink[ink < np.clip(_otsu(ink), 0.25, 0.6)] = 0.0
    ink = np.clip(ink / np.percentile(ink[ink > 0], 75), 0, 1)  # as MNIST: the strokes' core is 1
    ink = _remove_lines(ink)
    # Specks (blobs under 5 % of the largest) and fat blobs (a strip of desk, not a stroke) go.
    width = _inner_width(ink > 0) or width  # again: the rough ink can merge a faint digit with a shadow
    labels, count = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    index = np.arange(1, count + 1)
    fat = np.isin(index, labels[ndimage.distance_transform_edt(labels > 0) > 1.5 * width + 2])
    areas = np.where(fat, 0, ndimage.sum_labels(np.ones_like(ink), labels, index))
    ink = np.where(np.isin(labels, index[areas >= 0.05 * areas.max(initial=0)]), ink, 0)
    rows, cols = np.nonzero(ink)
    height, width = (np.ptp(rows) + 1, np.ptp(cols) + 1) if rows.size else (0, 0)
    if max(height, width) < max(4 * factor, 0.03 * max(grey.shape)):
        raise ValueError("No digit found: only a speck of ink. Draw the digit larger, or crop closer.")
    return _set_stroke_width(ink.astype(np.float32), height if width > 1.5 * height else max(height, width))


def _remove_lines(ink: np.ndarray) -> np.ndarray:
    """Drop the lines of ruled or squared paper: 3 or more ink lines across 90 % of the picture."""
    for axis in (0, 1):
        length = round(0.9 * ink.shape[1 - axis])
        lines = ndimage.grey_opening(ink, size=(1, length) if axis == 0 else (length, 1))
        if ndimage.label(lines.max(axis=1 - axis) > 0)[1] >= 3:
            ink = np.where(lines > 0, 0, ink)
    return ink


def _set_stroke_width(ink: np.ndarray, size: int) -> np.ndarray:
    """Grow or shrink strokes (``distance_transform_edt``) far from ``STROKE_RATIO`` × size wide."""
    target, width = STROKE_RATIO * size, stroke_width(ink)
    if 0.8 < width / target < 1.25:
        return ink
    if width < target:  # a thin pen: every pixel near the ink becomes ink
        to_ink = ndimage.distance_transform_edt(ink < 0.5)
        return np.clip((target - width) / 2 + 0.5 - to_ink, 0, 1).astype(np.float32)
    inside = ndimage.distance_transform_edt(ink >= 0.5)  # a thick pen: peel the strokes' edges
    return np.clip(inside - (width - target) / 2 + 0.5, 0, 1).astype(np.float32)


def ink_map(image: ImageLike) -> np.ndarray:
    """White ink on black, everything before MNIST's recipe: (h, w) float32 in [0, 1], background 0,
    the picture resized (aspect ratio kept) to about ``WORKING_PIXELS`` pixels.

    Args:
        image: a file path, a PIL image, or an array of shape (H, W), (H, W, 1), (H, W, 2) (grey and
            alpha), (H, W, 3) or (H, W, 4): uint8, uint16, bool, or float in [0, 1].

    It turns the picture upright (EXIF), flattens transparency, reads the polarity from the paper
    right behind the digit (not the border: white paper on a dark desk works), removes shadows, uneven
    light, the lines of ruled or squared paper and specks, and grows or shrinks strokes far thinner or
    thicker than ``STROKE_RATIO`` × the digit's height, so that ``to_mnist`` has MNIST's stroke width.

    Raises:
        FileNotFoundError: a path that does not exist.
        ValueError: not an image, a wrong array shape, or no digit found (blank, a speck).
    """
    return _ink(*_working_copy(_read_grey(image)))


def _digit_groups(ink: np.ndarray, cut: bool = True) -> list[tuple[int, int, int, int, np.ndarray]]:
    """(left, top, right, bottom, mask) of each digit, left to right: blobs sharing columns are one
    digit (a 5's loose bar), a flat blob under the others is an underline, a wide one is cut."""
    labels, count = ndimage.label(ink > 0, structure=np.ones((3, 3)))
    slices = ndimage.find_objects(labels)
    tallest = max(s[0].stop - s[0].start for s in slices)
    runs: list[list[int]] = []
    for label in sorted(range(1, count + 1), key=lambda i: slices[i - 1][1].start):
        rows, cols = slices[label - 1]
        if rows.stop - rows.start < 0.3 * tallest and cols.stop - cols.start > 1.5 * tallest:
            continue  # an underline
        if runs and cols.start < max(slices[i - 1][1].stop for i in runs[-1]):
            runs[-1].append(label)
        else:
            runs.append([label])
    groups = []
    for run in runs:
        mask = np.isin(labels, run)
        rows, cols = np.nonzero(mask)
        left, right, height = cols.min(), cols.max() + 1, np.ptp(rows) + 1
        pieces = max(1, round((right - left) / (0.7 * height))) if cut else 1  # touching digits
        cuts = [left, right]
        for i in range(1, pieces):  # cut at the thinnest column near where the next digit starts
            start = int(left + (i - 1 / 8) * (right - left) / pieces)
            thin = mask[:, start : start + max(1, (right - left) // (4 * pieces))].sum(axis=0)
            cuts.insert(-1, start + int(np.argmin(thin)))
        for a, b in itertools.pairwise(cuts):
            part = mask.copy()
            part[:, :a] = part[:, b:] = False
            rows, cols = np.nonzero(part)
            groups.append((cols.min(), rows.min(), cols.max() + 1, rows.max() + 1, part))
    return groups


def _recipe(ink: np.ndarray) -> np.ndarray:
    """MNIST's recipe on (H, W) ink: crop, scale into BOX_SIZE, centre by mass at MNIST_CENTER."""
    rows, cols = np.nonzero(ink)
    digit = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    scale = BOX_SIZE / max(digit.shape)
    size = (max(1, round(digit.shape[1] * scale)), max(1, round(digit.shape[0] * scale)))
    digit = np.asarray(Image.fromarray(digit).resize(size, Image.Resampling.BOX))
    row, col = ndimage.center_of_mass(digit)
    top = int(np.clip(round(MNIST_CENTER[0] - row), 0, FIELD_SIZE - digit.shape[0]))
    left = int(np.clip(round(MNIST_CENTER[1] - col), 0, FIELD_SIZE - digit.shape[1]))
    field = np.zeros((FIELD_SIZE, FIELD_SIZE), np.float32)
    field[top : top + digit.shape[0], left : left + digit.shape[1]] = digit
    return field


def to_mnist(image: ImageLike) -> np.ndarray:
    """One picture of one digit -> an MNIST-style (28, 28) float32 array in [0, 1], white on black.

    ``ink_map``, then MNIST's recipe (notebook 07, section 4): crop to the ink, scale the longest side
    to 20 px (aspect ratio kept; Pillow's box filter anti-aliases), centre by mass at ``MNIST_CENTER``.

    Raises:
        FileNotFoundError, ValueError: as ``ink_map``; ValueError also for several digits (``split_digits``).
    """
    ink = ink_map(image)
    heights = [bottom - top for _, top, _, bottom, _ in _digit_groups(ink, cut=False)]
    if sum(height >= 0.5 * max(heights) for height in heights) > 1:
        raise ValueError(
            f"This picture looks like {len(heights)} digits side by side: use split_digits for a row "
            "of digits, or crop the picture to one digit."
        )
    return _recipe(ink)


def split_digits(
    image: ImageLike, *, return_boxes: bool = False
) -> list[np.ndarray] | tuple[list[np.ndarray], list[tuple[int, int, int, int]]]:
    """A row of digits -> a list of MNIST-style (28, 28) float32 digits, from left to right.

    Blobs of ink (``scipy.ndimage.label``) that share columns are one digit; specks and an underline
    are dropped; a blob far wider than a digit (touching digits) is cut at its thinnest columns.

    Args:
        image: as ``ink_map``.
        return_boxes: also return each digit's box ``(left, top, right, bottom)`` in the picture's
            own pixels (``right`` and ``bottom`` exclusive, as ``Image.crop`` expects).

    Raises:
        FileNotFoundError, ValueError: as ``ink_map``.
    """
    grey = _read_grey(image)
    work, factor = _working_copy(grey)
    ink = _ink(work, factor)
    digits, boxes = [], []
    for left, top, right, bottom, mask in _digit_groups(ink):
        digits.append(_recipe(np.where(mask, ink, 0).astype(np.float32)))
        right, bottom = np.minimum(np.ceil(np.array([right, bottom]) / factor), grey.shape[::-1])
        boxes.append((int(left / factor), int(top / factor), int(right), int(bottom)))  # the picture's pixels
    return (digits, boxes) if return_boxes else digits


def naive_resize(image: ImageLike) -> np.ndarray:
    """The seed's ``convert("L").resize((28, 28))``, inverted when bright: (28, 28) float32 in [0, 1]."""
    grey = np.round(_read_grey(image, keep_alpha=False) * 255).astype(np.uint8)  # an "L" image, as the seed's
    small = np.asarray(Image.fromarray(grey).resize((FIELD_SIZE, FIELD_SIZE)), dtype=np.float32) / 255
    return 1.0 - small if small.mean() > 0.5 else small
