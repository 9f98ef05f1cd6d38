"""Does the course work in JupyterLab, seen in a real browser?

One JupyterLab (as `make lab` / `make formgrader` start it) serves a course
copy whose demo class is graded; Debian's Chromium, driven by Playwright,
opens a student's copy of lab 01 (the release with the worked answers typed
in), runs every cell, reads the visible checks' messages and sees the plots,
presses nbgrader's Validate, then opens formgrader: the gradebook lists the
demo class and lab 06 has answers waiting to be graded by hand. Screenshots go
to test-artifacts/jupyterlab/ (not committed).
"""

from __future__ import annotations

import json
import re
import secrets
from pathlib import Path

import pytest

from coursekit import jupyterlab, layout, report

from . import browser

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

ARTIFACTS = browser.ARTIFACTS / "jupyterlab"
LAB = "01_gd_from_scratch"
MANUAL_LAB = "06_review"
# JupyterLab settings for a quiet, fully rendered session: no news pop-up, no
# update check, and every cell in the page (not only those scrolled into view).
SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {
        "windowingMode": "none"
    },
}


def _settings(folder: Path) -> Path:
    for name, values in SETTINGS.items():
        path = folder / "settings" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    return folder


def _shot(page, name: str) -> Path:
    return browser.shot(page, ARTIFACTS, name)


@browser.needs_chromium
def test_lab_and_formgrader_in_a_browser(graded_course, tmp_path):
    """Run a lab, validate it, and find the manual grading in formgrader, as people do."""
    pytest.importorskip("playwright.sync_api")
    root, _ = graded_course
    answers = layout.notebook("submitted", LAB, "correct", root)
    notebook = jupyterlab.student_copy(LAB, root, source=answers)
    released = layout.notebook("release", LAB, root=root).read_bytes()
    port, token = jupyterlab.free_port(), secrets.token_hex(16)
    server = jupyterlab.start(
        root, root, port, token, _settings(tmp_path / "lab"), tmp_path / "lab.log"
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with browser.chromium_for(ARTIFACTS) as chromium:
            page = browser.new_page(chromium)
            _student_view(page, base, token, notebook.relative_to(root))
            _formgrader(page, base, token, _waiting(root))
    finally:
        jupyterlab.stop(server)
    # the release was not touched; the student's copy was
    assert layout.notebook("release", LAB, root=root).read_bytes() == released
    assert sorted(p.name for p in ARTIFACTS.iterdir()) == [
        "1-lab-opened.png",
        "2-lab-ran.png",
        "3-lab-plot.png",
        "4-lab-validated.png",
        "5-formgrader-assignments.png",
        "6-formgrader-gradebook.png",
        "7-formgrader-manual-grading.png",
    ]


def _waiting(root: Path) -> int:
    """How many of the manual lab's submissions the gradebook says await a grader."""
    from nbgrader.api import Gradebook

    with Gradebook(layout.gradebook_url(root)) as gb:
        return sum(
            bool(report.waiting_for_grader(gb, MANUAL_LAB, student))
            for student in layout.students("autograded", root)
            if (root / "autograded" / student / MANUAL_LAB).is_dir()
        )


def _student_view(page, base: str, token: str, path: Path) -> None:
    page.goto(f"{base}/lab/tree/{path}?token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    # the status bar reads "<kernel> | Idle" once the kernel has started
    page.get_by_text(re.compile(r"Python 3.* \| Idle")).first.wait_for()
    kernel = page.locator(".jp-KernelName").first.inner_text()
    _shot(page, "1-lab-opened")
    assert "Python 3" in kernel and "sandbox" not in kernel, kernel  # plain kernel
    text = browser.run_all(page)
    # the visible checks' messages, as the student reads them
    assert "x and y for n = 5: shape (5, 1), dtype float32, as expected" in text
    assert "(should be autograd's" in text
    assert "Traceback" not in text
    plots = page.locator(".jp-OutputArea-output img")
    assert plots.count() >= 4
    page.locator(".jp-Notebook").locator(
        "text=x and y for n = 5"
    ).first.scroll_into_view_if_needed()
    _shot(page, "2-lab-ran")
    plots.first.scroll_into_view_if_needed()
    _shot(page, "3-lab-plot")
    page.get_by_role("button", name="Validate").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for()
    dialog.get_by_text("Success").first.wait_for()
    _shot(page, "4-lab-validated")
    dialog.get_by_role("button").last.click()


def _formgrader(page, base: str, token: str, waiting: int) -> None:
    page.goto(f"{base}/formgrader/manage_assignments?token={token}")
    page.get_by_text(MANUAL_LAB).first.wait_for()
    _shot(page, "5-formgrader-assignments")
    page.goto(f"{base}/formgrader/gradebook/{MANUAL_LAB}/{MANUAL_LAB}")
    # submissions with answers to grade by hand carry a tick in their row
    rows = page.locator("tr:has(.needs-manual-grade[data-search='needs manual grade'])")
    rows.first.wait_for()
    assert rows.count() == waiting
    _shot(page, "6-formgrader-gradebook")
    rows.first.locator("a.name-hidden").click()
    page.wait_for_selector("input.score")
    page.locator("input.score").first.scroll_into_view_if_needed()
    _shot(page, "7-formgrader-manual-grading")
