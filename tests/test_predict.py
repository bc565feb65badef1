"""Tests for helpers.predict against Keras and NumPy: reshaping, softmax, verdicts, threshold."""

import keras
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.predict import choose_threshold, load_or_train, predict_digits, verdict


def _model(input_shape, activation):
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.Input(input_shape), keras.layers.Flatten(), keras.layers.Dense(10, activation=activation)]
    )


DIGITS = np.random.default_rng(0).random((5, 28, 28)).astype(np.float32)


@pytest.mark.parametrize("input_shape", [(784,), (28, 28, 1), (28, 28)])
def test_predict_digits_equals_keras_for_dense_and_cnn_inputs(input_shape):
    model = _model(input_shape, "softmax")
    got = predict_digits(model, DIGITS)
    want = model.predict(DIGITS.reshape(5, *input_shape), verbose=0)
    assert got.dtype == np.float32 and got.shape == (5, 10)
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_logits_get_a_softmax_equal_to_keras():
    model = _model((784,), None)
    got = predict_digits(model, DIGITS)
    logits = model.predict(DIGITS.reshape(5, 784), verbose=0)
    np.testing.assert_allclose(got, keras.ops.convert_to_numpy(keras.ops.softmax(logits)), rtol=1e-5)


def test_a_single_digit_is_a_batch_of_one():
    model = _model((784,), "softmax")
    np.testing.assert_allclose(predict_digits(model, DIGITS[0]), predict_digits(model, DIGITS[:1]))


@pytest.mark.parametrize("shape", [(5, 784), (5, 28, 28, 1), (28,), (5, 27, 28)])
def test_other_shapes_are_refused(shape):
    with pytest.raises(ValueError, match="to_mnist"):
        predict_digits(_model((784,), "softmax"), np.zeros(shape))


@pytest.mark.parametrize(
    ("probabilities", "threshold", "text"),
    [
        ([0.03, 0.97] + [0] * 8, 0.0, "1 (97%)"),
        ([0.03, 0.97] + [0] * 8, 0.97, "1 (97%)"),
        ([[0.59, 0.41] + [0] * 8], 0.6, "not sure (best guess 0, 59%)"),
    ],
)
def test_verdict(probabilities, threshold, text):
    assert verdict(np.array(probabilities), threshold) == text


def test_verdict_always_answers_by_default():
    assert verdict(np.full(10, 0.1)) == "0 (10%)"


def _threshold_by_brute_force(probabilities, labels, target):
    """The smallest confidence t such that the digits with confidence >= t are at least target right."""
    confidence, right = probabilities.max(1), probabilities.argmax(1) == labels
    good = [t for t in np.unique(confidence) if right[confidence >= t].mean() >= target]
    return float(min(good)) if good else 1.0


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(1, 40),
    target=st.sampled_from([0.5, 0.8, 0.9, 0.99, 1.0]),
    decimals=st.integers(1, 3),
)
def test_choose_threshold_equals_brute_force(seed, n, target, decimals):
    rng = np.random.default_rng(seed)
    probabilities = np.round(rng.dirichlet(np.ones(10) * 0.3, n), decimals)  # rounding makes ties
    labels = rng.integers(0, 10, n)
    assert choose_threshold(probabilities, labels, target) == _threshold_by_brute_force(
        probabilities, labels, target
    )


def test_choose_threshold_aims_at_99_percent_by_default():
    probabilities = np.eye(10)[np.arange(200) % 10] * 0.5 + 0.05
    probabilities[0] = np.eye(10)[3] * 0.4 + 0.6 / 10  # one wrong answer, the least confident
    labels = np.arange(200) % 10
    assert choose_threshold(probabilities, labels) == _threshold_by_brute_force(probabilities, labels, 0.99)
    assert choose_threshold(probabilities, labels) == probabilities[0].max()


def test_load_or_train_trains_a_stand_in_then_reuses_the_saved_model(tmp_path, capsys):
    path = tmp_path / "model.keras"
    images = np.random.default_rng(0).random((64, 28, 28), dtype=np.float32)
    labels = np.arange(64) % 10
    layers = [keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")]
    model = load_or_train(path, layers, images, labels, epochs=1)
    assert "training a quick stand-in" in capsys.readouterr().out
    assert model.input_shape == (None, 28, 28, 1) and predict_digits(model, images[:3]).shape == (3, 10)
    model.save(path)
    reused = load_or_train(path, [], images, labels)
    assert "Reusing model.keras" in capsys.readouterr().out
    np.testing.assert_allclose(
        predict_digits(reused, images[:3]), predict_digits(model, images[:3]), atol=1e-6
    )
