"""The student edition runs with every exercise left unanswered, and the solutions pass their own checks.

`python -m tools.course student` removes the cells tagged `solution`. Each notebook of that edition is
executed top to bottom in quick mode, in a kernel of its own, one notebook after the other: no cell may
fail (so no later cell may need a name that only a solution defined), and every check cell must say
"not answered yet". Like the nbval run of the notebooks themselves, this takes minutes (marked `slow`).
"""

import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from tools import course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = course.notebook_paths()
# A check cell calls helpers.exercises.check at the start of a line (`check(...)` or `ok = check(...)`).
CHECK_CALL = re.compile(r"^(\w+\s*=\s*)?check\(", re.M)


def check_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [
        cell
        for cell in nb.cells
        if cell.cell_type == "code"
        and course.SOLUTION_TAG not in cell.metadata.get("tags", [])
        and CHECK_CALL.search(cell.source)
    ]


def printed(cell: nbformat.NotebookNode) -> str:
    """What a code cell printed (its stdout)."""
    return "".join(
        output.text
        for output in cell.get("outputs", [])
        if output.output_type == "stream" and output.name == "stdout"
    )


@pytest.fixture(scope="module")
def student_notebooks(tmp_path_factory) -> Path:
    """The student edition in a copy of the course's layout, so that ../images resolves from it."""
    copy = tmp_path_factory.mktemp("course")
    shutil.copytree(ROOT / "images", copy / "images")
    course.student_edition(copy / "notebooks")
    return copy / "notebooks"


@pytest.mark.slow
@pytest.mark.parametrize("name", [path.name for path in NOTEBOOKS])
def test_student_edition_runs_with_every_exercise_unanswered(name, student_notebooks, monkeypatch):
    monkeypatch.setenv("MNIST_QUICK", "1")  # the kernel inherits it
    nb = nbformat.read(student_notebooks / name, as_version=4)
    client = NotebookClient(
        nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(student_notebooks)}}
    )
    client.execute()  # raises CellExecutionError, with the cell and its traceback, when a cell fails
    for cell in check_cells(nb):
        assert "not answered yet" in printed(cell), (
            f"{name}: with no answer, this check cell printed {printed(cell)!r}:\n{cell.source[:300]}"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_solutions_pass_their_checks_in_the_committed_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in check_cells(nb):
        assert "Correct" in printed(cell), (
            f"{path.name}: committed, this check cell printed {printed(cell)!r}:\n{cell.source[:300]}"
        )


def test_the_course_has_exercises_that_check_themselves():
    """Check cells are found (so that the two tests above are not silently empty)."""
    counts = {path.name: len(check_cells(nbformat.read(path, as_version=4))) for path in NOTEBOOKS}
    assert sum(counts.values()) > 0, counts
