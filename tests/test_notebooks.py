"""Notebook hygiene: every notebook is tidy, opens alone in Colab, and was committed from one clean run.

(nbval re-executes the notebooks themselves; these tests read the committed files.)
"""

import ast
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tools import course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = course.notebook_paths()
# Code that trains a model (Keras' fit, or a hand-written loop with a gradient tape).
TRAINS = re.compile(r"\.fit\(|GradientTape\(")
# A path into the repository's models/ folder written as a string.
MODELS_LITERAL = re.compile(r"""["'](\.\./)?models(/|["'])""")
ABSOLUTE_PATH = re.compile(r"(/work/|/root/|/home/\w|/Users/\w|/tmp/|[A-Z]:\\\\)")


def code_cells(nb):
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def tags(cell):
    return cell.metadata.get("tags", [])


def test_the_course_has_its_notebooks():
    assert len(NOTEBOOKS) >= 7
    for path in NOTEBOOKS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name), path.name
    numbers = [int(path.name[:2]) for path in NOTEBOOKS]
    assert numbers == list(range(1, len(NOTEBOOKS) + 1))


@pytest.fixture(params=NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def notebook(request):
    path = request.param
    return path, nbformat.read(path, as_version=4)


def test_valid_nbformat_and_python3_kernel(notebook):
    path, nb = notebook
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert set(nb.metadata) <= {"kernelspec", "language_info"}, f"editor metadata in {path.name}"


def test_no_editor_metadata_in_cells(notebook):
    path, nb = notebook
    for index, cell in enumerate(nb.cells):
        assert set(cell.metadata) <= {"tags"}, f"{path.name} cell {index}: {dict(cell.metadata)}"


def test_header_badge_and_colab_setup(notebook):
    path, _ = notebook
    assert course.colab_problems(path) == []


def parameters_cell(path, nb):
    cells = [cell for cell in nb.cells if "parameters" in tags(cell)]
    assert len(cells) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    return cells[0]


def assigned_names(statements) -> set[str]:
    """The names that these statements assign (``A = ...`` and ``A, B = ...``), not looking into blocks."""
    names = set()
    for statement in statements:
        targets = statement.targets if isinstance(statement, ast.Assign) else []
        for target in targets:
            elements = target.elts if isinstance(target, ast.Tuple) else [target]
            names |= {element.id for element in elements if isinstance(element, ast.Name)}
    return names


def quick_blocks(source: str) -> list[ast.If]:
    """The top-level ``if os.environ.get("MNIST_QUICK"): ...`` blocks of a parameters cell."""
    tree = ast.parse(source)
    return [
        node for node in tree.body if isinstance(node, ast.If) and "MNIST_QUICK" in ast.unparse(node.test)
    ]


def test_parameters_cell_holds_every_knob_and_quick_mode(notebook):
    """One `parameters` cell; a notebook that trains shows its quick mode there, and only there."""
    path, nb = notebook
    parameters = parameters_cell(path, nb)
    others = [cell.source for cell in code_cells(nb) if cell is not parameters]
    hidden = [source for source in others if "MNIST_QUICK" in source]
    assert not hidden, (
        f"{path.name}: quick mode changes something outside the parameters cell: {hidden[0][:200]}"
    )
    if any(TRAINS.search(source) for source in others):
        assert quick_blocks(parameters.source), (
            f'{path.name} trains: show `if os.environ.get("MNIST_QUICK"):`'
        )
    tree = ast.parse(parameters.source)
    knobs = assigned_names(tree.body) | {
        name for block in quick_blocks(parameters.source) for name in assigned_names(block.body)
    }
    code = "\n".join(others)
    dead = sorted(name for name in knobs if not re.search(rf"\b{name}\b", code))
    assert not dead, f"{path.name}: knobs that no other cell uses: {dead}"


def test_quick_mode_never_writes_to_the_students_models(notebook):
    """Models live in MODEL_DIR: ../models in a full run, a temporary folder in quick mode (the tests').

    A student's models, trained for minutes, must never be replaced by the 1-epoch models of a test run.
    """
    path, nb = notebook
    parameters = parameters_cell(path, nb)
    for cell in code_cells(nb):
        if cell is not parameters:
            assert not MODELS_LITERAL.search(cell.source), f"{path.name}: a models/ path outside MODEL_DIR"
    for line in parameters.source.splitlines():
        if MODELS_LITERAL.search(line):
            assert line.startswith("MODEL_DIR = "), f"{path.name}: use MODEL_DIR / ... in: {line.strip()}"
    if "MODEL_DIR" not in "\n".join(cell.source for cell in code_cells(nb)):
        return
    tree = ast.parse(parameters.source)
    assert "MODEL_DIR" in assigned_names(tree.body), f"{path.name}: set MODEL_DIR in the parameters cell"
    quick = [
        statement
        for block in quick_blocks(parameters.source)
        for statement in block.body
        if "MODEL_DIR" in assigned_names([statement])
    ]
    assert quick, f"{path.name}: quick mode must set MODEL_DIR to a temporary folder"
    assert all("tempfile" in ast.unparse(statement.value) for statement in quick), ast.unparse(quick[0])


def test_takeaways_and_exercises_with_solutions(notebook):
    path, nb = notebook
    markdown = "\n".join(cell.source for cell in nb.cells if cell.cell_type == "markdown")
    assert "## Key takeaways" in markdown and "## Exercises" in markdown
    assert re.search(r"\*Exercise [\d-]+", markdown), f"{path.name} has no exercise prompt"
    assert any("solution" in tags(cell) for cell in code_cells(nb)), f"{path.name} has no solution"


def test_outputs_come_from_one_clean_run(notebook):
    path, nb = notebook
    counts = [cell.execution_count for cell in code_cells(nb) if cell.source.strip()]
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: execution counts {counts}"
    for cell in code_cells(nb):
        for output in cell.outputs:
            assert output.output_type != "error", f"{path.name}: an error output is committed"


def test_no_machine_paths_or_tensorflow_noise_in_outputs(notebook):
    path, nb = notebook
    for cell in code_cells(nb):
        for output in cell.outputs:
            text = output.get("text", "") + str(output.get("data", {}).get("text/plain", ""))
            assert not ABSOLUTE_PATH.search(text), f"{path.name}: a local path in an output: {text[:200]}"
            assert not course.TF_LOG_RE.search(text), f"{path.name}: TensorFlow log lines in an output"


def test_readme_lists_every_notebook():
    readme = (ROOT / "README.md").read_text()
    for path in NOTEBOOKS:
        assert f"notebooks/{path.name}" in readme, f"README does not list {path.name}"


def test_student_edition_has_prompts_but_no_solutions(tmp_path):
    written = course.student_edition(tmp_path)
    assert [path.name for path in written] == [path.name for path in NOTEBOOKS]
    for path in written:
        original = nbformat.read(ROOT / "notebooks" / path.name, as_version=4)
        student = nbformat.read(path, as_version=4)
        assert not any("solution" in tags(cell) for cell in student.cells)
        assert all(not cell.outputs and cell.execution_count is None for cell in code_cells(student))
        assert len(student.cells) == sum("solution" not in tags(cell) for cell in original.cells)
        prompts = [
            index
            for index, cell in enumerate(student.cells)
            if cell.cell_type == "markdown" and re.match(r"\*Exercise [\d-]+", cell.source.strip())
        ]
        assert prompts, f"{path.name}: the student edition lost its exercises"
        for index in prompts:
            following = student.cells[index + 1]
            assert following.cell_type == "code", f"{path.name}: exercise without a cell to answer in"
            assert following.source.strip() in ("", "# Your code here")


def test_colab_sync_rewrites_badges_and_setup_for_a_new_address(tmp_path):
    copies = []
    for path in NOTEBOOKS:
        copy = tmp_path / path.name
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    readme = tmp_path / "README.md"
    readme.write_text((ROOT / "README.md").read_text())
    url = "https://github.com/someone-else/their-fork"
    assert course.sync_colab(copies, url, readme) == [readme, *copies]
    for copy in copies:
        assert course.colab_problems(copy, url) == []
        assert course.repo_url() not in copy.read_text()
    assert course.readme_badge_problems(readme, url) == []
    assert course.readme_badge_problems(readme) != [], "the copy's badges must have changed"
    assert course.sync_colab(copies, url, readme) == [], "a second sync must change nothing"


def test_readme_badges_point_at_the_repository():
    assert course.readme_badge_problems() == []


def test_lint():
    tools = Path(sys.executable).parent
    ruff = subprocess.run(
        [tools / "ruff", "check", "helpers", "tests", "tools"], cwd=ROOT, capture_output=True, text=True
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    nbqa = subprocess.run([tools / "nbqa", "ruff", "notebooks"], cwd=ROOT, capture_output=True, text=True)
    assert nbqa.returncode == 0, nbqa.stdout + nbqa.stderr
