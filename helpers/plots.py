"""Plots for training and evaluation: learning curves, confusion matrices, class probabilities.

Every function returns a matplotlib ``Figure`` and shows nothing; call ``plt.show()`` in the notebook.
Nothing here sets a matplotlib backend or imports TensorFlow.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator
from numpy.typing import ArrayLike

NUM_CLASSES = 10
PROBABILITY_SUM_TOLERANCE = 1e-3

_TRAIN_COLOR = "tab:blue"
_VALIDATION_COLOR = "tab:orange"
_OTHER_CLASS_COLOR = "lightgray"
_PREDICTED_COLOR = "tab:blue"
_TRUE_EDGE_COLOR = "tab:green"


def plot_history(history: Any, metrics: Sequence[str] = ("accuracy", "loss")) -> Figure:
    """Plot learning curves from a training run: one panel per metric, epochs on the x axis.

    Args:
        history: what ``model.fit`` returns (a ``keras.callbacks.History``) or its ``.history`` dict,
            mapping metric names to one float per epoch, e.g.
            ``{"accuracy": [...], "loss": [...], "val_accuracy": [...], "val_loss": [...]}``.
        metrics: the metrics to plot, one panel each. The validation curve (key ``"val_" + metric``)
            is drawn too when the history has it.

    Returns:
        A figure with ``len(metrics)`` axes side by side. Epochs are numbered 1..N.

    Raises:
        ValueError: ``history`` is not a History or dict, ``metrics`` is empty, a metric is missing,
            or a curve is empty, not one-dimensional, or of a different length than its partner.
    """
    values = getattr(history, "history", history)
    if not isinstance(values, Mapping):
        raise ValueError(
            f"history must be the History returned by model.fit or its .history dict, "
            f"got {type(history).__name__}."
        )
    if isinstance(metrics, str):
        metrics = (metrics,)
    metrics = tuple(metrics)
    if not metrics:
        raise ValueError("metrics is empty: name at least one metric, e.g. ('accuracy', 'loss').")
    for metric in metrics:
        if metric not in values:
            raise ValueError(
                f"The history has no metric {metric!r}; it has {sorted(values)}. Pass metrics= with "
                "names from that list (compile the model with metrics=['accuracy'] to record accuracy)."
            )

    fig, axes = plt.subplots(1, len(metrics), figsize=(5.5 * len(metrics), 4), squeeze=False)
    for ax, metric in zip(axes[0], metrics, strict=True):
        train = _as_curve(values[metric], name=metric)
        ax.plot(_epochs(train), train, marker="o", color=_TRAIN_COLOR, label="Training")
        val_key = f"val_{metric}"
        if val_key in values:
            val = _as_curve(values[val_key], name=val_key)
            if len(val) != len(train):
                raise ValueError(
                    f"{val_key!r} has {len(val)} values but {metric!r} has {len(train)}; "
                    "both need one value per epoch."
                )
            ax.plot(_epochs(val), val, marker="o", color=_VALIDATION_COLOR, label="Validation")
        label = _pretty(metric)
        _label_epoch_axes(ax, title=f"{label} per epoch", xlabel="Epoch", ylabel=label)
    fig.tight_layout()
    return fig


def plot_curves(
    curves: Mapping[str, Sequence[float]],
    *,
    title: str,
    ylabel: str,
    xlabel: str = "Epoch",
) -> Figure:
    """Plot several named curves on one axis, e.g. training vs test accuracy per epoch.

    Args:
        curves: curve name (used in the legend) -> values, one float per step. Step ``i`` (0-based)
            is drawn at x = ``i + 1``, so epochs are numbered 1..N. Curves may differ in length.
        title: the axis title.
        ylabel: the y-axis label, e.g. ``"Accuracy"``.
        xlabel: the x-axis label.

    Returns:
        A figure with one axis and one line per curve, in the order of ``curves``.

    Raises:
        ValueError: ``curves`` is empty or not a mapping, or a curve is empty or not one-dimensional.
    """
    if not isinstance(curves, Mapping):
        raise ValueError(
            f"curves must be a dict of name -> values, got {type(curves).__name__}, e.g. "
            "{'Training': train_acc, 'Test': test_acc}."
        )
    if not curves:
        raise ValueError("curves is empty: pass at least one name -> values pair.")
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, raw in curves.items():
        values = _as_curve(raw, name=str(name))
        ax.plot(_epochs(values), values, marker="o", label=str(name))
    _label_epoch_axes(ax, title=title, xlabel=xlabel, ylabel=ylabel)
    fig.tight_layout()
    return fig


def _label_epoch_axes(ax: Axes, *, title: str, xlabel: str, ylabel: str) -> None:
    """Title, axis labels, whole-number epoch ticks, a light grid and the legend."""
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(alpha=0.3)
    ax.legend()


def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, num_classes: int = NUM_CLASSES
) -> np.ndarray:
    """Count how often each true class was predicted as each class.

    Args:
        y_true: (N,) integer labels in 0..num_classes-1 (e.g. ``y_test``, uint8).
        y_pred: (N,) integer predicted labels, same range (e.g. ``probabilities.argmax(axis=1)``).
        num_classes: number of classes; classes that never occur get rows/columns of zeros.

    Returns:
        (num_classes, num_classes) int64 array ``C`` with ``C[t, p]`` = number of samples whose true
        class is ``t`` and predicted class is ``p``. Rows are true classes, columns predictions; the
        diagonal holds the correct predictions and ``C.sum() == N``.

    Raises:
        ValueError: the labels are not 1-D integer arrays of the same length, or fall outside
            0..num_classes-1.
    """
    if isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)):
        raise ValueError(f"num_classes must be an integer, got {num_classes!r}.")
    if num_classes < 1:
        raise ValueError(f"num_classes must be at least 1, got {num_classes}.")
    true = _as_labels(y_true, name="y_true", num_classes=num_classes)
    pred = _as_labels(y_pred, name="y_pred", num_classes=num_classes)
    if len(true) != len(pred):
        raise ValueError(
            f"y_true has {len(true)} labels but y_pred has {len(pred)}; "
            "pass one prediction per true label."
        )
    counts = np.bincount(true * num_classes + pred, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes).astype(np.int64)


def plot_confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, *, num_classes: int = NUM_CLASSES
) -> Figure:
    """Plot the confusion matrix of ``y_true`` vs ``y_pred`` with the count written in each cell.

    Args:
        y_true: (N,) integer labels in 0..num_classes-1.
        y_pred: (N,) integer predicted labels, same range.
        num_classes: number of classes (rows and columns).

    Returns:
        A figure with the matrix (rows: true label, columns: predicted label) and a colour bar.

    Raises:
        ValueError: as for :func:`confusion_matrix`.
    """
    matrix = confusion_matrix(y_true, y_pred, num_classes=num_classes)
    size = max(4.0, 0.6 * num_classes + 1.5)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    image = ax.imshow(matrix, cmap="Blues", vmin=0)
    fig.colorbar(image, ax=ax, label="Number of images")
    threshold = matrix.max() / 2 if matrix.max() > 0 else 1
    fontsize = 9 if num_classes <= 10 else 7
    for true_class in range(num_classes):
        for pred_class in range(num_classes):
            count = matrix[true_class, pred_class]
            ax.text(
                pred_class,
                true_class,
                str(count),
                ha="center",
                va="center",
                fontsize=fontsize,
                color="white" if count > threshold else "black",
            )
    ticks = np.arange(num_classes)
    ax.set_xticks(ticks)
    ax.set_yticks(ticks)
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    accuracy = np.trace(matrix) / matrix.sum() if matrix.sum() else float("nan")
    ax.set_title(f"Confusion matrix ({matrix.sum():,} images, accuracy {accuracy:.4f})")
    fig.tight_layout()
    return fig


def plot_probabilities(
    probabilities: ArrayLike,
    *,
    true_label: int | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bar chart of a model's class probabilities for one image, the predicted class highlighted.

    Args:
        probabilities: (C,) or (1, C) floats in [0, 1] that sum to 1, e.g. a softmax output
            ``model.predict(x[np.newaxis, i])`` (the batch dimension of size 1 is dropped).
        true_label: the correct class, if known. Its bar gets a green outline and a legend entry.
        title: the axis title; by default it states the predicted class (and the true one).
        ax: an existing axis to draw on (e.g. one panel of a grid); a new figure is made when None.

    Returns:
        The figure that holds the axis. Bar ``k`` is class ``k``; the predicted class (the argmax) is
        coloured, the others grey.

    Raises:
        ValueError: the shape is not (C,) or (1, C), a value is outside [0, 1] or not finite, the
            values do not sum to 1, or ``true_label`` is not a class index.
    """
    probs = np.asarray(probabilities)
    if probs.ndim == 2 and probs.shape[0] == 1:
        probs = probs[0]
    if probs.ndim != 1 or probs.size < 2:
        raise ValueError(
            f"probabilities must have shape (C,) or (1, C) with C >= 2 classes, got {probs.shape}. "
            "For a batch of predictions, pass one row: probabilities[i]."
        )
    if not np.issubdtype(probs.dtype, np.number) or np.issubdtype(probs.dtype, np.complexfloating):
        raise ValueError(f"probabilities must be real numbers, got dtype {probs.dtype}.")
    probs = probs.astype(np.float64)
    if not np.all(np.isfinite(probs)) or probs.min() < 0 or probs.max() > 1:
        raise ValueError(
            f"probabilities must lie in [0, 1], got values from {probs.min()} to {probs.max()}. "
            "Pass the softmax output of the model, not its logits."
        )
    if abs(probs.sum() - 1) > PROBABILITY_SUM_TOLERANCE:
        raise ValueError(
            f"probabilities must sum to 1, they sum to {probs.sum():.4f}. "
            "Pass the softmax output for a single image."
        )
    num_classes = probs.size
    if true_label is not None:
        if isinstance(true_label, bool) or not isinstance(true_label, (int, np.integer)):
            raise ValueError(f"true_label must be an integer class index, got {true_label!r}.")
        if not 0 <= true_label < num_classes:
            raise ValueError(f"true_label must be in 0..{num_classes - 1}, got {true_label}.")
        true_label = int(true_label)

    predicted = int(np.argmax(probs))
    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 3.5))
    else:
        fig = ax.figure
    colors = [_PREDICTED_COLOR if k == predicted else _OTHER_CLASS_COLOR for k in range(num_classes)]
    bars = ax.bar(np.arange(num_classes), probs, color=colors)
    handles = [Patch(color=_PREDICTED_COLOR, label=f"predicted: {predicted}")]
    if true_label is not None:
        bars[true_label].set_edgecolor(_TRUE_EDGE_COLOR)
        bars[true_label].set_linewidth(3)
        handles.append(
            Patch(facecolor="none", edgecolor=_TRUE_EDGE_COLOR, linewidth=3, label=f"true: {true_label}")
        )
    ax.text(
        predicted,
        min(probs[predicted] + 0.03, 1.02),
        f"{probs[predicted]:.2f}",
        ha="center",
        va="bottom",
        fontsize=9,
    )
    ax.set_xticks(np.arange(num_classes))
    ax.set_ylim(0, 1.12)
    ax.set_xlabel("Class")
    ax.set_ylabel("Probability")
    if title is None:
        title = f"Predicted {predicted} ({probs[predicted]:.1%})"
        if true_label is not None:
            title += f", true {true_label}"
    ax.set_title(title)
    ax.legend(handles=handles, loc="best", fontsize=8)
    return fig


def _as_curve(values: Any, *, name: str) -> np.ndarray:
    """Return ``values`` as a non-empty 1-D float array, or raise a ValueError naming the curve."""
    try:
        curve = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"Curve {name!r} must be a sequence of numbers ({err}).") from err
    if curve.ndim != 1:
        raise ValueError(
            f"Curve {name!r} must be one-dimensional (one value per epoch), got shape {curve.shape}."
        )
    if curve.size == 0:
        raise ValueError(f"Curve {name!r} is empty: it needs at least one value.")
    return curve


def _epochs(curve: np.ndarray) -> np.ndarray:
    """Epoch numbers 1..N for a curve of N values."""
    return np.arange(1, len(curve) + 1)


def _pretty(metric: str) -> str:
    """'val_accuracy' -> 'Val accuracy', 'loss' -> 'Loss'."""
    return metric.replace("_", " ").capitalize()


def _as_labels(labels: ArrayLike, *, name: str, num_classes: int) -> np.ndarray:
    """Return ``labels`` as a 1-D int64 array in 0..num_classes-1, or raise a ValueError."""
    array = np.asarray(labels)
    if array.ndim != 1:
        hint = (
            f" It looks like one-hot labels or probabilities: pass {name}.argmax(axis=1)."
            if array.ndim == 2
            else ""
        )
        raise ValueError(f"{name} must be 1-D class labels (N,), got shape {array.shape}.{hint}")
    if array.size == 0:
        return array.astype(np.int64)
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"{name} must hold integer class labels, got dtype {array.dtype}. "
            "Convert predictions with argmax(axis=1), or cast whole-number labels with .astype(int)."
        )
    array = array.astype(np.int64)
    if array.min() < 0 or array.max() >= num_classes:
        raise ValueError(
            f"{name} has labels from {array.min()} to {array.max()}, expected 0..{num_classes - 1} "
            f"(num_classes={num_classes})."
        )
    return array
