"""Tests for helpers.handwriting: scikit-learn's handwritten digits on realistic canvases."""

import numpy as np
import pytest
from sklearn.datasets import load_digits

from helpers.handwriting import STYLES, digits_on_canvases, prepare_all


@pytest.mark.parametrize("style", STYLES)
def test_pictures_are_grey_canvases_with_the_right_labels(style):
    pictures, labels = digits_on_canvases(style, count=40)
    assert len(pictures) == 40
    np.testing.assert_array_equal(labels, load_digits().target[:40])
    for picture in pictures:
        assert picture.dtype == np.uint8 and picture.ndim == 2
        assert 120 <= picture.shape[0] <= 200 and 140 <= picture.shape[1] <= 240
        # Dark ink on light paper: the paper (the median) is lighter than the darkest ink by a wide margin.
        assert np.median(picture) - picture.min() > 60


def test_a_screenshot_keeps_the_ink_levels_of_the_8x8_digit():
    """Nearest-neighbour scaling copies the original pixels, so the ink levels are the digit's own."""
    pictures, _ = digits_on_canvases("screenshot", count=20)
    for picture, original in zip(pictures, load_digits().images[:20], strict=True):
        levels = set(np.unique(np.round((255 - picture.astype(float)) / 255 * 16)))
        assert levels <= set(np.unique(original)), (levels, set(np.unique(original)))
        assert len(levels) >= len(set(np.unique(original))) - 1  # at most a rare level is lost at the edge


def test_same_seed_same_pictures_other_seed_other_pictures():
    first, _ = digits_on_canvases("photo", count=5, seed=3)
    again, _ = digits_on_canvases("photo", count=5, seed=3)
    other, _ = digits_on_canvases("photo", count=5, seed=4)
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not any(a.shape == b.shape and np.array_equal(a, b) for a, b in zip(first, other, strict=True))


def test_all_digits_by_default_and_an_unknown_style_is_refused():
    pictures, labels = digits_on_canvases("paper")
    assert len(pictures) == len(labels) == 1797
    with pytest.raises(ValueError, match="paper"):
        digits_on_canvases("pencil")


def test_prepare_all_keeps_the_refused_pictures_apart():
    from helpers.preprocess import to_mnist

    pictures, _ = digits_on_canvases("paper", count=3)
    blank = np.full((150, 150), 230, np.uint8)
    digits, found = prepare_all([pictures[0], blank, pictures[2]], to_mnist)
    np.testing.assert_array_equal(found, [True, False, True])
    np.testing.assert_array_equal(digits[0], to_mnist(pictures[0]))
    assert digits.shape == (3, 28, 28) and not digits[1].any()


def test_mixed_draws_each_digit_in_one_style_in_turn():
    mixed, labels = digits_on_canvases("mixed", count=6)
    np.testing.assert_array_equal(labels, load_digits().target[:6])
    for index, picture in enumerate(mixed):
        if STYLES[index % 3] == "screenshot":  # pure white paper, only a screenshot has it
            assert np.median(picture) == 255
        else:
            assert np.median(picture) < 255


def test_prepare_all_reads_its_cache_back_only_for_the_same_pictures(tmp_path):
    from helpers.preprocess import to_mnist

    calls = []

    def counted_to_mnist(picture):
        calls.append(1)
        return to_mnist(picture)

    pictures, _ = digits_on_canvases("paper", count=3)
    cache = tmp_path / "prepared.npz"
    digits, found = prepare_all(pictures, counted_to_mnist, cache=cache)
    assert cache.is_file() and len(calls) == 3
    again, found_again = prepare_all(pictures, counted_to_mnist, cache=cache)
    assert len(calls) == 3  # read back, not prepared again
    np.testing.assert_array_equal(again, digits)
    np.testing.assert_array_equal(found_again, found)
    changed = [pictures[0], pictures[1], np.fliplr(pictures[2])]
    other, _ = prepare_all(changed, counted_to_mnist, cache=cache)
    assert len(calls) == 6  # other pictures: prepared again
    assert not np.array_equal(other[2], digits[2])


def test_faint_digits_on_unevenly_lit_photos_are_found():
    """A faint, blurred digit's rough ink can merge with the darker side of the paper; it must still be
    found (picture 78 was refused as "only a speck of ink" when the width was measured on that rough ink)."""
    from helpers.preprocess import to_mnist

    pictures, _ = digits_on_canvases("photo", count=80)
    _, found = prepare_all(pictures, to_mnist)
    assert found.all()


def test_prepare_all_caches_nothing_when_the_code_of_prepare_is_unknown(tmp_path, monkeypatch):
    from helpers.preprocess import to_mnist

    def no_source(module):
        raise OSError("could not get source code")

    monkeypatch.setattr("helpers.handwriting.inspect.getsource", no_source)
    pictures, _ = digits_on_canvases("paper", count=2)
    digits, found = prepare_all(pictures, to_mnist, cache=tmp_path / "prepared.npz")
    assert found.all() and digits.any(axis=(1, 2)).all()
    assert not (tmp_path / "prepared.npz").exists()


def test_prepare_all_prepares_again_over_an_unreadable_cache(tmp_path):
    from helpers.preprocess import to_mnist

    pictures, _ = digits_on_canvases("paper", count=2)
    cache = tmp_path / "prepared.npz"
    cache.write_bytes(b"not a zip file")
    digits, found = prepare_all(pictures, to_mnist, cache=cache)
    np.testing.assert_array_equal(digits[0], to_mnist(pictures[0]))
    with np.load(cache) as saved:  # written over with the new result
        np.testing.assert_array_equal(saved["digits"], digits)
