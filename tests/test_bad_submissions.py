"""Can any submission stop, stall or fool a grading run? Each bad one, through the real autograde.

Every case starts from the demo class's correct notebook of lab 01 and breaks
it the way students do. All are graded in one temporary course (with a 10 s
cell time limit, so the endless loop costs 10 s, not 30) and each test then
checks its student's outcome, score and message, and that the submitted
file is byte for byte what the student handed in.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coursekit import demo, grading, layout, release, report

from .course import REPO, auto_points, make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

LAB = "01_gd_from_scratch"
CORRECT = REPO / "demo" / "submitted" / "correct" / LAB / f"{LAB}.ipynb"
FULL = auto_points(LAB)


def _notebook() -> nbformat.NotebookNode:
    return nbformat.read(CORRECT, as_version=4)


def _cell(nb, grade_id: str):
    return next(
        c
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id
    )


def _with_answer(grade_id: str, code: str) -> bytes:
    nb = _notebook()
    _cell(nb, grade_id).source = code
    return nbformat.writes(nb).encode()


def _without(grade_id: str) -> bytes:
    nb = _notebook()
    nb.cells.remove(_cell(nb, grade_id))
    return nbformat.writes(nb).encode()


def _twice(grade_id: str) -> bytes:
    nb = _notebook()
    cell = _cell(nb, grade_id)
    nb.cells.insert(nb.cells.index(cell) + 1, copy.deepcopy(cell))
    return nbformat.writes(nb).encode()


def _points_edited() -> bytes:
    nb = _notebook()
    _cell(nb, "test_predict").metadata.nbgrader["points"] = 100
    return nbformat.writes(nb).encode()


PREDICT_WARNS = """import warnings

def predict(x, w, b):
    warnings.warn("predict is called a lot", UserWarning)
    return w * x + b
"""

# student -> (files in the submission folder, expected status, score, message fragment)
CASES: dict[str, tuple[Callable[[], dict[str, bytes]], str, float, str]] = {
    "empty_file": (lambda: {f"{LAB}.ipynb": b""}, "failed", 0, "is empty"),
    "invalid_json": (
        lambda: {f"{LAB}.ipynb": CORRECT.read_bytes()[:-500]},
        "failed",
        0,
        "not a valid notebook",
    ),
    "renamed": (
        lambda: {f"{LAB} (1).ipynb": CORRECT.read_bytes()},
        "failed",
        0,
        "renamed",
    ),
    "missing": (
        lambda: {"notes.txt": b"forgot the notebook"},
        "failed",
        0,
        "is missing",
    ),
    "answer_cell_deleted": (
        lambda: {f"{LAB}.ipynb": _without("predict")},
        "failed",
        0,
        "deleted",
    ),
    "test_cell_deleted": (
        lambda: {f"{LAB}.ipynb": _without("test_mse")},
        "failed",
        0,
        "deleted",
    ),
    "answer_cell_duplicated": (
        lambda: {f"{LAB}.ipynb": _twice("gradients")},
        "failed",
        0,
        "more than once",
    ),
    "points_edited": (lambda: {f"{LAB}.ipynb": _points_edited()}, "graded", FULL, ""),
    "endless_loop": (
        lambda: {f"{LAB}.ipynb": _with_answer("answer_init", "while True:\n    pass")},
        "graded",
        FULL - 1,
        "",
    ),
    "kernel_exits": (
        lambda: {
            f"{LAB}.ipynb": _with_answer("answer_noise", "import os\nos._exit(1)")
        },
        "failed",
        0,
        "kernel died",
    ),
    "segfault": (
        lambda: {
            f"{LAB}.ipynb": _with_answer(
                "answer_lr", "import ctypes\nctypes.string_at(0)"
            )
        },
        "failed",
        0,
        "kernel died",
    ),
    "huge_output": (
        lambda: {
            f"{LAB}.ipynb": _with_answer(
                "answer_noise",
                'for i in range(200_000):\n    print("x" * 80)\nanswer_noise = "b"',
            )
        },
        "graded",
        FULL,
        "",
    ),
    "warns_on_stderr": (
        lambda: {f"{LAB}.ipynb": _with_answer("predict", PREDICT_WARNS)},
        "graded",
        FULL,
        "",
    ),
}


@pytest.fixture(scope="module")
def graded(
    tmp_path_factory,
) -> tuple[Path, dict[str, grading.Outcome], dict[str, dict]]:
    root = make_course(tmp_path_factory.mktemp("bad"))
    with (root / "nbgrader_config.py").open("a") as fh:
        fh.write("\nc.Execute.timeout = 10\n")
    release.release(LAB, root)
    handed_in = {}
    for student, (files, *_) in CASES.items():
        folder = root / "submitted" / student / LAB
        folder.mkdir(parents=True)
        handed_in[student] = files()
        for name, data in handed_in[student].items():
            (folder / name).write_bytes(data)
    outcomes = {o.student: o for o in grading.autograde_all(root)}
    assert grading.feedback_and_export(root) == []
    return root, outcomes, handed_in


@pytest.mark.parametrize("student", CASES)
def test_bad_submission_gets_a_score_and_a_message(graded, student):
    """Is each bad submission graded or scored 0, with a message that says why?"""
    root, outcomes, _ = graded
    _, status, score, fragment = CASES[student]
    outcome = outcomes[student]
    assert outcome.status == status, outcome.message
    assert fragment in outcome.message
    with Gradebook(layout.gradebook_url(root)) as gb:
        cells = report.cell_scores(gb, LAB, student)
    assert sum(s for s, _ in cells.values()) == score
    assert (
        sum(top for _, top in cells.values()) == FULL
    )  # edited metadata changes nothing
    if status == "failed":
        note = (root / "feedback" / student / LAB / f"{LAB}.html").read_text()
        assert fragment in note


@pytest.mark.parametrize("student", CASES)
def test_submission_is_left_untouched(graded, student):
    """Is every submitted file byte for byte what the student handed in?"""
    root, _, handed_in = graded
    folder = root / "submitted" / student / LAB
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == handed_in[student]


def test_run_goes_on_and_reports_each_student_once(graded):
    """Did one run grade every student, whatever the others did?"""
    _, outcomes, _ = graded
    assert sorted(outcomes) == sorted(CASES)


def test_unchanged_failures_are_not_regraded(graded):
    """Does a second run keep the 0 and the message without grading again?"""
    root, outcomes, _ = graded
    again = {o.student: o for o in grading.autograde_all(root)}
    for student, outcome in outcomes.items():
        want = "up to date" if outcome.status == "graded" else "failed before"
        assert again[student].status == want
        assert again[student].message == outcome.message


def test_explain_failure_names_the_dead_kernel():
    log = "[AutogradeApp | ERROR] ... nbclient.exceptions.DeadKernelError: Kernel died"
    assert "kernel died" in grading.explain_failure(log)


def test_explain_failure_falls_back_to_the_last_error_line():
    log = "[AutogradeApp | INFO] fine\n[AutogradeApp | ERROR] something odd\n"
    assert grading.explain_failure(log) == "[AutogradeApp | ERROR] something odd"


def test_preflight_accepts_the_correct_notebook(tmp_path):
    root = make_course(tmp_path)
    demo.collect(root, labs={LAB}, students={"correct"})
    from coursekit import preflight

    assert preflight.problem(root, LAB, "correct") is None
    assert json.loads(CORRECT.read_text())  # the fixture itself is valid
