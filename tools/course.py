"""Maintainer commands for the course. Run them from the repository root:

    python -m tools.course colab      # rewrite every notebook's Colab badge and setup cell
    python -m tools.course student    # write the student edition (no solutions, no outputs) to student/
    python -m tools.course results    # run every notebook in full mode, commit-ready, and write RESULTS.md

The repository's public address is read from pyproject.toml ([project.urls] Repository), the only
place it is written by hand.
"""

from __future__ import annotations

import argparse
import copy
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
STUDENT = ROOT / "student"

SETUP_TAG = "colab-setup"
SOLUTION_TAG = "solution"
CLONE_DIR = "/content/mnist-with-keras"
BADGE_RE = re.compile(r'<a href="https://colab\.research\.google\.com/github/[^"]*"[^>]*>.*?</a>', re.S)
COLAB_LINK_RE = re.compile(r"https://colab\.research\.google\.com/github/[^)\s\"]*?/blob/main/([^)\s\"]+)")
ACCURACY_RE = re.compile(r"^Test accuracy: (\d\.\d{4})\s*$", re.M)
# What TensorFlow's C++ code writes to stderr when it starts (CUDA, oneDNN, CPU features). It is harmless
# and machine-specific, so it is kept out of committed outputs; students still see it on their machines.
TF_LOG_RE = re.compile(
    r"^(?:[IWEF]\d{4} [\d:.]+\s+\d+ \S+:\d+\] .*"
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|To enable the following instructions: .*)\n?",
    re.M,
)
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
    """The setup cell every notebook starts with: in Colab it fetches the course; locally it does nothing."""
    return f"""\
# In Colab only: fetch the course and install `helpers`. Locally this cell does nothing.
import sys

if "google.colab" in sys.modules:
    import os
    import subprocess

    REPO_URL = "{url}"
    if not os.path.isdir("{CLONE_DIR}"):
        subprocess.run(["git", "clone", "--depth", "1", REPO_URL, "{CLONE_DIR}"], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "{CLONE_DIR}"], check=True)
    os.chdir("{CLONE_DIR}/notebooks")"""


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
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timing left by an earlier `jupyter nbconvert --execute`
    nbformat.write(nb, path)
    return final_accuracy(nb), seconds


def format_minutes(seconds: float) -> str:
    minutes, seconds = divmod(round(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


def read_results() -> dict[str, tuple[str, str]]:
    """The rows of RESULTS.md as {notebook: (accuracy, time)}."""
    rows = {}
    if RESULTS.exists():
        for line in RESULTS.read_text().splitlines():
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) == 3 and cells[0].startswith("[") and cells[0].endswith(".ipynb)"):
                name = cells[0][cells[0].index("(") + 1 : -1].removeprefix("notebooks/")
                rows[name] = (cells[1], cells[2])
    return rows


def write_results(rows: dict[str, tuple[str, str]]) -> str:
    """Write RESULTS.md and copy its table into the README between the results markers."""
    import tensorflow as tf

    lines = [
        "| Notebook | Final test accuracy | Wall time of a full run |",
        "|---|---|---|",
    ]
    for name in sorted(rows):
        accuracy, seconds = rows[name]
        lines.append(f"| [{name.removesuffix('.ipynb')}](notebooks/{name}) | {accuracy} | {seconds} |")
    table = "\n".join(lines)
    gpus = len(tf.config.list_physical_devices("GPU"))
    machine = (
        f"{os.cpu_count()} CPU cores, {gpus or 'no'} GPU, "
        f"Python {platform.python_version()}, TensorFlow {tf.__version__}"
    )
    RESULTS.write_text(
        "# Results of a full run\n\n"
        "Written by `python -m tools.course results`, which executes every notebook top to bottom in full\n"
        f"mode (no MNIST_QUICK) on the full MNIST. Machine: {machine}, {time.strftime('%Y-%m-%d')}.\n\n"
        f"{table}\n"
    )
    if README.exists():
        text = _with_cpu_times(README.read_text(), rows)
        if RESULTS_START in text and RESULTS_END in text:
            head, _, rest = text.partition(RESULTS_START)
            _, _, tail = rest.partition(RESULTS_END)
            block = f"{RESULTS_START}\n{table}\n\n_Measured on {machine}._\n{RESULTS_END}"
            text = f"{head}{block}{tail}"
        README.write_text(text)
    return table


def _with_cpu_times(readme: str, rows: dict[str, tuple[str, str]]) -> str:
    """Fill the "CPU time" column of the README's table of notebooks (its 5th column)."""
    lines = readme.split("\n")
    for index, line in enumerate(lines):
        for name, (_, seconds) in rows.items():
            if line.startswith("| ") and f"](notebooks/{name})" in line.split("|")[2]:
                cells = line.split("|")
                cells[5] = f" {seconds} "
                lines[index] = "|".join(cells)
    return "\n".join(lines)


def results(only: list[str] | None = None) -> str:
    """Run the notebooks in full mode and write the results table; refuse without the full MNIST."""
    from helpers.data import load_mnist

    (x_train, _), (x_test, _) = load_mnist()
    if (len(x_train), len(x_test)) != (60_000, 10_000):
        raise SystemExit("The full MNIST is not available here, so the results would not be comparable.")
    os.environ.pop("MNIST_QUICK", None)  # the kernels inherit this environment: full mode, always
    rows = read_results()
    for path in notebook_paths():
        if only and not any(path.name.startswith(prefix) for prefix in only):
            continue
        print(f"Running {path.name} in full mode...", flush=True)
        accuracy, seconds = run_notebook(path)
        rows[path.name] = (accuracy or "—", format_minutes(seconds))
        print(f"  {path.name}: test accuracy {accuracy or '—'}, {format_minutes(seconds)}", flush=True)
        write_results(rows)
    return write_results(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.course", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("colab", help="rewrite every notebook's Colab badge and setup cell")
    student = commands.add_parser("student", help="write the student edition to student/")
    student.add_argument("--dest", type=Path, default=STUDENT)
    run = commands.add_parser("results", help="run notebooks in full mode and write RESULTS.md")
    run.add_argument("only", nargs="*", help="notebook number prefixes to run (default: all)")
    args = parser.parse_args(argv)

    if args.command == "colab":
        changed = sync_colab()
        print(f"{len(changed)} notebook(s) updated for {repo_url()}")
    elif args.command == "student":
        written = student_edition(args.dest)
        print(f"Student edition of {len(written)} notebooks written to {args.dest}")
    else:
        print(results(args.only))
    return 0


if __name__ == "__main__":
    sys.exit(main())
