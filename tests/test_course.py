"""Tests for tools/course.py's own parts (the Colab parts are tested elsewhere), on tiny notebooks."""

import json
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import course

TF_START_UP = (
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n"
    "I0000 00:00:1795559265.890096   10154 cudart_stub.cc:31] Could not find cuda drivers on your machine.\n"
    "E0000 00:00:1795559299.159639   10154 cuda_platform.cc:52] failed call to cuInit: UNKNOWN ERROR (303)\n"
    "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow.\n"
)


def test_the_tensorflow_pattern_is_nbvals_and_removes_only_log_lines():
    from nbval.plugin import get_sanitize_patterns

    nbval_patterns = get_sanitize_patterns(course.SANITIZE.read_text())
    removing = [regex for regex, replace in nbval_patterns if replace == ""]
    assert len(removing) == 2, "nbval must see both TensorFlow patterns (keep the space after 'replace:')"
    kept = "Epoch 1/3\nW0 is a weight\nI think 0.98 is good\n"
    assert course.tf_log_re().sub("", TF_START_UP + kept) == kept
    for regex in removing:
        kept_by_nbval = re.sub(regex, "", TF_START_UP + kept)
        assert kept_by_nbval.endswith(kept)
    assert "cudart_stub" not in "".join(re.sub(r, "", TF_START_UP) for r in removing[:1])


def _notebook(*cells):
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3"}}
    return new_notebook(cells=list(cells), metadata=kernel)


def test_strip_tf_logs_keeps_other_output_and_drops_emptied_streams():
    cell = new_code_cell("import tensorflow")
    cell.outputs = [
        new_output("stream", name="stderr", text=TF_START_UP),
        new_output("stream", name="stderr", text=TF_START_UP + "UserWarning: real\n"),
        new_output("stream", name="stdout", text=TF_START_UP),
    ]
    nb = _notebook(new_markdown_cell("# Title"), cell)
    course.strip_tf_logs(nb)
    kept = [(out.name, out.text) for out in cell.outputs]
    assert kept == [("stderr", "UserWarning: real\n"), ("stdout", TF_START_UP)]


def test_final_accuracy_is_the_last_printed_line_of_stdout():
    first, last, stderr = new_code_cell(), new_code_cell(), new_code_cell()
    first.outputs = [new_output("stream", name="stdout", text="Test accuracy: 0.9700\n")]
    text = "x\nTest accuracy: 0.9812\nTest accuracy: 98%\n"
    last.outputs = [new_output("stream", name="stdout", text=text)]
    stderr.outputs = [new_output("stream", name="stderr", text="Test accuracy: 0.1111\n")]
    assert course.final_accuracy(_notebook(first, last, stderr)) == "0.9812"
    assert course.final_accuracy(_notebook(new_markdown_cell("Test accuracy: 0.5000"))) is None


@pytest.mark.parametrize(
    ("seconds", "text"), [(0.4, "0 s"), (59.6, "1 min 00 s"), (106, "1 min 46 s"), (481, "8 min 01 s")]
)
def test_format_minutes(seconds, text):
    assert course.format_minutes(seconds) == text


def test_run_notebook_executes_in_place_and_cleans_the_outputs(tmp_path):
    path = tmp_path / "03_tiny.ipynb"
    cell = new_code_cell(
        "import sys\nprint('I0000 00:00:1.2   1 x.cc:1] log', file=sys.stderr)\n"
        "print('Test accuracy: 0.9900')"
    )
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01"}
    nbformat.write(_notebook(cell), path)
    accuracy, seconds = course.run_notebook(path, timeout=120)
    assert accuracy == "0.9900" and 0 < seconds < 120
    saved = nbformat.read(path, as_version=4).cells[0]
    assert [out.output_type for out in saved.outputs] == ["stream"] and "execution" not in saved.metadata


def _row(accuracy, seconds, date="2026-11-21", machine="2 CPU cores"):
    return {"test_accuracy": accuracy, "wall_seconds": seconds, "date": date, "machine": machine}


README = "# Course\n\n| keep | this |\n<!-- results:start -->\nold table\n<!-- results:end -->\n## Set up\n"


def test_write_results_generates_results_md_and_only_the_readme_block(tmp_path):
    data = {"notebooks": {"03_dense.ipynb": _row(0.981, 106.4), "01_load.ipynb": _row(None, 12)}}
    paths = tmp_path / "results.json", tmp_path / "RESULTS.md", tmp_path / "README.md"
    paths[2].write_text(README)
    table = course.write_results(data, *paths)
    assert json.loads(paths[0].read_text()) == data
    assert table.splitlines()[2:4] == [
        "| [01_load](notebooks/01_load.ipynb) | — | 12 s |",
        "| [03_dense](notebooks/03_dense.ipynb) | 0.9810 | 1 min 46 s |",
    ]
    assert table.splitlines()[4] == "| **All 2 notebooks, one after the other** | | **1 min 58 s** |"
    assert table.endswith("_Measured on 2 CPU cores, 2026-11-21._")
    assert paths[1].read_text().endswith(table + "\n")
    readme = paths[2].read_text()
    assert readme == README.replace("old table", table)


def test_several_runs_are_each_named(tmp_path):
    data = {"notebooks": {"01_a.ipynb": _row(None, 1), "02_b.ipynb": _row(None, 2, "2026-12-01", "a GPU")}}
    table = course.results_table(data)
    assert table.endswith("_Measured on 2 CPU cores, 2026-11-21 (01); a GPU, 2026-12-01 (02)._")
    readme = tmp_path / "README.md"
    readme.write_text("no markers\n")
    course.write_results(data, tmp_path / "r.json", tmp_path / "R.md", readme)
    assert readme.read_text() == "no markers\n"


def test_load_results_of_a_missing_file_is_empty(tmp_path):
    assert course.load_results(tmp_path / "none.json") == {"notebooks": {}}


@pytest.fixture
def results_files(tmp_path, monkeypatch):
    for name, file in (("RESULTS_JSON", "results.json"), ("RESULTS", "RESULTS.md"), ("README", "README.md")):
        monkeypatch.setattr(course, name, tmp_path / file)
    course.README.write_text(README)
    course.write_results({"notebooks": {"01_a.ipynb": _row(None, 5)}})
    monkeypatch.setattr(course, "machine", lambda: "test machine")
    return tmp_path


def _fake_mnist(monkeypatch, n_train, n_test):
    import numpy as np

    import helpers.data

    fake = ((np.zeros((n_train, 1)), None), (np.zeros((n_test, 1)), None))
    monkeypatch.setattr(helpers.data, "load_mnist", lambda: fake)


def test_results_refuses_without_the_full_mnist(results_files, monkeypatch):
    _fake_mnist(monkeypatch, 4000, 1000)
    with pytest.raises(SystemExit, match="full MNIST"):
        course.results(run=lambda path: pytest.fail("must not run"))


def test_results_runs_the_chosen_notebooks_in_full_mode_and_records_them(results_files, monkeypatch):
    import os

    _fake_mnist(monkeypatch, 60_000, 10_000)
    monkeypatch.setenv("MNIST_QUICK", "1")
    ran = []

    def run(path):
        ran.append((path.name, os.environ.get("MNIST_QUICK")))
        return "0.9900", 61.0

    paths = [results_files / name for name in ("01_a.ipynb", "02_b.ipynb", "03_c.ipynb")]
    course.results(["02", "03"], paths=paths, run=run)
    assert ran == [("02_b.ipynb", None), ("03_c.ipynb", None)]
    saved = course.load_results()["notebooks"]
    assert saved["01_a.ipynb"] == _row(None, 5)  # kept from the earlier run
    assert saved["03_c.ipynb"]["test_accuracy"] == 0.99 and saved["03_c.ipynb"]["machine"] == "test machine"
    assert "| [02_b](notebooks/02_b.ipynb) | 0.9900 | 1 min 01 s |" in course.README.read_text()


def test_main_tables_only_rewrites_the_tables_from_results_json(results_files, capsys):
    course.RESULTS.write_text("edited by hand\n")
    assert course.main(["results", "--tables-only"]) == 0
    assert course.RESULTS.read_text().startswith("# Results of a full run")
    assert "01_a" in capsys.readouterr().out


def test_student_edition_drops_solutions_and_outputs(tmp_path):
    solution = new_code_cell("answer = 42", metadata={"tags": ["solution"]})
    shown = new_code_cell("print(1)")
    shown.outputs = [new_output("stream", name="stdout", text="1\n")]
    path = tmp_path / "01_x.ipynb"
    nbformat.write(_notebook(new_markdown_cell("# X"), shown, solution), path)
    (written,) = course.student_edition(tmp_path / "student", [path])
    cells = nbformat.read(written, as_version=4).cells
    assert [cell.source for cell in cells] == ["# X", "print(1)"] and cells[1].outputs == []


def test_the_committed_results_json_matches_results_md():
    data = course.load_results()
    assert course.RESULTS.read_text().endswith(course.results_table(data) + "\n")


def test_main_student_and_results_commands(tmp_path, monkeypatch, capsys):
    path = tmp_path / "01_x.ipynb"
    nbformat.write(_notebook(new_markdown_cell("# X")), path)
    monkeypatch.setattr(course, "notebook_paths", lambda: [path])
    assert course.main(["student", "--dest", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "01_x.ipynb").exists() and "1 notebooks" in capsys.readouterr().out
    called = []
    monkeypatch.setattr(course, "results", lambda only: called.append(only) or "table")
    assert course.main(["results", "03", "06"]) == 0
    assert called == [["03", "06"]] and capsys.readouterr().out == "table\n"


def test_notebook_paths_are_the_numbered_notebooks_in_order():
    names = [path.name for path in course.notebook_paths()]
    assert names == sorted(names) and names[0].startswith("01_")
    assert all(re.fullmatch(r"\d\d_\w+\.ipynb", name) for name in names)


def test_machine_names_cores_gpus_and_versions():
    import platform

    import tensorflow as tf

    text = course.machine()
    assert text.startswith(f"{__import__('os').cpu_count()} CPU cores, ")
    assert f"Python {platform.python_version()}, TensorFlow {tf.__version__}" in text
