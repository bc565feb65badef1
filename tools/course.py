"""Maintainer commands for the course. Run them from the repository root:

    python -m tools.course colab      # rewrite every notebook's Colab badge and setup cell
    python -m tools.course student    # write the student edition (no solutions, no outputs) to student/
    python -m tools.course results    # run every notebook in full mode, in place; write results.json,
                                      # and RESULTS.md and the README's results block from it

The repository's public address is read from pyproject.toml ([project.urls] Repository), the only
place it is written by hand.
"""

from __future__ import annotations

import argparse
import configparser
import copy
import json
import os
import platform
import re
import sys
import time
import tomllib
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"
RESULTS = ROOT / "RESULTS.md"
RESULTS_JSON = ROOT / "results.json"
SANITIZE = ROOT / "tests" / "sanitize.cfg"
STUDENT = ROOT / "student"

SETUP_TAG = "colab-setup"
SOLUTION_TAG = "solution"
CLONE_DIR = "/content/mnist-with-keras"
BADGE_RE = re.compile(r'<a href="https://colab\.research\.google\.com/github/[^"]*"[^>]*>.*?</a>', re.S)
COLAB_LINK_RE = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"]*?/blob/main/([^)\s\"]+)")
ACCURACY_RE = re.compile(r"^Test accuracy: (\d\.\d{4})\s*$", re.M)
RESULTS_START, RESULTS_END = "<!-- results:start -->", "<!-- results:end -->"


def repo_url() -> str:
    """The course's public address, from pyproject.toml."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["project"]["urls"]["Repository"].rstrip("/")


def notebook_paths() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))


# --- Colab badge and setup cell --------------------------------------------------------------------


def colab_badge(notebook: str, url: str) -> str:
    """The "Open in Colab" badge for ``notebooks/<notebook>`` of the repository at ``url``."""
    href = f"{colab_prefix(url)}notebooks/{notebook}"
    return (
        f'<a href="{href}" target="_parent">'
        '<img src="https://colab.research.google.com/assets/colab-badge.svg" alt="Open In Colab"/></a>'
    )


def colab_setup_source(url: str) -> str:
    """The setup cell every notebook starts with (the second cell, tagged ``colab-setup``).

    In Colab it clones the course into ``/content`` and pip-installs `helpers` from the clone, with
    pyproject.toml's light dependencies only: they name no TensorFlow, and lower bounds that Colab's
    Keras and NumPy meet, so Colab keeps its own. It enables Colab's custom widget manager (notebook
    07's drawing canvas is an anywidget) and moves to the clone's ``notebooks/``, so that ``../images``
    resolves. Running it again clones and installs nothing. Outside Colab it does nothing when
    `helpers` is installed, and otherwise says in one line how to get the course.
    """
    return f"""\
# Setup. In Colab: fetch the course and install its `helpers` (Colab keeps its own TensorFlow and Keras).
import importlib.util
import sys

REPO_URL = "{url}"
if "google.colab" in sys.modules:
    import os
    import subprocess

    from google.colab import output

    COURSE_DIR = "{CLONE_DIR}"
    if not os.path.isdir(COURSE_DIR):
        subprocess.run(["git", "clone", "--depth", "1", REPO_URL, COURSE_DIR], check=True)
    if importlib.util.find_spec("helpers") is None:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", COURSE_DIR], check=True)
    output.enable_custom_widget_manager()  # for the drawing canvas of notebook 07
    os.chdir(f"{{COURSE_DIR}}/notebooks")
elif importlib.util.find_spec("helpers") is None:  # e.g. this notebook was downloaded on its own
    raise ModuleNotFoundError(
        f"No module named 'helpers'. Get the whole course: git clone {{REPO_URL}}, then in it run "
        "pip install -r requirements.txt"
    )"""


def colab_problems(path: Path, url: str | None = None) -> list[str]:
    """What is wrong with a notebook's header, badge and setup cell (empty when all is right)."""
    url = url or repo_url()
    nb = nbformat.read(path, as_version=4)
    problems = []
    if not nb.cells or nb.cells[0].cell_type != "markdown" or not nb.cells[0].source.startswith("# "):
        problems.append("the first cell is not a markdown title (# ...)")
    elif colab_badge(path.name, url) not in nb.cells[0].source:
        problems.append("the Colab badge is missing or does not point at this notebook")
    elif "What you will learn" not in nb.cells[0].source:
        problems.append('the header has no "What you will learn"')
    setup = [cell for cell in nb.cells if SETUP_TAG in cell.metadata.get("tags", [])]
    if len(setup) != 1 or nb.cells.index(setup[0]) != 1:
        problems.append(f"the second cell must be the one cell tagged {SETUP_TAG!r}")
    elif setup[0].source != colab_setup_source(url):
        problems.append("the Colab setup cell differs from `python -m tools.course colab`'s")
    return problems


def readme_badge_problems(readme: Path = README, url: str | None = None) -> list[str]:
    """README badges that do not point at ``url`` (empty when all is right)."""
    prefix = colab_prefix(url or repo_url())
    links = [found.group(0) for found in COLAB_LINK_RE.finditer(readme.read_text())]
    return [link for link in links if not link.startswith(prefix)]


def colab_prefix(url: str) -> str:
    return f"https://colab.research.google.com/github/{url.removeprefix('https://github.com/')}/blob/main/"


def sync_colab(
    paths: list[Path] | None = None, url: str | None = None, readme: Path | None = README
) -> list[Path]:
    """Rewrite the badges and setup cells (and the README's badges) for ``url``; return what changed."""
    url = url or repo_url()
    changed = []
    if readme is not None and readme.exists():
        text = readme.read_text()
        new_text = COLAB_LINK_RE.sub(lambda link: colab_prefix(url) + link.group(1), text)
        if new_text != text:
            readme.write_text(new_text)
            changed.append(readme)
    for path in paths or notebook_paths():
        nb = nbformat.read(path, as_version=4)
        before = copy.deepcopy(nb)
        header = nb.cells[0]
        badge = colab_badge(path.name, url)
        found = BADGE_RE.search(header.source)
        if found:
            header.source = header.source[: found.start()] + badge + header.source[found.end() :]
        else:
            title, _, rest = header.source.partition("\n")
            header.source = f"{title}\n\n{badge}\n{rest}"
        for cell in nb.cells:
            if SETUP_TAG in cell.metadata.get("tags", []):
                cell.source = colab_setup_source(url)
        if nb != before:
            nbformat.write(nb, path)
            changed.append(path)
    return changed


# --- Student edition --------------------------------------------------------------------------------


def student_edition(dest: Path = STUDENT, paths: list[Path] | None = None) -> list[Path]:
    """Write every notebook without its `solution` cells and without outputs to ``dest``."""
    from nbconvert import NotebookExporter
    from nbconvert.preprocessors import ClearOutputPreprocessor, TagRemovePreprocessor

    exporter = NotebookExporter()
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={SOLUTION_TAG}), enabled=True)
    exporter.register_preprocessor(ClearOutputPreprocessor(), enabled=True)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths or notebook_paths():
        body, _ = exporter.from_filename(str(path))
        target = dest / path.name
        target.write_text(body, encoding="utf-8")
        written.append(target)
    return written


# --- Full runs and the results table -----------------------------------------------------------------


def tf_log_re(sanitize: Path = SANITIZE) -> re.Pattern:
    """TensorFlow's start-up log lines (CUDA, oneDNN, CPU features), from the ``[tensorflow-*]`` sections
    of nbval's tests/sanitize.cfg, the one copy of the pattern. They are harmless and machine-specific,
    so they are kept out of committed outputs; students still see them on their machines."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(sanitize, encoding="utf-8")
    patterns = [
        config[name]["regex"].removeprefix("(?m)") for name in config if name.startswith("tensorflow")
    ]
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns), re.M)


TF_LOG_RE = tf_log_re()


def strip_tf_logs(nb: nbformat.NotebookNode) -> None:
    """Remove TensorFlow's start-up log lines from stderr outputs (and outputs left empty)."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                output.text = TF_LOG_RE.sub("", output.text)
                if not output.text.strip():
                    continue
            kept.append(output)
        cell.outputs = kept


def final_accuracy(nb: nbformat.NotebookNode) -> str | None:
    """The last ``Test accuracy: 0.xxxx`` line a notebook printed, as text."""
    found = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stdout":
                found += ACCURACY_RE.findall(output.text)
    return found[-1] if found else None


def run_notebook(path: Path, timeout: int = 3600) -> tuple[str | None, float]:
    """Execute a notebook in place (results() clears MNIST_QUICK first); return accuracy and seconds."""
    from nbconvert.preprocessors import ExecutePreprocessor

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    ExecutePreprocessor(timeout=timeout, kernel_name="python3", record_timing=False).preprocess(
        nb, {"metadata": {"path": str(path.parent)}}
    )
    seconds = time.perf_counter() - start
    strip_tf_logs(nb)
    nb.metadata.pop("widgets", None)  # the drawing canvas' state: only meaningful in a live session
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timing left by an earlier `jupyter nbconvert --execute`
    nbformat.write(nb, path)
    return final_accuracy(nb), seconds


def format_minutes(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def machine() -> str:
    """This machine in words: CPU cores, GPUs, Python and TensorFlow versions."""
    import tensorflow as tf

    gpus = len(tf.config.list_physical_devices("GPU"))
    return (
        f"{os.cpu_count()} CPU cores, {gpus or 'no'} GPU, "
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}"
    )


def load_results(path: Path | None = None) -> dict:
    """results.json: ``{"notebooks": {name: {"test_accuracy", "wall_seconds", "date", "machine"}}}``."""
    path = path or RESULTS_JSON
    return json.loads(path.read_text()) if path.exists() else {"notebooks": {}}


def results_table(data: dict) -> str:
    """The Markdown table of results.json's notebooks, and on which machine and day they were measured."""
    lines = ["| Notebook | Final test accuracy | Wall time of a full run |", "|---|---|---|"]
    runs: dict[str, list[str]] = {}
    for name, row in sorted(data["notebooks"].items()):
        accuracy = "—" if row["test_accuracy"] is None else f"{row['test_accuracy']:.4f}"
        seconds = format_minutes(row["wall_seconds"])
        lines.append(f"| [{name.removesuffix('.ipynb')}](notebooks/{name}) | {accuracy} | {seconds} |")
        runs.setdefault(f"{row['machine']}, {row['date']}", []).append(name[:2])
    total = format_minutes(sum(row["wall_seconds"] for row in data["notebooks"].values()))
    lines.append(f"| **All {len(data['notebooks'])} notebooks, one after the other** | | **{total}** |")
    where = "; ".join(f"{run} ({', '.join(numbers)})" for run, numbers in runs.items())
    where = next(iter(runs)) if len(runs) == 1 else where or "no run yet"
    return "\n".join(lines) + f"\n\n_Measured on {where}._"


def write_results(
    data: dict, results_json: Path | None = None, results_md: Path | None = None, readme: Path | None = None
) -> str:
    """Write results.json, RESULTS.md made from it, and the README block between the results markers."""
    results_json, results_md, readme = results_json or RESULTS_JSON, results_md or RESULTS, readme or README
    results_json.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    table = results_table(data)
    results_md.write_text(
        "# Results of a full run\n\n"
        "Generated from results.json by `python -m tools.course results`, which runs each notebook top to\n"
        "bottom in full mode (no MNIST_QUICK) on the full MNIST. Do not edit by hand.\n\n"
        f"{table}\n"
    )
    text = readme.read_text() if readme.exists() else ""
    if RESULTS_START in text and RESULTS_END in text:
        head, _, rest = text.partition(RESULTS_START)
        readme.write_text(f"{head}{RESULTS_START}\n{table}\n{RESULTS_END}{rest.partition(RESULTS_END)[2]}")
    return table


def results(only: list[str] | None = None, paths: list[Path] | None = None, run=run_notebook) -> str:
    """Run the notebooks in full mode, record them in results.json and write the tables; refuse without
    the full MNIST. ``only``: notebook number prefixes such as ``["03", "06"]`` (default: all)."""
    from helpers.data import load_mnist

    (x_train, _), (x_test, _) = load_mnist()
    if (len(x_train), len(x_test)) != (60_000, 10_000):
        raise SystemExit("The full MNIST is not available here, so the results would not be comparable.")
    os.environ.pop("MNIST_QUICK", None)  # the kernels inherit this environment: full mode, always
    data = load_results()
    for path in paths or notebook_paths():
        if only and not any(path.name.startswith(prefix) for prefix in only):
            continue
        print(f"Running {path.name} in full mode...", flush=True)
        accuracy, seconds = run(path)
        data["notebooks"][path.name] = {
            "test_accuracy": None if accuracy is None else float(accuracy),
            "wall_seconds": round(seconds, 1),
            "date": time.strftime("%Y-%m-%d"),
            "machine": machine(),
        }
        print(f"  {path.name}: test accuracy {accuracy or '—'}, {format_minutes(seconds)}", flush=True)
        write_results(data)
    return write_results(data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.course", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("colab", help="rewrite every notebook's Colab badge and setup cell")
    student = commands.add_parser("student", help="write the student edition to student/")
    student.add_argument("--dest", type=Path, default=STUDENT)
    run = commands.add_parser("results", help="run notebooks in full mode; write results.json and tables")
    run.add_argument("only", nargs="*", help="notebook number prefixes to run (default: all)")
    run.add_argument("--tables-only", action="store_true", help="only rewrite the tables from results.json")
    args = parser.parse_args(argv)

    if args.command == "colab":
        changed = sync_colab()
        print(f"{len(changed)} notebook(s) updated for {repo_url()}")
    elif args.command == "student":
        written = student_edition(args.dest)
        print(f"Student edition of {len(written)} notebooks written to {args.dest}")
    elif args.tables_only:
        print(write_results(load_results()))
    else:
        print(results(args.only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
