"""Is a grading run that is killed half-way safe to run again?"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from nbgrader.api import Gradebook

from coursekit import demo, layout, release, report

from .course import make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

LAB = "01_gd_from_scratch"
STUDENTS = {"blank", "correct", "sum_not_mean", "true_line"}


def test_killed_run_completes_with_the_same_grades(tmp_path):
    """Kill `coursekit grade` after two of four students, run it again: are all grades right?"""
    root = make_course(tmp_path)
    release.release(LAB, root)
    demo.collect(root, labs={LAB}, students=STUDENTS)
    manifest = root / "autograded" / ".graded.json"
    command = [sys.executable, "-m", "coursekit", "--course", str(root), "grade"]
    run = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and run.poll() is None:
        if manifest.exists() and len(json.loads(manifest.read_text() or "{}")) >= 2:
            break
        time.sleep(0.2)
    assert run.poll() is None, "the run ended before it could be interrupted"
    os.killpg(run.pid, signal.SIGKILL)  # the run and the kernel it was using
    run.wait()
    assert (root / "gradebook.db.bak").exists()

    again = subprocess.run(command, capture_output=True, text=True, check=True)
    assert "up to date" in again.stdout  # the students graded before the kill
    with Gradebook(layout.gradebook_url(root)) as gb:
        for sub in demo.load(root / "demo"):
            if sub.lab != LAB or sub.student not in STUDENTS:
                continue
            cells = report.cell_scores(gb, LAB, sub.student)
            lost = {name for name, (score, top) in cells.items() if score < top}
            assert lost == set(sub.loses), sub.student
