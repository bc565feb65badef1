"""Draw a digit in the notebook and watch a model read it: ``DigitCanvas``.

The drawing happens in the browser (``canvas.js``, an anywidget module). After each stroke the page
sends the drawing to Python as PNG bytes; Python prepares it with ``helpers.preprocess.to_mnist``
(or ``split_digits`` in row mode), reads it with ``helpers.predict`` and sends back the 28×28 that the
model saw, the 10 probabilities and the answer in words. Used in notebook 07, "Try your own".

Needs a widget front end: JupyterLab 4, Notebook 7 and VS Code have one; Colab needs
``google.colab.output.enable_custom_widget_manager()`` first. Elsewhere (nbconvert, nbval) the cell
still runs and prints how to draw instead.
"""

from __future__ import annotations

import io
from pathlib import Path

import anywidget
import numpy as np
import traitlets
from ipywidgets.widgets.trait_types import bytes_serialization
from PIL import Image

from helpers.predict import predict_digits, verdict
from helpers.preprocess import split_digits, to_mnist

CANVAS_SIZE = 280
"""Side of the drawing area in CSS pixels (10× MNIST's 28), and its height in row mode."""
ROW_WIDTH = 700
"""Width of the drawing area in row mode: room for 3-5 digits, and it fits a notebook's output area."""
PEN_WIDTH = 22
"""Pen width in CSS pixels: a digit drawn 200 px tall gets MNIST's 2-3 px strokes after scaling."""

HOW_TO_DRAW = """\
DigitCanvas: draw a digit with the mouse (or a finger) and the model reads it after each stroke.
This output has no widget front end, so there is nothing to draw on here. To draw:
- JupyterLab 4 or Notebook 7: pip install -r requirements.txt (it has anywidget), then run this cell.
- VS Code: open the notebook with the Jupyter extension and run this cell.
- Colab: run the setup cell at the top first (it calls
  google.colab.output.enable_custom_widget_manager()), then this cell.
Without drawing, save a picture of your digit and use helpers.preprocess.to_mnist on it."""


def png_bytes(image: np.ndarray, scale: int = 1) -> bytes:
    """PNG of a grey (H, W) float array in [0, 1] (white = 1), each pixel made ``scale``×``scale``."""
    pixels = np.clip(np.asarray(image, dtype=np.float32) * 255 + 0.5, 0, 255).astype(np.uint8)
    picture = Image.fromarray(pixels)
    if scale > 1:
        picture = picture.resize((picture.width * scale, picture.height * scale), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


class DigitCanvas(anywidget.AnyWidget):
    """A canvas to draw on, with the model's reading of the drawing shown beside it.

    Args:
        model: a Keras model trained on MNIST (anything with ``predict`` and ``input_shape``).
        threshold: below this top probability the answer is "not sure (best guess 7, 41%)"
            (see ``helpers.predict.verdict``; 0 = always answer).
        row: a wide canvas for a whole number, read digit by digit with ``split_digits``.
        ink: "white" (white on black, as MNIST) or "black" (black on white, as on paper).

    Synced with the page: ``image`` (the drawing as PNG bytes, set by the page; set it yourself to
    test), and back to the page ``preview`` (PNG of the 28×28 digits, side by side), ``probabilities``
    (10 floats; empty in row mode or without a digit) and ``text`` (the answer, or what went wrong).
    """

    _esm = Path(__file__).with_name("canvas.js")

    # The page sends binary data as a memoryview; bytes_serialization turns it into bytes.
    image = traitlets.Bytes(b"").tag(sync=True, **bytes_serialization)
    preview = traitlets.Bytes(b"").tag(sync=True)
    probabilities = traitlets.List(traitlets.Float()).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    width = traitlets.Int(CANVAS_SIZE).tag(sync=True)
    height = traitlets.Int(CANVAS_SIZE).tag(sync=True)
    pen_width = traitlets.Int(PEN_WIDTH).tag(sync=True)
    ink = traitlets.Unicode("white").tag(sync=True)

    def __init__(self, model, *, threshold: float = 0.0, row: bool = False, ink: str = "white") -> None:
        if ink not in ("white", "black"):
            raise ValueError(f'ink must be "white" (on black) or "black" (on white), got {ink!r}.')
        width = ROW_WIDTH if row else CANVAS_SIZE
        super().__init__(width=width, ink=ink, text=self._prompt(row))
        self.model, self.threshold, self.row = model, threshold, row

    @staticmethod
    def _prompt(row: bool) -> str:
        return "Draw a number, digits side by side" if row else "Draw a digit"

    @traitlets.observe("image")
    def _read_drawing(self, change: dict) -> None:
        """Prepare and read the new drawing; show a ValueError's message, never a traceback."""
        self.probabilities = []
        if not change["new"]:  # the page was cleared
            self.preview, self.text = b"", self._prompt(self.row)
            return
        drawing = Image.open(io.BytesIO(change["new"]))
        try:
            digits = split_digits(drawing) if self.row else [to_mnist(drawing)]
        except ValueError as err:
            self.preview, self.text = b"", str(err)
            return
        probabilities = predict_digits(self.model, np.stack(digits))
        self.preview = png_bytes(np.hstack(digits), scale=4)
        if self.row:
            answers = [verdict(p, self.threshold) for p in probabilities]
            number = "".join("?" if a.startswith("not sure") else a.split()[0] for a in answers)
            self.text = f"{number}   ({', '.join(answers)})"
        else:
            self.probabilities = [round(float(p), 4) for p in probabilities[0]]
            self.text = verdict(probabilities[0], self.threshold)

    def __repr__(self) -> str:
        """The text shown where there is no widget front end (nbconvert, nbval, a terminal)."""
        return HOW_TO_DRAW
