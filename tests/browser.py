"""Driving JupyterLab in Debian's Chromium through Playwright, as a person does.

Shared by the browser tests (test_jupyterlab.py, test_hub.py): the browser's
flags, screenshots into test-artifacts/, JupyterLab's menus, and waiting for
a notebook to finish running.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .course import REPO

CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps trying hosts this machine cannot reach.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = REPO / "test-artifacts"
TIMEOUT_MS = 300_000  # a loaded 2-core machine runs a lab in well under this
VIEWPORT = {"width": 1400, "height": 900}
# a run is over: some cell shows its number and none waits or runs ([*]); after
# an error the cells below it stay unnumbered, as they were never run
RAN = """() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return prompts.some(p => /\\[\\d+\\]/.test(p.textContent))
        && !prompts.some(p => p.textContent.includes('*'));
}"""


needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed (make test installs it)",
)


def launch(playwright):
    """Chromium with a fresh, empty profile (Playwright's default)."""
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
    )


def new_page(browser):
    """A page of the usual size whose waits allow a slow machine."""
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(TIMEOUT_MS)
    return page


def shot(page, folder: Path, name: str) -> Path:
    """Save what the page shows as `<folder>/<name>.png`."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def shoot_every_page(browser, folder: Path, prefix: str) -> None:
    """A screenshot of each page still open (`<prefix>-<n>.png`): what a failed
    test left on screen."""
    pages = [page for context in browser.contexts for page in context.pages]
    for n, page in enumerate(pages):
        try:
            shot(page, folder, f"{prefix}-{n}")
        except Exception:  # a page that crashed or closed: the others still count
            continue


@contextmanager
def chromium_for(shots: Path) -> Iterator:
    """Chromium for one test whose screenshots go to `shots`, emptied first; if
    the test fails inside, each page still open is saved there as failed-<n>.png."""
    from playwright.sync_api import sync_playwright

    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    with sync_playwright() as pw:
        chromium = launch(pw)
        try:
            yield chromium
        except Exception:
            shoot_every_page(chromium, shots, "failed")
            raise
        finally:
            chromium.close()


def menu(page, top: str, item: str | re.Pattern) -> None:
    """Click JupyterLab's menu `top`, then its entry `item`."""
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel", has_text=item).first.click()


def run_all(page) -> str:
    """Run every cell of the open notebook (up to the first error, as
    JupyterLab does); return the notebook's text."""
    page.get_by_text(re.compile(r"Python 3.* \| Idle")).first.wait_for()
    menu(page, "Edit", "Clear Outputs of All Cells")  # numbers left from earlier runs
    menu(page, "Run", "Run All Cells")
    page.wait_for_function(RAN)
    return page.locator(".jp-Notebook").inner_text()
