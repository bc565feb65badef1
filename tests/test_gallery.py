"""Tests for helpers.gallery: exact tiling, bad arguments, a pixel-preservation property, plot_digits."""

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from helpers.gallery import mnist_gallery, plot_digits


def numbered_images(n: int, height: int = 2, width: int = 3, dtype=np.uint8) -> np.ndarray:
    """(n, height, width) images where every pixel of image i equals i + 1 (0 stays free for padding)."""
    return np.broadcast_to(np.arange(1, n + 1, dtype=dtype)[:, None, None], (n, height, width)).copy()


def tile(gallery: np.ndarray, row: int, col: int, height: int, width: int) -> np.ndarray:
    return gallery[row * height : (row + 1) * height, col * width : (col + 1) * width]


# --- mnist_gallery: exact tiling -------------------------------------------------------------


def test_two_by_two_exact_layout():
    images = np.array(
        [
            [[1, 2], [3, 4]],
            [[5, 6], [7, 8]],
            [[9, 10], [11, 12]],
            [[13, 14], [15, 16]],
        ],
        dtype=np.uint8,
    )
    expected = np.array(
        [
            [1, 2, 5, 6],
            [3, 4, 7, 8],
            [9, 10, 13, 14],
            [11, 12, 15, 16],
        ],
        dtype=np.uint8,
    )
    gallery = mnist_gallery(images, start=0, count=4, per_row=2)
    np.testing.assert_array_equal(gallery, expected)
    assert gallery.dtype == np.uint8


def assert_tiles_in_reading_order(gallery, images, per_row):
    """Image i of the (N, 2, 3) ``images`` is tile (i // per_row, i % per_row) of ``gallery``."""
    for i, image in enumerate(images):
        row, col = divmod(i, per_row)
        np.testing.assert_array_equal(tile(gallery, row, col, 2, 3), image)


def test_per_row_divides_count_places_images_left_to_right_top_to_bottom():
    images = numbered_images(12)
    gallery = mnist_gallery(images, start=0, count=12, per_row=4)
    assert gallery.shape == (3 * 2, 4 * 3)
    assert_tiles_in_reading_order(gallery, images, per_row=4)


def test_per_row_not_dividing_count_pads_last_row_with_black():
    images = numbered_images(7)
    gallery = mnist_gallery(images, start=0, count=7, per_row=3)
    assert gallery.shape == (3 * 2, 3 * 3)
    assert_tiles_in_reading_order(gallery, images, per_row=3)
    for col in (1, 2):  # the two tiles after image 6 in the last row
        np.testing.assert_array_equal(tile(gallery, 2, col, 2, 3), np.zeros((2, 3), np.uint8))


def test_start_selects_the_window():
    images = numbered_images(10)
    gallery = mnist_gallery(images, start=5, count=4, per_row=2)
    assert gallery.shape == (4, 6)
    np.testing.assert_array_equal(tile(gallery, 0, 0, 2, 3), images[5])
    np.testing.assert_array_equal(tile(gallery, 0, 1, 2, 3), images[6])
    np.testing.assert_array_equal(tile(gallery, 1, 0, 2, 3), images[7])
    np.testing.assert_array_equal(tile(gallery, 1, 1, 2, 3), images[8])


def test_count_smaller_than_per_row_gives_one_padded_row():
    images = numbered_images(5)
    gallery = mnist_gallery(images, start=1, count=2, per_row=4)
    assert gallery.shape == (2, 4 * 3)
    np.testing.assert_array_equal(gallery[:, :3], images[1])
    np.testing.assert_array_equal(gallery[:, 3:6], images[2])
    assert not gallery[:, 6:].any()


def test_per_row_one_stacks_vertically():
    images = numbered_images(3)
    np.testing.assert_array_equal(mnist_gallery(images, count=3, per_row=1), np.concatenate(images))


def test_whole_set_up_to_the_last_image():
    images = numbered_images(6)
    gallery = mnist_gallery(images, start=2, count=4, per_row=4)
    np.testing.assert_array_equal(gallery, np.hstack(images[2:6]))


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.int64, np.bool_])
def test_keeps_dtype_and_pads_with_zeros_of_that_dtype(dtype):
    images = np.ones((3, 2, 2), dtype=dtype)
    gallery = mnist_gallery(images, count=3, per_row=2)
    assert gallery.dtype == dtype
    assert gallery.shape == (4, 4)
    assert not gallery[2:, 2:].any()
    assert gallery.sum() == 3 * 4


def test_mnist_sized_defaults():
    images = np.random.default_rng(0).integers(0, 256, (150, 28, 28), dtype=np.uint8)
    gallery = mnist_gallery(images)
    assert gallery.shape == (280, 280)
    np.testing.assert_array_equal(gallery[28:56, 84:112], images[13])


def test_does_not_modify_input_and_accepts_lists():
    images = numbered_images(3)
    before = images.copy()
    mnist_gallery(images, count=3, per_row=2)
    np.testing.assert_array_equal(images, before)
    gallery = mnist_gallery(images.tolist(), count=3, per_row=3)
    assert gallery.shape == (2, 9)


def test_numpy_integer_arguments_are_accepted():
    images = numbered_images(4)
    gallery = mnist_gallery(images, start=np.int64(1), count=np.uint8(2), per_row=np.int32(2))
    assert gallery.shape == (2, 6)


# --- mnist_gallery: bad arguments ---------------------------------------------------------------


@pytest.mark.parametrize("shape", [(28, 28), (784,), (2, 28, 28, 1), ()])
def test_wrong_number_of_dimensions(shape):
    with pytest.raises(ValueError, match=r"must be 3-D \(N, height, width\)"):
        mnist_gallery(np.zeros(shape, np.uint8), count=1)


def test_empty_images():
    with pytest.raises(ValueError, match="images is empty"):
        mnist_gallery(np.zeros((0, 28, 28), np.uint8), count=1)


@pytest.mark.parametrize("start", [-1, 10, 11])
def test_start_out_of_range(start):
    with pytest.raises(ValueError, match=r"start must be between 0 and 9 \(there are 10 images\)"):
        mnist_gallery(numbered_images(10), start=start, count=1)


@pytest.mark.parametrize("count", [0, -3])
def test_count_below_one(count):
    with pytest.raises(ValueError, match="count must be at least 1"):
        mnist_gallery(numbered_images(10), count=count)


@pytest.mark.parametrize(("start", "count"), [(0, 11), (5, 6), (9, 2)])
def test_start_plus_count_past_the_end(start, count):
    with pytest.raises(ValueError, match=rf"goes past the end.*Use count <= {10 - start}"):
        mnist_gallery(numbered_images(10), start=start, count=count)


def test_default_count_too_large_for_small_set():
    with pytest.raises(ValueError, match="there are only 10 images"):
        mnist_gallery(numbered_images(10))


@pytest.mark.parametrize("per_row", [0, -1])
def test_per_row_below_one(per_row):
    with pytest.raises(ValueError, match="per_row must be at least 1"):
        mnist_gallery(numbered_images(10), count=4, per_row=per_row)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"start": 1.0}, "start"),
        ({"count": 2.5}, "count"),
        ({"per_row": "5"}, "per_row"),
        ({"per_row": True}, "per_row"),
        ({"count": None}, "count"),
    ],
)
def test_non_integer_arguments(kwargs, name):
    args = {"count": 4, **kwargs}
    with pytest.raises(ValueError, match=rf"{name} must be a whole number"):
        mnist_gallery(numbered_images(10), **args)


# --- mnist_gallery: property --------------------------------------------------------------------


@st.composite
def gallery_cases(draw):
    n = draw(st.integers(1, 12))
    height = draw(st.integers(1, 5))
    width = draw(st.integers(1, 5))
    images = draw(hnp.arrays(np.int16, (n, height, width), elements=st.integers(-100, 100)))
    start = draw(st.integers(0, n - 1))
    count = draw(st.integers(1, n - start))
    per_row = draw(st.integers(1, 15))
    return images, start, count, per_row


@given(gallery_cases())
def test_tiling_preserves_every_pixel(case):
    images, start, count, per_row = case
    height, width = images.shape[1:]
    gallery = mnist_gallery(images, start=start, count=count, per_row=per_row)
    rows = -(-count // per_row)
    assert gallery.shape == (rows * height, per_row * width)
    assert gallery.dtype == images.dtype
    for k in range(rows * per_row):
        row, col = divmod(k, per_row)
        expected = images[start + k] if k < count else np.zeros((height, width), images.dtype)
        np.testing.assert_array_equal(tile(gallery, row, col, height, width), expected)
    # Nothing is lost or invented: the multiset of pixels is the chosen images plus black padding.
    padding = np.zeros((rows * per_row - count) * height * width, images.dtype)
    np.testing.assert_array_equal(
        np.sort(gallery, axis=None),
        np.sort(np.concatenate([images[start : start + count].ravel(), padding])),
    )


# --- plot_digits ----------------------------------------------------------------------------------


def image_axes(fig: Figure) -> list:
    return [ax for ax in fig.axes if ax.images]


def test_plot_digits_returns_figure_with_one_axis_per_image():
    fig = plot_digits(numbered_images(13, 28, 28), per_row=5)
    assert isinstance(fig, Figure)
    axes = image_axes(fig)
    assert len(axes) == len(fig.axes) == 13
    for ax in axes:
        assert list(ax.get_xticks()) == [] and list(ax.get_yticks()) == []
        assert ax.images[0].get_cmap().name == "gray"
        assert ax.get_xlabel() == ""


def test_plot_digits_shows_each_image_in_order():
    images = numbered_images(4, 5, 5)
    fig = plot_digits(images, per_row=3)
    for ax, image in zip(image_axes(fig), images, strict=True):
        np.testing.assert_array_equal(ax.images[0].get_array(), image)


def test_plot_digits_grid_layout():
    fig = plot_digits(numbered_images(7, 4, 4), per_row=3)
    grid = {ax.get_subplotspec().get_geometry()[:2] for ax in fig.axes}
    assert grid == {(3, 3)}
    fig = plot_digits(numbered_images(2, 4, 4), per_row=10)  # fewer images than per_row
    assert {ax.get_subplotspec().get_geometry()[:2] for ax in fig.axes} == {(1, 2)}


def test_plot_digits_label_captions():
    fig = plot_digits(numbered_images(3, 28, 28), labels=np.array([7, 0, 4], np.uint8))
    assert [ax.get_xlabel() for ax in fig.axes] == ["7", "0", "4"]


def test_plot_digits_prediction_captions_mark_wrong_in_red():
    fig = plot_digits(numbered_images(3, 28, 28), labels=[7, 2, 1], predictions=[7, 3, 1])
    captions = [ax.xaxis.label for ax in fig.axes]
    assert [c.get_text() for c in captions] == ["7 → 7", "2 → 3", "1 → 1"]
    red, black = to_rgba("red"), to_rgba("black")
    assert [to_rgba(c.get_color()) for c in captions] == [black, red, black]
    assert captions[1].get_fontweight() == "bold"


def test_plot_digits_accepts_one_hot_labels_and_class_scores():
    one_hot = np.eye(10, dtype=np.float32)[[3, 8]]
    scores = np.array([[0.1] * 3 + [0.7] + [0.0] * 6, [0.0] * 9 + [0.9]], dtype=np.float32)
    fig = plot_digits(numbered_images(2, 28, 28), one_hot, scores)
    assert [ax.get_xlabel() for ax in fig.axes] == ["3 → 3", "8 → 9"]


@pytest.mark.parametrize("shape", [(3, 784), (3, 28, 28, 1), (3, 28, 28)])
def test_plot_digits_accepts_flat_and_channel_images(shape):
    images = np.zeros(shape, np.float32)
    fig = plot_digits(images)
    assert len(image_axes(fig)) == 3
    assert fig.axes[0].images[0].get_array().shape == (28, 28)


def test_plot_digits_title():
    fig = plot_digits(numbered_images(2, 28, 28), title="Some digits")
    assert fig.get_suptitle() == "Some digits"


def test_plot_digits_labels_length_mismatch():
    with pytest.raises(ValueError, match="labels has 2 entries but there are 3 images"):
        plot_digits(numbered_images(3, 28, 28), labels=[1, 2])


def test_plot_digits_predictions_length_mismatch():
    with pytest.raises(ValueError, match="predictions has 4 entries but there are 3 images"):
        plot_digits(numbered_images(3, 28, 28), labels=[1, 2, 3], predictions=[1, 2, 3, 4])


def test_plot_digits_predictions_need_labels():
    with pytest.raises(ValueError, match="predictions were given without labels"):
        plot_digits(numbered_images(3, 28, 28), predictions=[1, 2, 3])


@pytest.mark.parametrize(
    ("images", "match"),
    [
        (np.zeros((3, 10), np.uint8), "not square"),
        (np.zeros(784), r"must have shape \(N, H, W\)"),
        (np.zeros((2, 28, 28, 3)), r"must have shape \(N, H, W\)"),
        (np.zeros((0, 28, 28)), "images is empty"),
    ],
)
def test_plot_digits_bad_images(images, match):
    with pytest.raises(ValueError, match=match):
        plot_digits(images)


def test_plot_digits_bad_labels():
    with pytest.raises(ValueError, match="labels must be integers"):
        plot_digits(numbered_images(2, 28, 28), labels=[1.5, 2.0])
    with pytest.raises(ValueError, match=r"labels must have shape \(N,\) or \(N, classes\)"):
        plot_digits(numbered_images(2, 28, 28), labels=np.zeros((2, 2, 2), int))


@pytest.mark.parametrize("per_row", [0, -2, 2.0])
def test_plot_digits_bad_per_row(per_row):
    with pytest.raises(ValueError, match="per_row must be"):
        plot_digits(numbered_images(2, 28, 28), per_row=per_row)
