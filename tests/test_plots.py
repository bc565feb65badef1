"""Tests for helpers.plots: the confusion matrix against scikit-learn, the bars against the input."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgba
from sklearn.metrics import accuracy_score, confusion_matrix

from helpers.plots import plot_confusion_matrix, plot_probabilities


def _random_predictions(n=400, seed=0, right=0.7):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, 10, n)
    return y_true, np.where(rng.random(n) < right, y_true, rng.integers(0, 10, n))


def _cell_texts(ax, size):
    texts = np.zeros((size, size), dtype=int)
    for text in ax.texts:
        col, row = text.get_position()
        texts[int(row), int(col)] = int(text.get_text())
    return texts


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), right=st.floats(0, 1))
def test_confusion_matrix_counts_equal_scikit_learn(seed, right):
    y_true, y_pred = _random_predictions(seed=seed, right=right)
    fig = plot_confusion_matrix(y_true, y_pred)
    ax = fig.axes[0]
    expected = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(_cell_texts(ax, len(expected)), expected)
    assert f"accuracy {accuracy_score(y_true, y_pred):.4f}" in ax.get_title()
    assert f"{len(y_true):,} images" in ax.get_title()
    plt.close(fig)


def test_confusion_matrix_colors_the_errors_by_row_share_and_masks_the_diagonal():
    y_true, y_pred = _random_predictions()
    ax = plot_confusion_matrix(y_true, y_pred).axes[0]
    colored = ax.get_images()[-1].get_array()
    counts = confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(np.ma.getmaskarray(colored), np.eye(10, dtype=bool))
    off_diagonal = ~np.eye(10, dtype=bool)
    np.testing.assert_allclose(colored[off_diagonal], (counts / counts.sum(1, keepdims=True))[off_diagonal])
    assert [label.get_text() for label in ax.get_xticklabels()] == [str(k) for k in range(10)]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("Predicted label", "True label")


def test_confusion_matrix_of_perfect_predictions_draws():
    y = np.arange(10).repeat(3)
    ax = plot_confusion_matrix(y, y).axes[0]
    assert "accuracy 1.0000" in ax.get_title()


@pytest.mark.parametrize("shape", [(50, 10), (50, 1)])
def test_confusion_matrix_rejects_scores_and_leaves_no_figure(shape):
    y_true, _ = _random_predictions(50)
    with pytest.raises(ValueError, match="argmax"):
        plot_confusion_matrix(y_true, np.zeros(shape))
    assert plt.get_fignums() == []


def _softmax(logits):
    exp = np.exp(logits - logits.max())
    return exp / exp.sum()


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(-8, 8), min_size=2, max_size=12))
def test_probability_bars_equal_the_probabilities(logits):
    probs = _softmax(np.array(logits))
    fig = plot_probabilities(probs[np.newaxis])  # a (1, C) batch of one is accepted
    ax = fig.axes[0]
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], probs)
    predicted = int(np.argmax(probs))
    assert ax.get_title() == f"Predicted {predicted} ({probs[predicted]:.1%})"
    blue = [k for k, bar in enumerate(ax.patches) if bar.get_facecolor() == to_rgba("tab:blue")]
    assert blue == [predicted]
    plt.close(fig)


def test_probabilities_label_the_bars_and_outline_the_true_class():
    probs = np.array([0.02, 0.9, 0.0, 0.08])
    fig, ax = plt.subplots()
    assert plot_probabilities(probs, true_label=3, ax=ax) is fig
    assert ax.get_ylim()[0] == 0 and ax.patches[3].get_edgecolor() == to_rgba("tab:green")
    assert [text.get_text() for text in ax.texts] == ["0.02", "0.90", "", "0.08"]
    assert ax.patches[3].get_linewidth() == 3 and ax.patches[1].get_linewidth() != 3
    assert ax.get_title() == "Predicted 1 (90.0%), true 3"
    assert plot_probabilities(probs, title="Digit 5").axes[0].get_title() == "Digit 5"
    certain = plot_probabilities([0, 1, 0], true_label=0).axes[0]  # a sure answer (1.0) is a probability
    assert certain.get_title() == "Predicted 1 (100.0%), true 0" and certain.patches[0].get_linewidth() == 3


@pytest.mark.parametrize(
    ("values", "kwargs", "match"),
    [
        ([2.1, -0.3, 0.5], {}, "logits"),
        ([0.2, 0.2, 0.2], {}, "softmax"),
        ([[0.5, 0.5], [0.5, 0.5]], {}, r"probs\[i\]"),
        ([0.5, 0.5], {"true_label": 2}, "true_label"),
        ([0.5, 0.5], {"true_label": -1}, "true_label"),
    ],
)
def test_probabilities_reject_logits_batches_and_bad_labels_without_leaving_a_figure(values, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_probabilities(values, **kwargs)
    assert plt.get_fignums() == []


def test_no_learning_curve_helpers_remain():
    import helpers.plots

    assert not hasattr(helpers.plots, "plot_history") and not hasattr(helpers.plots, "plot_curves")
