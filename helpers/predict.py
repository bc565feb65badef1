"""Reading MNIST-style digits with a trained model, and saying "not sure" when the model is unsure.

Used by notebook 07 ("Try your own"), notebook 08 (where the threshold is chosen) and the drawing
canvas (``helpers.canvas``).
"""

from __future__ import annotations

import numpy as np


def predict_digits(model, digits: np.ndarray) -> np.ndarray:
    """Class probabilities (N, 10) float32 for MNIST-style digits (N, 28, 28) float32 in [0, 1].

    The digits are reshaped to what the model expects (``model.input_shape``): (N, 784) for a Dense
    network, (N, 28, 28, 1) for a CNN. A model that outputs logits (rows that are not probabilities)
    gets a softmax, so the result is always probabilities.

    Raises:
        ValueError: ``digits`` is not (N, 28, 28) or a single (28, 28) digit.
    """
    digits = np.asarray(digits, dtype=np.float32)
    if digits.shape == (28, 28):
        digits = digits[np.newaxis]
    if digits.ndim != 3 or digits.shape[1:] != (28, 28):
        raise ValueError(
            f"digits must have shape (N, 28, 28) or (28, 28), got {digits.shape}: "
            "prepare pictures with helpers.preprocess.to_mnist first."
        )
    inputs = digits.reshape(len(digits), *model.input_shape[1:])
    # Call the model directly, in chunks: model.predict would retrace (and warn) for every new N.
    outputs = np.concatenate(
        [np.asarray(model(inputs[i : i + 1000], training=False)) for i in range(0, len(inputs), 1000)]
    )
    is_probability = outputs.min() >= 0 and np.allclose(outputs.sum(axis=1), 1, atol=1e-3)
    if not is_probability:
        outputs = np.exp(outputs - outputs.max(axis=1, keepdims=True))
        outputs /= outputs.sum(axis=1, keepdims=True)
    return outputs.astype(np.float32)


def verdict(probabilities: np.ndarray, threshold: float = 0.0) -> str:
    """The answer for one digit in words: "7 (97%)", or "not sure (best guess 7, 41%)".

    Args:
        probabilities: (10,) probabilities of one digit, e.g. a row of ``predict_digits``.
        threshold: below this top probability the model abstains (0 = always answer). Notebook 08
            chooses it on validation data.
    """
    probabilities = np.asarray(probabilities).reshape(-1)
    best = int(np.argmax(probabilities))
    confidence = float(probabilities[best])
    if confidence < threshold:
        return f"not sure (best guess {best}, {confidence:.0%})"
    return f"{best} ({confidence:.0%})"


def choose_threshold(probabilities: np.ndarray, labels: np.ndarray, target_accuracy: float = 0.99) -> float:
    """The lowest top-probability threshold at which the answered digits are ``target_accuracy`` right.

    Choose it on validation data, then use it with ``verdict``. Digits whose top probability is below
    the threshold get "not sure"; the others are answered, and among them at least ``target_accuracy``
    were right on the data given here. Returns 1.0 when no threshold reaches the target.

    Args:
        probabilities: (N, 10) probabilities, e.g. from ``predict_digits``.
        labels: (N,) true labels.
        target_accuracy: the accuracy wanted on the answered digits, e.g. 0.99.
    """
    confidence = probabilities.max(axis=1)
    right = probabilities.argmax(axis=1) == np.asarray(labels)
    order = np.argsort(-confidence, kind="stable")
    # Accuracy of the k most confident answers, for k = 1..N: answer everything down to some threshold.
    sorted_confidence = confidence[order]
    accuracy = np.cumsum(right[order]) / np.arange(1, len(order) + 1)
    # Only cut between different confidences: equal ones are all answered or all "not sure".
    cut_here = np.append(sorted_confidence[1:] < sorted_confidence[:-1], True)
    good = np.flatnonzero((accuracy >= target_accuracy) & cut_here)
    return float(sorted_confidence[good[-1]]) if good.size else 1.0


def load_or_train(path, layers, images, labels, *, epochs: int = 2):
    """The Keras model saved at ``path``, or a quick stand-in with ``layers`` when there is no such file.

    Notebooks reuse the models that earlier notebooks saved, and train a quick stand-in when a notebook
    is opened on its own. It says which one it uses, so that a weaker stand-in never goes unnoticed.

    Args:
        path: a ``.keras`` file (a ``pathlib.Path``).
        layers: the stand-in's layers, after its ``keras.Input((28, 28, 1))``.
        images, labels: (N, 28, 28) training digits in [0, 1] and their (N,) labels.
        epochs: how long the stand-in trains (RMSprop, batches of 128, seed 42).
    """
    import keras

    if path.exists():
        print(f"Reusing {path.name}, saved in {path.parent}")
        return keras.models.load_model(path)
    print(f"No {path.name} in {path.parent}: training a quick stand-in, weaker than a saved model")
    keras.utils.set_random_seed(42)
    model = keras.Sequential([keras.Input((28, 28, 1)), *layers])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(np.asarray(images)[..., np.newaxis], labels, epochs=epochs, batch_size=128, verbose=2)
    return model
