"""The Colab path, tested offline: each notebook's setup cell runs as Colab would run it.

A stand-in ``google.colab`` module tells the cell it is in Colab; ``git clone`` clones this checkout
(its committed HEAD) instead of the network address; ``/content`` is a temporary folder; ``pip install``
puts the wheel that pip builds from a clone of this checkout into a stand-in for Colab's site-packages.
The cell runs in a fresh Python process from which this checkout's own `helpers` is hidden, so that
`helpers` can only come from what the cell installs.
"""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from tools import course

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = course.notebook_paths()
COLAB_PACKAGES = {"tensorflow", "keras", "tf-keras", "tensorflow-cpu", "jax", "torch"}

# Runs in a fresh interpreter: argv[1] is JSON with the cell's source and the stand-ins' paths.
DRIVER = r"""
import importlib.util, json, os, subprocess, sys, types, zipfile

setup = json.loads(sys.argv[1])
root = os.path.realpath(setup["root"])
# Hide this checkout's `helpers` (the editable install's path entry or finder, and the working tree).
sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) != root]
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
sys.path.insert(0, setup["site"])  # the stand-in for Colab's site-packages
assert importlib.util.find_spec("helpers") is None, "the test could not hide the checkout's helpers"

calls = {"widget_manager": 0, "commands": []}
if setup["colab"]:
    try:
        import google  # the namespace package that protobuf installs, when there
    except ImportError:
        google = sys.modules["google"] = types.ModuleType("google")
    colab = types.ModuleType("google.colab")
    colab.output = types.ModuleType("google.colab.output")
    colab.files = types.ModuleType("google.colab.files")
    colab.output.enable_custom_widget_manager = lambda: calls.__setitem__(
        "widget_manager", calls["widget_manager"] + 1
    )
    colab.files.upload = lambda: {}
    colab.files.download = lambda filename: None
    google.colab = colab
    sys.modules.update(
        {"google.colab": colab, "google.colab.output": colab.output, "google.colab.files": colab.files}
    )

real_run = subprocess.run


def colab_run(command, *args, **kwargs):
    command = [str(part) for part in command]
    calls["commands"].append(command)
    if command[:2] == ["git", "clone"]:  # from this checkout, not from the network
        local = [f"file://{root}" if part == setup["url"] else part for part in command]
        return real_run(local, *args, **kwargs)
    if command[1:4] == ["-m", "pip", "install"]:  # the wheel pip built from a clone of this checkout
        with zipfile.ZipFile(setup["wheel"]) as wheel:
            wheel.extractall(setup["site"])
        importlib.invalidate_caches()
        return subprocess.CompletedProcess(command, 0)
    raise AssertionError(f"the setup cell ran an unexpected command: {command}")


subprocess.run = colab_run
kernel = {"__name__": "__main__"}  # one namespace for both runs, as in one kernel
runs = []
for _ in range(setup["runs"]):
    before = len(calls["commands"])
    exec(compile(setup["cell"], "setup-cell", "exec"), kernel)
    spec = importlib.util.find_spec("helpers")
    runs.append(
        {
            "cwd": os.getcwd(),
            "commands": calls["commands"][before:],
            "widget_manager": calls["widget_manager"],
            "helpers": spec.origin if spec else None,
        }
    )
import helpers.data  # noqa: E402,F401  (the package and a module of it import from what was installed)

print(json.dumps({"runs": runs, "helpers": helpers.__file__}))
"""


def setup_cell(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    cells = [cell for cell in nb.cells if course.SETUP_TAG in cell.metadata.get("tags", [])]
    assert len(cells) == 1, f"{path.name} needs exactly one cell tagged 'colab-setup'"
    return cells[0].source


def run_cell(cell: str, tmp_path: Path, *, colab: bool, wheel: Path | None = None, runs: int = 2):
    """Run ``cell`` ``runs`` times in a fresh process, with /content replaced by ``tmp_path / "content"``."""
    content, site = tmp_path / "content", tmp_path / "site-packages"
    content.mkdir()
    site.mkdir()
    assert "/content/" in cell, "the setup cell no longer clones into /content: update this test"
    setup = {
        "cell": cell.replace("/content/", f"{content}/"),
        "root": str(ROOT),
        "site": str(site),
        "wheel": str(wheel),
        "url": course.repo_url(),
        "colab": colab,
        "runs": runs,
    }
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, json.dumps(setup)],
        cwd=content,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result, content, site


@pytest.fixture(scope="session")
def course_wheel(tmp_path_factory):
    """The wheel pip builds from a clone of this checkout: what `pip install` makes of the course in Colab."""
    where = tmp_path_factory.mktemp("wheel")
    clone = where / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{ROOT}", clone], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", where / "dist", clone],
        check=True,
        capture_output=True,
    )
    (wheel,) = (where / "dist").glob("*.whl")
    return wheel


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[path.name for path in NOTEBOOKS])
def test_colab_setup_cell_clones_installs_and_moves_to_notebooks(path, tmp_path, course_wheel):
    result, content, site = run_cell(setup_cell(path), tmp_path, colab=True, wheel=course_wheel)
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    first, second = report["runs"]
    clone = content / "mnist-with-keras"

    git, pip = first["commands"]
    assert git == ["git", "clone", "--depth", "1", course.repo_url(), str(clone)]
    assert pip[:4] == [sys.executable, "-m", "pip", "install"] and pip[-1] == str(clone)
    assert second["commands"] == [], "a second run must neither clone nor install again"

    for run in (first, second):
        assert Path(run["cwd"]) == clone / "notebooks"
        assert (clone / "images").is_dir(), "../images must resolve from the working directory"
        assert run["helpers"] == str(site / "helpers" / "__init__.py")
    assert first["widget_manager"] == 1 and second["widget_manager"] == 2, "the custom widget manager is off"
    assert report["helpers"] == str(site / "helpers" / "__init__.py")


def test_colab_install_never_replaces_colabs_tensorflow_or_keras():
    """pip installs the course with pyproject's dependencies, which must all be met by Colab's own packages.

    They name no TensorFlow, and their lower bounds allow the oldest versions CI tests (Colab's), so pip
    (whose default is to upgrade only what is not met) leaves Colab's TensorFlow, Keras and NumPy alone.
    """
    cell = course.colab_setup_source(course.repo_url())
    pip_lines = [line for line in cell.splitlines() if '"pip", "install"' in line]
    assert len(pip_lines) == 1
    assert not re.search(r"-U\b|--upgrade|--force|tensorflow|keras", pip_lines[0])

    with open(ROOT / "pyproject.toml", "rb") as file:
        dependencies = [Requirement(line) for line in tomllib.load(file)["project"]["dependencies"]]
    names = {requirement.name.lower() for requirement in dependencies}
    assert not names & (COLAB_PACKAGES - {"keras"}), f"pyproject.toml must not name {names & COLAB_PACKAGES}"

    oldest = re.search(r"^OLDEST=\((.*)\)$", (ROOT / ".ci" / "run").read_text(), re.M)
    pins = dict(pin.strip('"').split("==") for pin in oldest.group(1).split())
    assert {"tensorflow", "keras", "numpy"} <= set(pins)
    for requirement in dependencies:
        if requirement.name in pins:
            version = pins[requirement.name].replace("*", "0")
            assert requirement.specifier.contains(version), f"{requirement} excludes Colab's {version}"


def test_setup_cell_outside_colab_does_nothing_when_the_course_is_installed(monkeypatch):
    def no_commands(*args, **kwargs):
        raise AssertionError("the setup cell ran a command outside Colab")

    monkeypatch.setattr(subprocess, "run", no_commands)
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.chdir(ROOT / "notebooks")
    exec(course.colab_setup_source(course.repo_url()), {})
    assert Path.cwd() == ROOT / "notebooks"


def test_a_notebook_opened_alone_says_how_to_get_the_course(tmp_path):
    """An instructor mails one notebook: without `helpers`, the setup cell says what to do, in one line."""
    result, _, _ = run_cell(course.colab_setup_source(course.repo_url()), tmp_path, colab=False, runs=1)
    assert result.returncode != 0
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("ModuleNotFoundError: No module named 'helpers'")
    assert f"git clone {course.repo_url()}" in last and "pip install -r requirements.txt" in last
