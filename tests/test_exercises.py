"""Tests for helpers.exercises.check: what it prints and returns for right, wrong, missing answers."""

import numpy as np
import pytest

from helpers.exercises import check


def _run(capsys, *args, **kwargs):
    result = check(*args, **kwargs)
    return result, capsys.readouterr().out.strip()


def test_a_missing_answer_is_not_answered_yet(capsys):
    assert _run(capsys, "answer", {}, 3) == (
        False,
        "Exercise not answered yet: define `answer` in the cell above, then run this cell again.",
    )


@pytest.mark.parametrize("value", [3, 3.0000001, np.float32(3), np.array(3)])
def test_a_right_number_is_correct_within_atol(capsys, value):
    assert _run(capsys, "answer", {"answer": value}, 3) == (True, "Correct: `answer` is right.")


def test_a_wrong_number_says_what_was_expected(capsys):
    assert _run(capsys, "answer", {"answer": 3.01}, 3) == (False, "Not yet: got 3.01, expected 3.")
    assert _run(capsys, "answer", {"answer": 3.01}, 3, atol=0.1)[0] is True


def test_a_wrong_array_names_how_many_values_differ_and_the_first(capsys):
    expected = np.arange(6).reshape(2, 3)
    answer = expected.copy()
    answer[1, 0] = answer[1, 2] = 9
    assert _run(capsys, "a", {"a": answer}, expected) == (
        False,
        "Not yet: 2 of 6 values differ; the first at index (1, 0): got 9, expected 3.",
    )


def test_a_wrong_shape_is_reported_before_values(capsys):
    result, out = _run(capsys, "a", {"a": np.zeros((3, 2))}, np.zeros((2, 3)))
    assert (result, out) == (False, "Not yet: your answer has shape (3, 2), expected (2, 3).")


def test_nan_equals_nan_in_arrays(capsys):
    assert _run(capsys, "a", {"a": [np.nan, 1]}, np.array([np.nan, 1]))[0] is True


def test_only_values_outside_atol_count_as_different(capsys):
    answer, expected = [np.nan, 1.3, 5.0, 7.0], np.array([np.nan, 1.0, 2.0, 7.0])
    assert _run(capsys, "a", {"a": answer}, expected, atol=0.5) == (
        False,
        "Not yet: 1 of 4 values differ; the first at index (2,): got 5, expected 2.",
    )


def test_strings_and_none_are_compared_exactly(capsys):
    assert _run(capsys, "s", {"s": "relu"}, "relu")[0] is True
    assert _run(capsys, "s", {"s": "ReLU"}, "relu") == (False, "Not yet: got 'ReLU', expected 'relu'.")
    assert _run(capsys, "s", {"s": None}, None)[0] is True


def test_an_answer_that_is_not_a_number_is_reported(capsys):
    result, out = _run(capsys, "a", {"a": {"x": 1}}, 3)
    assert result is False and out == "Not yet: got {'x': 1} (dict), expected 3."


def test_a_function_is_called_with_args(capsys):
    assert _run(capsys, "f", {"f": lambda x, y: x * y}, 12, args=(3, 4)) == (True, "Correct: `f` is right.")


def test_an_error_in_the_students_function_is_printed_not_raised(capsys):
    def broken(x):
        return x / 0

    assert _run(capsys, "f", {"f": broken}, 1, args=(1,)) == (
        False,
        "Not yet: calling `f` raised ZeroDivisionError: division by zero",
    )


def test_the_first_hint_that_recognises_the_mistake_is_shown(capsys):
    def transposed(answer, expected):
        return "did you swap rows and columns?" if np.array_equal(np.transpose(answer), expected) else None

    def never(answer, expected):
        return None

    expected = np.arange(4).reshape(2, 2)
    hints = (never, transposed, lambda answer, expected: "other")
    result, out = _run(capsys, "a", {"a": expected.T}, expected, hints=hints)
    assert result is False and out.endswith(" Hint: did you swap rows and columns?")
    assert _run(capsys, "a", {"a": expected + 1}, expected, hints=(never,))[1].count("Hint") == 0
