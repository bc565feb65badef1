"""Tests for helpers.canvas: the drawing widget's Python side, without a browser.

The page's part (drawing, sending PNG bytes) is replaced by strokes rendered with Pillow and set as the
widget's ``image``; tests/test_browser.py drives the real page.
"""

import io

import numpy as np
import pytest
from PIL import Image, ImageDraw
from scipy import ndimage

from helpers.canvas import HOW_TO_DRAW, PEN_WIDTH, DigitCanvas, png_bytes
from helpers.predict import verdict
from helpers.preprocess import split_digits, to_mnist


class FakeModel:
    """Stands in for a Keras model: answers with the given probability rows, records what it saw."""

    def __init__(self, *rows, input_shape=(None, 784)):
        self.rows = np.array(rows, dtype=np.float32)
        self.input_shape = input_shape
        self.seen = []

    def __call__(self, x, training=False):
        self.seen.append(np.array(x))
        return self.rows[: len(x)]


def probabilities(best: int, confidence: float) -> list[float]:
    """10 probabilities summing to 1 with ``confidence`` on ``best``."""
    row = np.full(10, (1 - confidence) / 9)
    row[best] = confidence
    return row.tolist()


def drawing(strokes, size=(280, 280), ink="white") -> bytes:
    """PNG bytes of polylines drawn as the page draws them: round pen, PEN_WIDTH wide."""
    paper, pen = ("black", "white") if ink == "white" else ("white", "black")
    picture = Image.new("RGB", size, paper)
    draw = ImageDraw.Draw(picture)
    for points in strokes:
        draw.line(points, fill=pen, width=PEN_WIDTH, joint="curve")
        for x, y in (points[0], points[-1]):  # round ends, like lineCap = "round"
            radius = PEN_WIDTH / 2
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=pen)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


SEVEN = [[(70, 60), (210, 60), (120, 230)]]
ONE = [[(140, 50), (140, 230)]]


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)), dtype=np.float32) / 255


def test_a_stroke_gives_the_mnist_digit_the_probabilities_and_the_answer():
    model = FakeModel(probabilities(7, 0.97))
    canvas = DigitCanvas(model)
    png = drawing(SEVEN)
    canvas.image = png

    expected = to_mnist(Image.open(io.BytesIO(png)))
    # The model saw exactly to_mnist's 28x28, reshaped to its input shape.
    assert len(model.seen) == 1
    np.testing.assert_allclose(model.seen[0], expected.reshape(1, 784))
    # It is MNIST-like: white on black, a 20-pixel box, centre of mass near the middle.
    rows, cols = np.nonzero(expected)
    assert max(np.ptp(rows), np.ptp(cols)) + 1 == 20
    assert np.all(np.abs(np.array(ndimage.center_of_mass(expected)) - 13.75) < 1.0)
    # The page gets that digit back, each pixel shown as 4x4.
    preview = decode(canvas.preview)
    assert preview.shape == (112, 112)
    np.testing.assert_allclose(preview[::4, ::4], expected, atol=1 / 255)
    np.testing.assert_allclose(canvas.probabilities, probabilities(7, 0.97), atol=1e-4)
    assert canvas.text == verdict(probabilities(7, 0.97)) == "7 (97%)"


def test_a_cnn_gets_28_by_28_by_1():
    model = FakeModel(probabilities(1, 0.9), input_shape=(None, 28, 28, 1))
    canvas = DigitCanvas(model)
    canvas.image = drawing(ONE)
    assert model.seen[0].shape == (1, 28, 28, 1)
    assert canvas.text == verdict(probabilities(1, 0.9))


def test_below_the_threshold_it_says_not_sure():
    canvas = DigitCanvas(FakeModel(probabilities(7, 0.41)), threshold=0.8)
    canvas.image = drawing(SEVEN)
    assert canvas.text == verdict(probabilities(7, 0.41), 0.8) == "not sure (best guess 7, 41%)"
    assert len(canvas.probabilities) == 10  # the bars are still shown


def test_a_blank_drawing_shows_the_message_not_a_traceback():
    model = FakeModel(probabilities(0, 1.0))
    canvas = DigitCanvas(model)
    blank = drawing([])
    with pytest.raises(ValueError) as error:
        to_mnist(Image.open(io.BytesIO(blank)))
    canvas.image = blank
    assert canvas.text == str(error.value)
    assert canvas.preview == b""
    assert canvas.probabilities == []
    assert model.seen == []


def test_clear_resets_the_answer():
    canvas = DigitCanvas(FakeModel(probabilities(1, 0.9)))
    canvas.image = drawing(ONE)
    assert canvas.preview
    canvas.image = b""  # what the page's "Clear" button sends
    assert (canvas.text, canvas.preview, canvas.probabilities) == ("Draw a digit", b"", [])


def test_black_ink_on_white_reads_the_same_digit():
    white, black = (
        DigitCanvas(FakeModel(probabilities(7, 0.9))),
        DigitCanvas(FakeModel(probabilities(7, 0.9)), ink="black"),
    )
    white.image = drawing(SEVEN)
    black.image = drawing(SEVEN, ink="black")
    assert black.ink == "black"
    np.testing.assert_allclose(decode(black.preview), decode(white.preview), atol=2 / 255)


def test_an_unknown_ink_is_refused():
    with pytest.raises(ValueError, match="ink"):
        DigitCanvas(FakeModel(probabilities(0, 1.0)), ink="red")


def test_row_mode_reads_a_whole_number():
    model = FakeModel(probabilities(1, 0.99), probabilities(7, 0.41))
    canvas = DigitCanvas(model, row=True, threshold=0.5)
    assert (canvas.width, canvas.height) == (700, 280)
    seventeen = [[(140, 50), (140, 230)], [(400, 60), (540, 60), (450, 230)]]
    png = drawing(seventeen, size=(700, 280))
    canvas.image = png

    expected = split_digits(Image.open(io.BytesIO(png)))
    assert len(expected) == 2
    np.testing.assert_allclose(model.seen[0], np.stack(expected).reshape(2, 784))
    assert decode(canvas.preview).shape == (112, 224)  # the two digits side by side
    assert canvas.text == "1?   (1 (99%), not sure (best guess 7, 41%))"
    assert canvas.probabilities == []  # bars are for one digit only


def test_bytes_from_the_page_arrive_as_bytes():
    """The front end's binary data reaches Python as a memoryview; the widget must accept it."""
    canvas = DigitCanvas(FakeModel(probabilities(1, 0.9)))
    canvas.set_state({"image": memoryview(drawing(ONE))})
    assert isinstance(canvas.image, bytes)
    assert canvas.text == verdict(probabilities(1, 0.9))


def test_without_a_front_end_it_says_how_to_draw():
    canvas = DigitCanvas(FakeModel(probabilities(0, 1.0)))
    data, _ = canvas._repr_mimebundle_()
    assert data["text/plain"] == HOW_TO_DRAW
    for where in ("JupyterLab", "Notebook 7", "VS Code", "enable_custom_widget_manager"):
        assert where in HOW_TO_DRAW
    assert "export default" in str(canvas._esm)  # the JS module ships with the package


def test_png_bytes_round_trips():
    image = np.linspace(0, 1, 28 * 28, dtype=np.float32).reshape(28, 28)
    np.testing.assert_allclose(decode(png_bytes(image)), image, atol=0.5 / 255 + 1e-6)
    assert decode(png_bytes(image, scale=3)).shape == (84, 84)
