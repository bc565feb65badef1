"""Tests for helpers.plots: what is drawn, the confusion-matrix counts, and the input checks."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from helpers.plots import (
    confusion_matrix,
    plot_confusion_matrix,
    plot_curves,
    plot_history,
    plot_probabilities,
)

HISTORY = {
    "accuracy": [0.90, 0.95, 0.97],
    "loss": [0.30, 0.15, 0.10],
    "val_accuracy": [0.93, 0.96, 0.965],
    "val_loss": [0.20, 0.14, 0.12],
}


class FakeHistory:
    """Stands in for keras.callbacks.History, which keeps its values in ``.history``."""

    def __init__(self, history):
        self.history = history


def _lines_by_label(ax):
    return {line.get_label(): line for line in ax.get_lines()}


# --- plot_history -------------------------------------------------------------------------------


@pytest.mark.parametrize("history", [HISTORY, FakeHistory(HISTORY)], ids=["dict", "History"])
def test_plot_history_draws_training_and_validation_per_metric(history):
    fig = plot_history(history)

    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    for ax, metric in zip(fig.axes, ("accuracy", "loss"), strict=True):
        lines = _lines_by_label(ax)
        assert set(lines) == {"Training", "Validation"}
        np.testing.assert_allclose(lines["Training"].get_ydata(), HISTORY[metric])
        np.testing.assert_allclose(lines["Validation"].get_ydata(), HISTORY[f"val_{metric}"])
        np.testing.assert_array_equal(lines["Training"].get_xdata(), [1, 2, 3])
        assert ax.get_xlabel() == "Epoch"
        assert metric in ax.get_title().lower()
        assert ax.get_ylabel()
        assert ax.get_legend() is not None


def test_plot_history_epoch_ticks_are_integers():
    history = {"loss": list(np.linspace(1, 0.1, 12))}
    fig = plot_history(history, metrics=("loss",))
    fig.canvas.draw()

    ticks = [t for t in fig.axes[0].get_xticks() if 1 <= t <= 12]
    assert ticks
    assert all(float(t).is_integer() for t in ticks)


def test_plot_history_without_validation_and_single_metric_string():
    fig = plot_history({"loss": [1.0, 0.5], "accuracy": [0.5, 0.8]}, metrics="loss")

    assert len(fig.axes) == 1
    lines = fig.axes[0].get_lines()
    assert len(lines) == 1
    np.testing.assert_allclose(lines[0].get_ydata(), [1.0, 0.5])


def test_plot_history_one_epoch():
    fig = plot_history({"accuracy": [0.9], "loss": [0.3]})

    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_xdata(), [1])


def test_plot_history_missing_metric_lists_available_keys():
    with pytest.raises(ValueError, match=r"no metric 'accuracy'.*\['loss'\]"):
        plot_history({"loss": [1.0, 0.5]})


@pytest.mark.parametrize(
    ("history", "metrics", "match"),
    [
        ([0.1, 0.2], ("loss",), "History returned by model.fit"),
        (HISTORY, (), "metrics is empty"),
        ({"loss": []}, ("loss",), "empty"),
        ({"loss": [[1.0, 2.0]]}, ("loss",), "one-dimensional"),
        ({"loss": ["a", "b"]}, ("loss",), "sequence of numbers"),
        ({"loss": [1.0, 0.5], "val_loss": [1.0]}, ("loss",), "'val_loss' has 1 values"),
    ],
)
def test_plot_history_bad_inputs(history, metrics, match):
    with pytest.raises(ValueError, match=match):
        plot_history(history, metrics=metrics)


# --- plot_curves --------------------------------------------------------------------------------


def test_plot_curves_draws_each_named_curve_on_one_axis():
    curves = {"Training": [0.9, 0.95, 0.99], "Test": [0.92, 0.96, 0.97]}
    fig = plot_curves(curves, title="Training vs test", ylabel="Accuracy")

    assert len(fig.axes) == 1
    ax = fig.axes[0]
    lines = _lines_by_label(ax)
    assert list(lines) == ["Training", "Test"]
    for name, values in curves.items():
        np.testing.assert_allclose(lines[name].get_ydata(), values)
        np.testing.assert_array_equal(lines[name].get_xdata(), [1, 2, 3])
    assert ax.get_title() == "Training vs test"
    assert ax.get_ylabel() == "Accuracy"
    assert ax.get_xlabel() == "Epoch"
    legend_texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend_texts == ["Training", "Test"]


def test_plot_curves_accepts_arrays_of_different_lengths_and_custom_xlabel():
    fig = plot_curves({"a": np.array([1.0, 2.0]), "b": (3.0, 4.0, 5.0)}, title="t", ylabel="y", xlabel="Step")

    ax = fig.axes[0]
    assert [len(line.get_xdata()) for line in ax.get_lines()] == [2, 3]
    assert ax.get_xlabel() == "Step"


@pytest.mark.parametrize(
    ("curves", "match"),
    [
        ({}, "curves is empty"),
        ([0.1, 0.2], "dict of name -> values"),
        ({"Test": []}, "'Test' is empty"),
        ({"Test": [[0.1], [0.2]]}, "one-dimensional"),
    ],
)
def test_plot_curves_bad_inputs(curves, match):
    with pytest.raises(ValueError, match=match):
        plot_curves(curves, title="t", ylabel="y")


# --- confusion_matrix ---------------------------------------------------------------------------


def test_confusion_matrix_small_known_example():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]

    matrix = confusion_matrix(y_true, y_pred, num_classes=3)

    expected = np.array([[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    np.testing.assert_array_equal(matrix, expected)
    assert matrix.dtype == np.int64
    assert matrix.shape == (3, 3)


def test_confusion_matrix_absent_classes_are_zero_rows_and_columns():
    matrix = confusion_matrix(np.array([3, 3, 7], dtype=np.uint8), np.array([3, 7, 7]))

    assert matrix.shape == (10, 10)
    assert matrix[3, 3] == 1
    assert matrix[3, 7] == 1
    assert matrix[7, 7] == 1
    assert matrix.sum() == 3
    assert not matrix[[0, 1, 2, 4, 5, 6, 8, 9]].any()
    assert not matrix[:, [0, 1, 2, 4, 5, 6, 8, 9]].any()


def test_confusion_matrix_uint8_labels_do_not_overflow():
    # 29 * 30 + 29 does not fit in uint8: the index must be computed in int64.
    y = np.array([29, 28, 0], dtype=np.uint8)

    matrix = confusion_matrix(y, y, num_classes=30)

    np.testing.assert_array_equal(np.diag(matrix)[[0, 28, 29]], [1, 1, 1])
    assert matrix.sum() == 3


def test_confusion_matrix_empty_input_gives_zeros():
    matrix = confusion_matrix([], [], num_classes=4)

    np.testing.assert_array_equal(matrix, np.zeros((4, 4)))


@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda k: st.tuples(
            st.just(k),
            st.lists(st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), max_size=60),
        )
    )
)
def test_confusion_matrix_margins_match_label_counts(case):
    num_classes, pairs = case
    y_true = np.array([t for t, _ in pairs], dtype=np.int64)
    y_pred = np.array([p for _, p in pairs], dtype=np.int64)

    matrix = confusion_matrix(y_true, y_pred, num_classes=num_classes)

    assert matrix.sum() == len(pairs)
    np.testing.assert_array_equal(matrix.sum(axis=1), np.bincount(y_true, minlength=num_classes))
    np.testing.assert_array_equal(matrix.sum(axis=0), np.bincount(y_pred, minlength=num_classes))
    assert np.trace(matrix) == np.sum(y_true == y_pred)


@pytest.mark.parametrize(
    ("y_true", "y_pred", "kwargs", "match"),
    [
        ([0, 1, 2], [0, 1], {}, "y_true has 3 labels but y_pred has 2"),
        ([0, 10], [0, 1], {}, r"y_true has labels from 0 to 10, expected 0\.\.9"),
        ([0, 1], [-1, 1], {}, "y_pred has labels from -1"),
        ([0, 3], [0, 1], {"num_classes": 3}, r"expected 0\.\.2"),
        (np.eye(3), [0, 1, 2], {}, r"shape \(3, 3\).*argmax\(axis=1\)"),
        ([0.0, 1.5], [0, 1], {}, "integer class labels"),
        ([0, 1], [0, 1], {"num_classes": 0}, "at least 1"),
        ([0, 1], [0, 1], {"num_classes": 2.5}, "num_classes must be an integer"),
    ],
)
def test_confusion_matrix_bad_inputs(y_true, y_pred, kwargs, match):
    with pytest.raises(ValueError, match=match):
        confusion_matrix(y_true, y_pred, **kwargs)


# --- plot_confusion_matrix ----------------------------------------------------------------------


def test_plot_confusion_matrix_shows_counts_and_labelled_axes():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]

    fig = plot_confusion_matrix(y_true, y_pred, num_classes=3)

    ax = fig.axes[0]
    np.testing.assert_array_equal(
        ax.get_images()[0].get_array(), confusion_matrix(y_true, y_pred, num_classes=3)
    )
    cells = {(round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts}
    assert len(cells) == 9
    assert cells[(0, 0)] == "1"
    assert cells[(2, 2)] == "2"
    assert cells[(1, 2)] == "0"
    assert ax.get_xlabel() == "Predicted label"
    assert ax.get_ylabel() == "True label"
    assert list(ax.get_xticks()) == [0, 1, 2]
    assert "Confusion matrix" in ax.get_title()


def test_plot_confusion_matrix_default_is_ten_classes():
    fig = plot_confusion_matrix([1, 2], [1, 2])

    assert len(fig.axes[0].texts) == 100


def test_plot_confusion_matrix_rejects_bad_labels():
    with pytest.raises(ValueError, match="expected 0..9"):
        plot_confusion_matrix([0, 12], [0, 1])


# --- plot_probabilities -------------------------------------------------------------------------


def _probs(predicted=7, num_classes=10):
    probs = np.full(num_classes, 0.02)
    probs[predicted] = 1 - 0.02 * (num_classes - 1)
    return probs


def test_plot_probabilities_bars_match_values_and_predicted_is_highlighted():
    probs = _probs(7)

    fig = plot_probabilities(probs)

    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 10
    np.testing.assert_allclose([bar.get_height() for bar in bars], probs)
    colors = [bar.get_facecolor() for bar in bars]
    assert len({colors[k] for k in range(10) if k != 7}) == 1
    assert colors[7] != colors[0]
    assert "7" in ax.get_title()
    assert ax.get_ylabel() == "Probability"
    assert ax.get_xlabel()
    assert list(ax.get_xticks()) == list(range(10))


def test_plot_probabilities_marks_the_true_label():
    fig = plot_probabilities(_probs(7), true_label=1)

    ax = fig.axes[0]
    edge_widths = [bar.get_linewidth() for bar in ax.patches]
    assert edge_widths[1] > max(w for k, w in enumerate(edge_widths) if k != 1)
    assert ax.patches[1].get_edgecolor() != to_rgba("none")
    legend_texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend_texts == ["predicted: 7", "true: 1"]
    assert "true 1" in ax.get_title()


def test_plot_probabilities_accepts_a_batch_of_one_float32_and_custom_title():
    probs = _probs(3).astype(np.float32)[np.newaxis]

    fig = plot_probabilities(probs, title="My digit")

    assert fig.axes[0].get_title() == "My digit"
    assert len(fig.axes[0].patches) == 10


def test_plot_probabilities_draws_on_a_given_axis():
    fig, axes = plt.subplots(1, 2)

    returned = plot_probabilities(_probs(2), ax=axes[1])

    assert returned is fig
    assert len(axes[1].patches) == 10
    assert len(axes[0].patches) == 0


@pytest.mark.parametrize(
    ("probabilities", "kwargs", "match"),
    [
        (np.full((2, 10), 0.1), {}, r"shape \(C,\) or \(1, C\).*\(2, 10\)"),
        ([1.0], {}, "C >= 2"),
        (np.r_[1.5, -0.5, np.zeros(8)], {}, r"in \[0, 1\].*logits"),
        (np.r_[np.nan, np.full(9, 0.1)], {}, r"in \[0, 1\]"),
        (np.full(10, 0.5), {}, "sum to 1, they sum to 5.0000"),
        (_probs(), {"true_label": 10}, r"true_label must be in 0\.\.9"),
        (_probs(), {"true_label": 2.0}, "true_label must be an integer"),
        (np.array(["a", "b"]), {}, "real numbers"),
    ],
)
def test_plot_probabilities_bad_inputs(probabilities, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_probabilities(probabilities, **kwargs)
