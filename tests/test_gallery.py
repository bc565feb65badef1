"""Tests for helpers.gallery: mnist_gallery against a plain loop, plot_digits' tiles, captions and errors."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.gallery import mnist_gallery, plot_digits


def _gallery_by_loop(images, start, count, per_row):
    """The obvious way: paste each image at its place in a black canvas."""
    n_rows = -(-count // per_row)
    height, width = images.shape[1:]
    canvas = np.zeros((n_rows * height, per_row * width), images.dtype)
    for k in range(count):
        row, col = divmod(k, per_row)
        canvas[row * height : (row + 1) * height, col * width : (col + 1) * width] = images[start + k]
    return canvas


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(1, 12),
    height=st.integers(1, 4),
    width=st.integers(1, 4),
    per_row=st.integers(1, 6),
    data=st.data(),
)
def test_mnist_gallery_equals_a_plain_loop(n, height, width, per_row, data):
    images = np.random.default_rng(n).integers(1, 256, (n, height, width)).astype(np.uint8)
    start = data.draw(st.integers(0, n - 1))
    count = data.draw(st.integers(1, n - start))
    got = mnist_gallery(images, start, count, per_row)
    assert got.dtype == images.dtype
    np.testing.assert_array_equal(got, _gallery_by_loop(images, start, count, per_row))


def test_mnist_gallery_defaults_show_the_first_hundred_ten_to_a_row():
    images = np.random.default_rng(0).random((150, 28, 28)).astype(np.float32)
    np.testing.assert_array_equal(mnist_gallery(images), _gallery_by_loop(images, 0, 100, 10))


@pytest.mark.parametrize(
    ("shape", "start", "count", "per_row"),
    [((5, 784), 0, 1, 1), ((5, 28, 28, 1), 0, 1, 1), ((5, 2, 2), 4, 2, 1), ((5, 2, 2), -1, 1, 1),
     ((5, 2, 2), 0, 0, 1), ((5, 2, 2), 0, 6, 1), ((5, 2, 2), 0, 1, 0), ((0, 2, 2), 0, 1, 1)],
)
def test_mnist_gallery_rejects_what_does_not_fit(shape, start, count, per_row):
    with pytest.raises(ValueError):
        mnist_gallery(np.zeros(shape), start, count, per_row)


def _digits(n=12, seed=0):
    return np.random.default_rng(seed).integers(0, 256, (n, 28, 28)).astype(np.uint8)


def _captions(fig):
    return [ax.get_xlabel() for ax in fig.axes]


def test_plot_digits_draws_each_image_on_one_shared_gray_scale():
    images = _digits()
    images[3] = 0
    images[5, 0, 0] = 255
    fig = plot_digits(images, per_row=5)
    assert len(fig.axes) == 12
    for ax, image in zip(fig.axes, images, strict=True):
        shown = ax.get_images()[0]
        np.testing.assert_array_equal(shown.get_array(), image)
        assert shown.get_clim() == (images.min(), images.max())
        assert shown.get_cmap().name == "gray"
    assert {ax.get_subplotspec().colspan.start for ax in fig.axes} == set(range(5))
    assert _captions(fig) == [""] * 12


@pytest.mark.parametrize("shape", [(12, 784), (12, 28, 28, 1)])
def test_plot_digits_accepts_flat_and_channel_images(shape):
    images = _digits()
    fig = plot_digits(images.reshape(shape))
    for ax, image in zip(fig.axes, images, strict=True):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), image)


@pytest.mark.parametrize("as_shape", [lambda y: y, lambda y: y.reshape(-1, 1), lambda y: np.eye(10)[y]])
def test_plot_digits_captions_labels_given_flat_column_or_one_hot(as_shape):
    labels = np.array([7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6])
    fig = plot_digits(_digits(), as_shape(labels))
    assert _captions(fig) == [str(label) for label in labels]


def test_plot_digits_marks_wrong_predictions_in_red():
    labels = np.array([1, 2, 3])
    scores = np.eye(10)[[1, 5, 3]] * 0.9  # model.predict-style rows: argmax is taken
    fig = plot_digits(_digits(3), labels, scores, title="Mistakes")
    assert _captions(fig) == ["1 → 1", "2 → 5", "3 → 3"]
    assert [ax.xaxis.label.get_color() for ax in fig.axes] == ["black", "red", "black"]
    assert fig.get_suptitle() == "Mistakes"


@pytest.mark.parametrize(
    ("images", "labels", "predictions"),
    [
        (np.zeros((3, 5, 7, 2)), None, None),
        (np.zeros((3, 783)), None, None),
        (np.zeros((0, 28, 28)), None, None),
        (np.where(np.eye(28), np.nan, 0.5)[np.newaxis].repeat(3, 0), None, None),
        (_digits(3), None, [1, 2, 3]),
        (_digits(3), [1, 2], None),
        (_digits(3), [1.0, 2.0, 3.0], None),
        (_digits(3), [1, 2, 3], [[1, 2, 3]]),
    ],
)
def test_plot_digits_rejects_bad_input_and_leaves_no_figure_open(images, labels, predictions):
    before = plt.get_fignums()
    with pytest.raises(ValueError):
        plot_digits(images, labels, predictions)
    assert plt.get_fignums() == before
