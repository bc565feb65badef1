"""Check cells for the exercises: they run a student's answer and say "correct" or what is wrong.

Each exercise whose answer is a value, an array or a function is followed by a check cell (not tagged
``solution``, so it stays in the student edition)::

    check("my_gallery", globals(), expected, args=(tiny_images, 2))

Before the student has answered, the name is not defined and the cell prints "not answered yet". The
check never raises: a wrong answer, or an error inside the student's function, is printed, not thrown,
so that "Run all" always reaches the end of the notebook.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

Hint = Callable[[Any, Any], str | None]


def check(
    name: str,
    namespace: Mapping[str, Any],
    expected: Any,
    *,
    args: tuple = (),
    hints: tuple[Hint, ...] = (),
    atol: float = 1e-6,
) -> bool:
    """Print whether ``namespace[name]`` (called with ``args`` if given) equals ``expected``.

    Args:
        name: the variable or function the exercise asks for, e.g. ``"my_gallery"``.
        namespace: where to look for it: ``globals()`` in a notebook.
        expected: the right answer: a number, a string, a tuple or an array (compared with
            ``np.allclose`` at ``atol``, after checking the shape).
        args: when not empty, ``namespace[name]`` is a function and is called as ``answer(*args)``.
        hints: functions ``hint(answer, expected) -> str | None`` that recognise a typical mistake and
            explain it ("did you swap rows and columns?"). The first that returns a text is shown.
        atol: the tolerance for numbers and arrays.

    Returns:
        True when the answer is right; False when it is missing or wrong (nothing is raised).
    """
    if name not in namespace:
        print(f"Exercise not answered yet: define `{name}` in the cell above, then run this cell again.")
        return False
    answer = namespace[name]
    if args:
        try:
            answer = answer(*args)
        except Exception as error:  # a student's bug must not stop "Run all"
            print(f"Not yet: calling `{name}` raised {type(error).__name__}: {error}")
            return False
    problem = _difference(answer, expected, atol)
    if problem is None:
        print(f"Correct: `{name}` is right.")
        return True
    hint = next((text for text in (h(answer, expected) for h in hints) if text), None)
    print(f"Not yet: {problem}" + (f" Hint: {hint}" if hint else ""))
    return False


def _difference(answer: Any, expected: Any, atol: float) -> str | None:
    """What differs between ``answer`` and ``expected``, or None when they agree."""
    if isinstance(expected, str) or expected is None:
        return None if answer == expected else f"got {answer!r}, expected {expected!r}."
    try:
        got, want = np.asarray(answer, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return f"got {answer!r} ({type(answer).__name__}), expected {expected!r}."
    if got.shape != want.shape:
        return f"your answer has shape {got.shape}, expected {want.shape}."
    if np.allclose(got, want, atol=atol, equal_nan=True):
        return None
    if want.ndim == 0:
        return f"got {got.item():g}, expected {want.item():g}."
    wrong = ~np.isclose(got, want, atol=atol, equal_nan=True)
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    return (
        f"{int(wrong.sum())} of {want.size} values differ; the first at index {first}: "
        f"got {got[first]:g}, expected {want[first]:g}."
    )
