"""Turn your own pictures of digits into MNIST-style 28×28 arrays.

MNIST digits were made like this: the digit was scaled so that it fits a 20×20 box, keeping its aspect
ratio, with anti-aliasing (so it has grey edges), then placed in a 28×28 field so that its centre of
mass sits at the centre of the field. They are white (1.0) on black (0.0). A model trained on MNIST
expects exactly that, so ``to_mnist`` does the same to any picture, one step at a time:

1. ``load_grey``: read a file path, PIL image or NumPy array; flatten transparency; convert to grey.
2. ``ink_map``: decide from the background whether the ink is dark or light, make the ink white on
   black, remove uneven lighting and faint noise, drop specks.
3. ``crop_to_ink``: cut away the empty margins.
4. ``scale_to_box``: scale the longest side to 20 pixels, keeping the aspect ratio (anti-aliased).
5. ``center_by_mass``: place it in a 28×28 field with its centre of mass at the centre.

``split_digits`` does the same for a picture of several digits in a row, left to right, and
``find_digit_boxes`` tells where it found them. ``naive_resize`` is the simple approach that does *not*
work well (resize the whole picture to 28×28, invert when bright), kept for comparison.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Literal, overload

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage

FIELD_SIZE = 28
"""Side of an MNIST image, in pixels."""
BOX_SIZE = 20
"""MNIST digits are scaled so that their longest side is this many pixels."""
MAX_PIXELS = 4096 * 4096
"""Largest picture accepted: 16,777,216 pixels (16 megapixels, e.g. 4096×4096)."""
MIN_CONTRAST = 0.1
"""Ink must differ from the background by at least this much (on a 0-1 scale) to count as ink."""
WORKING_SIDE = 1024
"""Larger pictures are first shrunk so that their longest side is this long (quicker, same result)."""
SPECK_FRACTION = 0.05
"""Blobs of ink smaller than this fraction of the largest blob are treated as noise and dropped."""

Box = tuple[int, int, int, int]
"""A bounding box ``(left, top, right, bottom)`` in pixels; ``right`` and ``bottom`` are exclusive."""
ImageLike = str | os.PathLike | Image.Image | np.ndarray


# --------------------------------------------------------------------------------------------------
# Step 1: read anything into a grey (H, W) array.


def load_grey(image: ImageLike) -> np.ndarray:
    """Read a picture as a grey (H, W) float32 array in [0, 1], 0 = black and 1 = white.

    Args:
        image: a file path (PNG, JPEG, ... anything Pillow reads), a PIL image, or a NumPy array of shape
            (H, W), (H, W, 1), (H, W, 2) (grey + alpha), (H, W, 3) (RGB) or (H, W, 4) (RGBA). Arrays
            may be uint8 (0-255), uint16 (0-65535), bool, or float in [0, 1] (or [0, 255]).

    Transparent pixels are flattened onto a background that contrasts with the visible strokes (white
    behind dark strokes, black behind light ones), so that a digit drawn on a transparent canvas stays
    visible. Colours are converted to grey with the ITU-R 601 luma weights (as Pillow's ``"L"`` mode).

    Raises:
        FileNotFoundError: ``image`` is a path to a file that does not exist.
        ValueError: the file is not an image, the array has the wrong shape or values, the picture
            is larger than ``MAX_PIXELS`` or fully transparent.
    """
    channels = _read_channels(image)
    return _flatten_to_grey(channels)


def _read_channels(image: ImageLike) -> np.ndarray:
    """(H, W, C) float32 in [0, 1] with C = 1 (grey), 2 (grey + alpha), 3 (RGB) or 4 (RGBA)."""
    if isinstance(image, (str, os.PathLike)):
        return _pil_to_channels(_open_image(Path(image)))
    if isinstance(image, Image.Image):
        _check_size(image.width, image.height, "The image")
        return _pil_to_channels(image)
    return _array_to_channels(image)


def _open_image(path: Path) -> Image.Image:
    path = path.expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"No image file at {path}. Check the path (relative paths start from the notebook's "
            f"folder, {Path.cwd()})."
        )
    try:
        with warnings.catch_warnings():
            # We apply our own, lower size limit below, with a clearer message.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(path)
    except Image.DecompressionBombError as err:
        raise ValueError(
            f"{path} is far too large ({err}). Pictures may have at most {MAX_PIXELS:,} pixels "
            "(e.g. 4096×4096): scale it down first."
        ) from err
    except (UnidentifiedImageError, OSError) as err:
        raise ValueError(
            f"{path} is not an image that Pillow can read ({type(err).__name__}). Save your drawing "
            "as PNG or JPEG and try again."
        ) from err
    with opened:
        _check_size(opened.width, opened.height, str(path))
        try:
            opened.load()
        except (OSError, ValueError) as err:
            raise ValueError(
                f"{path} could not be decoded ({err}). It is probably truncated or corrupt: save "
                "it again as PNG or JPEG."
            ) from err
        # Phone photos often store their rotation as EXIF metadata instead of rotated pixels.
        return ImageOps.exif_transpose(opened)


def _check_size(width: int, height: int, what: str) -> None:
    if width * height > MAX_PIXELS:
        raise ValueError(
            f"{what} is {width}×{height} = {width * height:,} pixels; at most {MAX_PIXELS:,} "
            "(16 megapixels, e.g. 4096×4096) are accepted. Scale it down first, for example with "
            "PIL's Image.thumbnail((1024, 1024))."
        )
    if width == 0 or height == 0:
        raise ValueError(f"{what} is empty ({width}×{height} pixels).")


def _pil_to_channels(img: Image.Image) -> np.ndarray:
    if img.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        return _array_to_channels(np.asarray(img))
    has_alpha = img.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in img.info
    if has_alpha:
        img = img.convert("RGBA")
    elif img.mode == "1":
        img = img.convert("L")
    elif img.mode not in ("L", "RGB"):
        img = img.convert("RGB")
    array = np.asarray(img, dtype=np.float32) / 255.0
    return array[:, :, np.newaxis] if array.ndim == 2 else array


def _array_to_channels(image: object) -> np.ndarray:
    array = np.asarray(image)
    if array.dtype == object or not (
        np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_
    ):
        raise ValueError(
            f"Expected a file path, a PIL image or a numeric NumPy array, got {type(image).__name__} "
            f"(dtype {array.dtype})."
        )
    if array.ndim == 2:
        array = array[:, :, np.newaxis]
    if array.ndim != 3 or array.shape[2] not in (1, 2, 3, 4):
        raise ValueError(
            f"Expected one picture of shape (H, W), (H, W, 3) or (H, W, 4), got shape {array.shape}. "
            "For a batch, pass one image at a time; for channels-first data (C, H, W) use "
            "np.moveaxis(image, 0, -1)."
        )
    _check_size(array.shape[1], array.shape[0], "The array")
    if array.dtype == np.bool_:
        return array.astype(np.float32)
    if np.issubdtype(array.dtype, np.complexfloating):
        raise ValueError("Complex arrays are not pictures: pass real numbers.")
    array = array.astype(np.float32)
    if not np.isfinite(array).all():
        raise ValueError("The array contains NaN or infinite values: replace them first.")
    low, high = float(array.min()), float(array.max())
    if low < 0:
        raise ValueError(f"Pixel values must not be negative, got a minimum of {low}.")
    if high <= 1.0:
        return array
    if high <= 255.0:
        return array / 255.0
    if high <= 65535.0 and np.issubdtype(np.asarray(image).dtype, np.integer):
        return array / 65535.0
    raise ValueError(
        f"Pixel values go up to {high}; expected 0-1 (float), 0-255 (8-bit) or 0-65535 (16-bit)."
    )


def _flatten_to_grey(channels: np.ndarray) -> np.ndarray:
    n_channels = channels.shape[2]
    colour = channels[:, :, :3] if n_channels >= 3 else channels[:, :, :1]
    grey = _luma(colour)
    if n_channels not in (2, 4):
        return grey
    alpha = channels[:, :, -1]
    if alpha.min() >= 1.0:
        return grey
    if alpha.max() <= 0.0:
        raise ValueError(
            "The picture is completely transparent, so there is no digit in it. Check that you "
            "saved the drawing layer."
        )
    # The visible (opaque) pixels are the strokes: put them on a background they contrast with.
    strokes = float((grey * alpha).sum() / alpha.sum())
    background = 1.0 if strokes < 0.5 else 0.0
    return (grey * alpha + background * (1.0 - alpha)).astype(np.float32)


def _luma(colour: np.ndarray) -> np.ndarray:
    if colour.shape[2] == 1:
        return colour[:, :, 0].astype(np.float32)
    weights = np.array([0.299, 0.587, 0.114], dtype=np.float32)
    return (colour @ weights).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Step 2: white ink on black, without lighting, noise or specks.


def ink_map(grey: np.ndarray) -> np.ndarray:
    """White ink on black: (H, W) float32 in [0, 1], background exactly 0, strongest ink 1.

    Args:
        grey: (H, W) float array in [0, 1] (0 = black), e.g. from ``load_grey``.

    What it does, in order:
    - The background level is the median of the border pixels. If the darkest pixel is further from
      it than the brightest one, the ink is dark on light and the picture is inverted.
    - Uneven lighting (a photo of paper) is removed with a white top-hat filter
      (``scipy.ndimage.white_tophat``): everything wider than half the picture counts as background.
    - Faint noise below a threshold (Otsu's method on the ink values, kept between 0.25 and 0.6 of
      the strongest ink) is set to 0. The ink is scaled so that most of each stroke is 1, as in MNIST.
    - Specks, blobs smaller than ``SPECK_FRACTION`` of the largest blob, are removed.

    Raises:
        ValueError: ``grey`` is not 2-D, or there is no ink (the picture is blank).
    """
    grey = np.asarray(grey, dtype=np.float32)
    if grey.ndim != 2:
        raise ValueError(f"ink_map expects a grey (H, W) array, got shape {grey.shape}: use load_grey.")
    border = np.concatenate([grey[0], grey[-1], grey[1:-1, 0], grey[1:-1, -1]])
    background = float(np.median(border))
    dark_ink = background - float(grey.min()) > float(grey.max()) - background
    ink = 1.0 - grey if dark_ink else grey.copy()

    size = max(3, min(ink.shape) // 2)
    ink = ndimage.white_tophat(ink, size=size)

    contrast = float(ink.max())
    noise = 1.4826 * float(np.median(np.abs(ink - np.median(ink))))
    if contrast < max(MIN_CONTRAST, 8.0 * noise):
        raise ValueError(
            "No digit found: the picture looks blank (the strongest ink differs from the background "
            f"by only {contrast:.2f} on a 0-1 scale). Draw darker or thicker strokes, or check that "
            "you passed the right picture."
        )
    ink /= contrast
    ink[ink < _otsu_threshold(ink)] = 0.0
    # Like MNIST, the core of the strokes is fully white even where the ink was uneven.
    ink = np.clip(ink / np.percentile(ink[ink > 0], 75), 0.0, 1.0)
    return _remove_specks(ink)


def _otsu_threshold(ink: np.ndarray) -> float:
    """Otsu's threshold for values in [0, 1]: the level that best separates ink from background."""
    counts, edges = np.histogram(ink, bins=256, range=(0.0, 1.0))
    centres = (edges[:-1] + edges[1:]) / 2
    weight_low = np.cumsum(counts)
    weight_high = weight_low[-1] - weight_low
    sum_low = np.cumsum(counts * centres)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean_low = sum_low / weight_low
        mean_high = (sum_low[-1] - sum_low) / weight_high
        between = weight_low * weight_high * (mean_low - mean_high) ** 2
    best = int(np.nanargmax(np.where(np.isfinite(between), between, np.nan)))
    return float(np.clip(edges[best + 1], 0.25, 0.6))


def _label_ink(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Label the 8-connected blobs of ink; return the labels and each blob's area (index = label)."""
    labels, count = ndimage.label(ink > 0, structure=np.ones((3, 3), dtype=bool))
    areas = np.bincount(labels.ravel(), minlength=count + 1)
    areas[0] = 0
    return labels, areas


def _remove_specks(ink: np.ndarray) -> np.ndarray:
    labels, areas = _label_ink(ink)
    keep = areas >= SPECK_FRACTION * areas.max()
    keep[0] = False
    return np.where(keep[labels], ink, 0.0).astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Steps 3-5: crop, scale to 20 px, centre by mass in 28×28.


def crop_to_ink(ink: np.ndarray) -> np.ndarray:
    """Cut (H, W) float32 ink down to the smallest rectangle holding all non-zero pixels: (h, w).

    Raises:
        ValueError: there is no ink (all zeros) or ``ink`` is not 2-D.
    """
    ink = np.asarray(ink, dtype=np.float32)
    if ink.ndim != 2:
        raise ValueError(f"crop_to_ink expects an (H, W) array, got shape {ink.shape}.")
    rows = np.flatnonzero(ink.any(axis=1))
    cols = np.flatnonzero(ink.any(axis=0))
    if rows.size == 0:
        raise ValueError("No ink to crop: the array is all zeros. Is the picture blank?")
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def scale_to_box(patch: np.ndarray, box: int = BOX_SIZE) -> np.ndarray:
    """Scale a cropped digit so that its longest side is ``box`` pixels, keeping the aspect ratio.

    Shrinking uses Pillow's box filter, which averages the pixels that fall into each new pixel: the
    result is anti-aliased (edges become grey, as in MNIST) without the ripples of sharper filters.
    Enlarging (a digit smaller than the box) uses bilinear interpolation.

    Args:
        patch: (h, w) float32 ink in [0, 1], e.g. from ``crop_to_ink``.
        box: the length of the longest side after scaling (MNIST: 20).

    Returns:
        (h', w') float32 in [0, 1] with ``max(h', w') == box``, strongest ink 1.
    """
    patch = np.asarray(patch, dtype=np.float32)
    if patch.ndim != 2 or patch.size == 0:
        raise ValueError(f"scale_to_box expects a non-empty (h, w) array, got shape {patch.shape}.")
    height, width = patch.shape
    factor = box / max(height, width)
    new_size = (max(1, round(width * factor)), max(1, round(height * factor)))  # PIL: (w, h)
    resample = Image.Resampling.BOX if factor < 1 else Image.Resampling.BILINEAR
    scaled = np.asarray(Image.fromarray(patch).resize(new_size, resample))
    scaled = np.clip(scaled, 0.0, None)
    peak = float(scaled.max())
    if peak > 0:
        scaled = scaled / peak
    return scaled.astype(np.float32)


def center_by_mass(patch: np.ndarray, size: int = FIELD_SIZE) -> np.ndarray:
    """Place a scaled digit in a ``size``×``size`` black field with its centre of mass at the centre.

    The shift is a whole number of pixels (as in MNIST), so the centre of mass ends up within half a
    pixel of the field's centre, ``((size - 1) / 2, (size - 1) / 2)`` = (13.5, 13.5) for 28. It is
    limited so that no ink leaves the field.

    Args:
        patch: (h, w) float32 ink with h, w <= ``size``, e.g. from ``scale_to_box``.

    Returns:
        (size, size) float32 in [0, 1].
    """
    patch = np.asarray(patch, dtype=np.float32)
    if patch.ndim != 2 or patch.shape[0] > size or patch.shape[1] > size:
        raise ValueError(
            f"center_by_mass expects an (h, w) array no larger than {size}×{size}, got shape "
            f"{patch.shape}: use scale_to_box first."
        )
    if not patch.any():
        raise ValueError("No ink to centre: the array is all zeros. Is the picture blank?")
    centre_row, centre_col = ndimage.center_of_mass(patch)
    middle = (size - 1) / 2
    top = int(np.clip(np.floor(middle - centre_row + 0.5), 0, size - patch.shape[0]))
    left = int(np.clip(np.floor(middle - centre_col + 0.5), 0, size - patch.shape[1]))
    field = np.zeros((size, size), dtype=np.float32)
    field[top : top + patch.shape[0], left : left + patch.shape[1]] = patch
    return np.clip(field, 0.0, 1.0)


def to_mnist(image: ImageLike) -> np.ndarray:
    """Turn a picture of one digit into an MNIST-style (28, 28) float32 array in [0, 1].

    White digit on black, longest side 20 px (aspect ratio kept, anti-aliased), centre of mass at the
    centre of the 28×28 field. Feed it to a model as ``x[np.newaxis]`` (or reshaped to (1, 784)).
    Pictures larger than ``WORKING_SIDE`` pixels are shrunk first, which only saves time.

    Args:
        image: a file path, a PIL image or a NumPy array (see ``load_grey``).

    Raises:
        FileNotFoundError: a path that does not exist.
        ValueError: not an image, a wrong array shape, a picture that is too large or blank.
    """
    ink = ink_map(_shrink(load_grey(image)))
    return center_by_mass(scale_to_box(crop_to_ink(ink)))


def _shrink(grey: np.ndarray) -> np.ndarray:
    """Shrink (H, W) grey so that its longest side is at most ``WORKING_SIDE`` (box filter)."""
    factor = WORKING_SIDE / max(grey.shape)
    if factor >= 1:
        return grey
    size = (max(1, round(grey.shape[1] * factor)), max(1, round(grey.shape[0] * factor)))
    return np.asarray(Image.fromarray(grey).resize(size, Image.Resampling.BOX), dtype=np.float32)


# --------------------------------------------------------------------------------------------------
# Several digits in a row.


def find_digit_boxes(image: ImageLike) -> list[Box]:
    """Find the digits in a picture of several digits in a row, from left to right.

    Blobs of ink are found with ``scipy.ndimage.label``; specks are dropped; blobs whose columns
    overlap are one digit (so a 5 whose top bar is not connected stays one digit). Any gap of at least
    one empty column separates two digits; a digit touching the picture's edge is kept.

    Args:
        image: a file path, a PIL image or a NumPy array (see ``load_grey``).

    Returns:
        One box ``(left, top, right, bottom)`` per digit, in pixels of the picture (``right`` and
        ``bottom`` exclusive, as Pillow's ``Image.crop`` expects).

    Raises:
        FileNotFoundError, ValueError: as ``to_mnist``.
    """
    return split_digits(image, return_boxes=True)[1]


@overload
def split_digits(image: ImageLike, *, return_boxes: Literal[False] = ...) -> list[np.ndarray]: ...


@overload
def split_digits(
    image: ImageLike, *, return_boxes: Literal[True]
) -> tuple[list[np.ndarray], list[Box]]: ...


def split_digits(
    image: ImageLike, *, return_boxes: bool = False
) -> list[np.ndarray] | tuple[list[np.ndarray], list[Box]]:
    """Split a picture of several digits in a row into MNIST-style digits, from left to right.

    Each digit goes through the same steps as ``to_mnist``; see ``find_digit_boxes`` for how the
    digits are found.

    Args:
        image: a file path, a PIL image or a NumPy array (see ``load_grey``).
        return_boxes: also return each digit's box ``(left, top, right, bottom)`` in pixels.

    Returns:
        A list of (28, 28) float32 arrays in [0, 1], or ``(digits, boxes)`` with ``return_boxes=True``.

    Raises:
        FileNotFoundError, ValueError: as ``to_mnist``.
    """
    grey = load_grey(image)
    ink = ink_map(_shrink(grey))
    boxes, masks = _find_digits(ink)
    digits = []
    for (left, top, right, bottom), mask in zip(boxes, masks, strict=True):
        patch = np.where(mask, ink[top:bottom, left:right], 0.0)
        digits.append(center_by_mass(scale_to_box(crop_to_ink(patch))))
    if not return_boxes:
        return digits
    # Boxes in pixels of the picture as given, not of the shrunk working copy.
    scale_y, scale_x = grey.shape[0] / ink.shape[0], grey.shape[1] / ink.shape[1]
    boxes = [
        (
            int(np.floor(left * scale_x)),
            int(np.floor(top * scale_y)),
            min(grey.shape[1], int(np.ceil(right * scale_x))),
            min(grey.shape[0], int(np.ceil(bottom * scale_y))),
        )
        for left, top, right, bottom in boxes
    ]
    return digits, boxes


def _find_digits(ink: np.ndarray) -> tuple[list[Box], list[np.ndarray]]:
    """Boxes of the digits in ``ink`` (left to right) and, for each, a mask of its own blobs."""
    labels, areas = _label_ink(ink)
    slices = ndimage.find_objects(labels)
    blobs = sorted(
        (found[1].start, found[1].stop, label)
        for label, found in enumerate(slices, start=1)
        if found is not None and areas[label] > 0
    )
    groups: list[list[int]] = []
    group_right = -1
    for start, stop, label in blobs:
        if groups and start < group_right:  # shares a column with the current digit
            groups[-1].append(label)
            group_right = max(group_right, stop)
        else:
            groups.append([label])
            group_right = stop
    boxes, masks = [], []
    for group in groups:
        rows = [slices[label - 1][0] for label in group]
        cols = [slices[label - 1][1] for label in group]
        top, bottom = min(r.start for r in rows), max(r.stop for r in rows)
        left, right = min(c.start for c in cols), max(c.stop for c in cols)
        boxes.append((left, top, right, bottom))
        masks.append(np.isin(labels[top:bottom, left:right], group))
    return boxes, masks


# --------------------------------------------------------------------------------------------------
# The naive way, for comparison.


def naive_resize(image: ImageLike) -> np.ndarray:
    """The seed lesson's approach: resize the whole picture to 28×28, invert it if it is bright.

    Transparency is ignored (as ``Image.convert("L")`` does), the digit is neither cropped nor
    centred and the aspect ratio is lost. Kept to show why ``to_mnist`` is needed.

    Args:
        image: a file path, a PIL image or a NumPy array (see ``load_grey``).

    Returns:
        (28, 28) float32 in [0, 1].
    """
    channels = _read_channels(image)
    colour = channels[:, :, :3] if channels.shape[2] >= 3 else channels[:, :, :1]
    grey = Image.fromarray(np.round(_luma(colour) * 255).astype(np.uint8))  # as .convert("L")
    small = np.asarray(grey.resize((FIELD_SIZE, FIELD_SIZE)), dtype=np.float32) / 255.0
    if small.mean() > 0.5:
        small = 1.0 - small
    return small
