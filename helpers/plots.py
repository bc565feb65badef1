"""Evaluation plots: a confusion matrix that shows the errors, and one image's class probabilities.

Both return a matplotlib Figure and show nothing (call ``plt.show()``). Learning curves need no helper:
``pd.DataFrame(history.history).plot()``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike
from sklearn.metrics import confusion_matrix


def plot_confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike) -> Figure:
    """scikit-learn's confusion matrix with the count in each cell, coloured so that the errors stand out.

    Rows are true classes, columns predictions. The diagonal (right answers) is grey; an error cell's
    colour is its share of its row, so "a third of the 5s read as 3" is dark whatever the class size.

    Args:
        y_true: (N,) class numbers, e.g. ``y_test``.
        y_pred: (N,) predicted class numbers, e.g. ``model.predict(x_test).argmax(axis=1)``.
    """
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        if np.ndim(values) != 1:
            raise ValueError(f"{name} must be (N,) class numbers, not {np.shape(values)}: use .argmax(1).")
    counts = confusion_matrix(y_true, y_pred)
    classes = np.union1d(y_true, y_pred)
    rates = counts / counts.sum(axis=1, keepdims=True).clip(min=1)
    errors = np.ma.masked_where(np.eye(len(counts), dtype=bool), rates)
    fig, ax = plt.subplots(figsize=(7, 6))
    ax.imshow(np.eye(len(counts)), cmap="Greys", vmin=0, vmax=5)  # the diagonal in light grey
    image = ax.imshow(errors, cmap="Reds", vmin=0, vmax=max(errors.max() or 0, 0.01))
    fig.colorbar(image, ax=ax, label="Errors: share of the true class")
    for (row, col), count in np.ndenumerate(counts):
        dark = not errors.mask[row, col] and errors[row, col] > 0.6 * image.norm.vmax
        ax.text(col, row, count, ha="center", va="center", fontsize=8, color="white" if dark else "black")
    ax.set(xticks=range(len(classes)), yticks=range(len(classes)), xticklabels=classes, yticklabels=classes)
    ax.set(xlabel="Predicted label", ylabel="True label")
    accuracy = np.trace(counts) / counts.sum()
    ax.set_title(f"Confusion matrix: {counts.sum():,} images, accuracy {accuracy:.4f}")
    return fig


def plot_probabilities(
    probabilities: ArrayLike,
    *,
    true_label: int | None = None,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Bar chart of one image's class probabilities (C,) or (1, C); the predicted class in blue.

    ``true_label`` (if given) gets a green outline; ``ax`` draws into an existing axis. Raises ValueError
    for logits (values outside [0, 1] or not summing to 1: apply a softmax first) and for a batch.
    """
    probs = np.asarray(probabilities, dtype=float)
    probs = probs[0] if probs.ndim == 2 and len(probs) == 1 else probs
    if probs.ndim != 1:
        raise ValueError(f"probabilities must be one image's (C,) row, not {probs.shape}: pass probs[i].")
    if not (probs.min() >= 0 and probs.max() <= 1 and abs(probs.sum() - 1) < 1e-3):
        raise ValueError(
            f"These look like logits, not probabilities (values {probs.min():.3g} to {probs.max():.3g}, sum "
            f"{probs.sum():.3g}): apply a softmax first, e.g. keras.ops.softmax(logits)."
        )
    if true_label is not None and not 0 <= true_label < len(probs):
        raise ValueError(f"true_label must be a class number 0..{len(probs) - 1}, got {true_label}.")
    predicted = int(probs.argmax())
    ax = ax or plt.subplots(figsize=(6, 3.5))[1]
    colors = ["tab:blue" if k == predicted else "lightgray" for k in range(len(probs))]
    bars = ax.bar(range(len(probs)), probs, color=colors)
    ax.bar_label(bars, labels=[f"{p:.2f}" if p >= 0.005 else "" for p in probs], fontsize=8)
    if true_label is not None:
        bars[true_label].set(edgecolor="tab:green", linewidth=3)
    default = f"Predicted {predicted} ({probs[predicted]:.1%})"
    default += "" if true_label is None else f", true {true_label}"
    ax.set(xticks=range(len(probs)), ylim=(0, 1.12), xlabel="Class", ylabel="Probability")
    ax.set_title(title or default)
    return ax.figure
