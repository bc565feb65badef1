"""Draw the course's sample pictures of handwritten-looking digits (run: python images/make_images.py).

Every picture is drawn from scratch with Pillow's ImageDraw: each digit is a few strokes (lines and
elliptic arcs, as a hand would draw them with a mouse), jittered, slanted and drawn thick with round
ends, somewhere off-centre on a canvas that is not square. Nothing here comes from MNIST. A fixed seed
makes the output the same on every run. The true label is in each file name: ``digit_<label>_*.png``
for one digit, ``strip_<labels>*.png`` for several digits in a row.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from scipy import ndimage

HERE = Path(__file__).parent
Stroke = list[tuple[float, float]]


def arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float) -> Stroke:
    """Points of an elliptic arc (angles in degrees, y pointing down: 90 is the bottom)."""
    steps = max(8, int(abs(end - start) / 10))
    angles = np.radians(np.linspace(start, end, steps))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


# Each digit: strokes in a unit box (x to the right, y down, both 0-1), written as a person would.
DIGITS: dict[int, list[Stroke]] = {
    0: [arc(0.5, 0.5, 0.45, 0.5, -100, 275)],
    1: [[(0.2, 0.22), (0.6, 0.0), (0.6, 1.0)]],
    2: [arc(0.5, 0.3, 0.42, 0.3, -170, 30) + [(0.05, 1.0), (0.95, 0.98)]],
    3: [arc(0.45, 0.26, 0.42, 0.25, -160, 90) + arc(0.45, 0.74, 0.5, 0.26, -90, 150)],
    4: [[(0.6, 0.0), (0.05, 0.66), (0.95, 0.66)], [(0.68, 0.28), (0.68, 1.0)]],
    5: [
        [(0.9, 0.0), (0.22, 0.02)],
        [(0.22, 0.02), (0.15, 0.46)] + arc(0.48, 0.69, 0.42, 0.3, -140, 150),
    ],
    6: [[(0.8, 0.0), (0.45, 0.2), (0.2, 0.5)] + arc(0.5, 0.72, 0.36, 0.28, 180, 545)],
    7: [[(0.05, 0.02), (0.95, 0.0), (0.35, 1.0)]],
    8: [arc(0.5, 0.25, 0.34, 0.25, 90, 450) + arc(0.5, 0.73, 0.44, 0.27, -90, 270)],
    9: [arc(0.5, 0.28, 0.4, 0.28, 10, 375), [(0.9, 0.3), (0.85, 0.65), (0.75, 1.0)]],
}


def digit_strokes(
    digit: int, rng: np.random.Generator, left: float, top: float, height: float
) -> list[Stroke]:
    """The strokes of ``digit`` in canvas pixels: jittered, slanted, ``height`` tall at (left, top)."""
    width = height * (0.35 if digit == 1 else rng.uniform(0.55, 0.75))
    slant = rng.uniform(-0.25, 0.05)  # most people lean to the right
    strokes = []
    for stroke in DIGITS[digit]:
        # Smooth wobble along the stroke (a hand, not a ruler), plus a small shift of the whole stroke.
        wobble = ndimage.gaussian_filter1d(rng.normal(0, 0.06, (len(stroke), 2)), 2.0, axis=0)
        jitter = wobble + rng.normal(0, 0.015, size=2)
        points = []
        for (x, y), (dx, dy) in zip(stroke, jitter, strict=True):
            x, y = x + dx, y + dy
            points.append((left + (x + slant * (y - 1)) * width, top + y * height))
        strokes.append(points)
    return strokes


def draw_strokes(draw: ImageDraw.ImageDraw, strokes: list[Stroke], width: int, fill) -> None:
    """Thick lines with round joints and round ends, like a paint program's brush."""
    for points in strokes:
        draw.line(points, fill=fill, width=width, joint="curve")
        for x, y in (points[0], points[-1]):
            r = width / 2
            draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def single(
    digit: int,
    size: tuple[int, int],
    rng: np.random.Generator,
    *,
    ink=(0, 0, 0),
    paper=(255, 255, 255),
    mode: str = "RGB",
) -> Image.Image:
    """One digit somewhere off-centre on a ``size`` (width, height) canvas."""
    canvas_w, canvas_h = size
    height = canvas_h * rng.uniform(0.5, 0.7)
    left = rng.uniform(0.12, 0.55) * (canvas_w - 0.7 * height)
    top = rng.uniform(0.1, 0.9) * (canvas_h - height)
    img = Image.new(mode, size, paper)
    strokes = digit_strokes(digit, rng, left + 0.1 * height, top, height)
    draw_strokes(ImageDraw.Draw(img), strokes, int(height * rng.uniform(0.1, 0.14)), ink)
    return img


def strip(
    digits: str, gaps: list[int], height: int, rng: np.random.Generator, *, touch_right: bool = False
) -> Image.Image:
    """Several digits in a row, dark on light, with the given gaps (in pixels) between them."""
    digit_h = height * 0.7
    widths = [digit_h * (0.45 if d == "1" else 0.8) for d in digits]
    total = 20 + sum(widths) + sum(gaps) + (0 if touch_right else 20)
    img = Image.new("L", (int(total), height), 250)
    draw = ImageDraw.Draw(img)
    x = 20.0
    for i, d in enumerate(digits):
        top = height * 0.15 + rng.uniform(-0.08, 0.08) * height
        strokes = digit_strokes(int(d), rng, x, top, digit_h * 0.95)
        pen = int(digit_h * 0.11)
        if touch_right and i == len(digits) - 1:
            # Shift the last digit so that its rightmost stroke runs into the edge.
            right = max(px for s in strokes for px, _ in s) + pen / 2
            strokes = [[(px + img.width + 2 - right, py) for px, py in s] for s in strokes]
        draw_strokes(draw, strokes, pen, 20)
        x += widths[i] + (gaps[i] if i < len(gaps) else 0)
    return img


def paper_photo(digit: int, rng: np.random.Generator) -> Image.Image:
    """A digit on grey paper, as a phone photo: uneven light, soft ink, sensor noise, JPEG."""
    size = (180, 150)
    ink = single(digit, size, rng, ink=0, paper=255, mode="L").filter(ImageFilter.GaussianBlur(1.2))
    yy, xx = np.mgrid[0 : size[1], 0 : size[0]]
    light = 150 + 45 * xx / size[0] + 20 * yy / size[1]  # brighter towards the lower right
    pen = 55.0
    pixels = pen + (light - pen) * (np.asarray(ink, dtype=np.float64) / 255)
    pixels += rng.normal(0, 7, size=pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def main() -> None:
    rng = np.random.default_rng(2024)
    for old in HERE.glob("digit_*"):
        old.unlink()
    for old in HERE.glob("strip_*"):
        old.unlink()

    black, white = (0, 0, 0), (255, 255, 255)
    singles = {
        "digit_0_mouse.png": single(0, (160, 120), rng),
        "digit_1_chalk.png": single(1, (110, 150), rng, ink=(235, 235, 225), paper=(30, 60, 40)),
        "digit_2_blue_pen.png": single(2, (200, 140), rng, ink=(20, 40, 160)),
        "digit_3_night.png": single(3, (150, 190), rng, ink=(255, 220, 60), paper=(10, 10, 40)),
        "digit_4_mouse.png": single(4, (220, 160), rng),
        "digit_5_red_pen.png": single(5, (140, 180), rng, ink=(190, 20, 30)),
        "digit_6_mouse.png": single(6, (130, 170), rng),
        "digit_8_light_on_dark.png": single(8, (150, 130), rng, ink=white, paper=black),
    }
    # Drawn on a transparent canvas: the "paper" is invisible, the strokes carry all the information.
    singles["digit_7_transparent.png"] = single(
        7, (170, 130), rng, ink=(0, 0, 0, 255), paper=(0, 0, 0, 0), mode="RGBA"
    )
    # A palette PNG whose background colour is marked transparent, as some paint programs save them.
    singles["digit_9_palette.png"] = single(9, (190, 150), rng, ink=(40, 40, 40)).quantize(4)
    singles["digit_9_palette.png"].info["transparency"] = singles["digit_9_palette.png"].getpixel((0, 0))
    for name, img in singles.items():
        img.save(HERE / name, optimize=True)
    paper_photo(3, rng).save(HERE / "digit_3_paper_photo.jpg", quality=80)

    strip("3141", [40, 12, 25], 120, rng).save(HERE / "strip_3141.png", optimize=True)
    strip("2025", [6, 30, 15], 100, rng, touch_right=True).save(
        HERE / "strip_2025_edge.png", optimize=True
    )
    strip("90817265", [10, 5, 14, 8, 22, 4, 12], 90, rng).save(
        HERE / "strip_90817265.png", optimize=True
    )


if __name__ == "__main__":
    main()
