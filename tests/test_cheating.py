"""Can a submission earn points it did not earn, or touch what is not its own?

Each cheat starts from the correct lab 01 notebook and is graded with the real
autograde in the course's sandboxed kernel, next to an honest student whose
files and grade it tries to reach.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from coursekit import demo, grading, layout, release, report

from .course import REPO, auto_points, cell_points, make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

LAB = "01_gd_from_scratch"
CORRECT = REPO / "demo" / "submitted" / "correct" / LAB / f"{LAB}.ipynb"
FULL = auto_points(LAB)
COURSE = 'pathlib.Path(os.environ["COURSEKIT_COURSE"])'

READS_SOLUTION = f"""import os, pathlib
solution = {COURSE} / "source" / "{LAB}" / "{LAB}.ipynb"
answer_init = "c" if 'answer_init = \\\\"c\\\\"' in solution.read_text() else "a"
"""
WRITES_SHARED = f"""import os, pathlib
course = {COURSE}
for target in [course / "gradebook.db", course / "submitted" / "correct" / "{LAB}" / "{LAB}.ipynb",
               course / "autograded" / "correct" / "{LAB}" / "{LAB}.ipynb", course / "grades.csv"]:
    try:
        target.write_text("overwritten")
        print("WROTE", target)
    except OSError as error:
        print("blocked", target, type(error).__name__)
answer_init = "c"
"""
PATCHES_COMPARISONS = """import numpy as np, torch
torch.allclose = lambda *args, **kwargs: True
np.allclose = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None

def predict(x, w, b):
    return w * x
"""
FAKE_GRADER = """import os
package = "grader" + "_tests"
os.makedirs(package, exist_ok=True)
for name in ["__init__", "lab01_gd"]:
    with open(os.path.join(package, name + ".py"), "w") as fh:
        fh.write("def __getattr__(name):\\n    return lambda *args, **kwargs: None\\n")

def predict(x, w, b):
    return w * x
"""
READS_ANSWER_KEY = """from grader_tests.lab01_gd_from_scratch import checks
answer_init = checks.ANSWERS["init"]
"""
SWALLOWS_ERRORS = """get_ipython().set_custom_exc((Exception,), lambda *args, **kwargs: None)
answer_init = "a"
"""
NETWORK = """import socket
try:
    socket.create_connection(("1.1.1.1", 80), timeout=2)
    print("NETWORK OPEN")
except OSError as error:
    print("network blocked:", error)
answer_init = "c"
"""
MEMORY = """hog = bytearray(64 * 1024**3)
answer_noise = "b"
"""
FORK_BOMB = """import os, time
children = []
while True:
    pid = os.fork()
    if pid == 0:
        time.sleep(20)
        os._exit(0)
    children.append(pid)
"""
WRONG_PREDICT = """def predict(x, w, b):
    return w * x
"""
# A predict without b breaks every cell built on it, as the demo class's true_line
# student's predict does: it costs the points of the cells that student loses.
WRONG_PREDICT_COST = cell_points(
    LAB, next(s.loses for s in demo.load(REPO / "demo") if s.student == "true_line")
)
# Files handed in beside the notebook: a look-alike grader whose every check passes.
FAKE_PACKAGE = {
    f"grader_tests/{name}.py": "def __getattr__(name):\n    return lambda *a, **k: None\n"
    for name in ["__init__", "lab01_gd"]
}

# student -> (cell replaced, its code, expected status, score)
CHEATS = {
    "reads_solution": ("answer_init", READS_SOLUTION, "graded", FULL - 1),
    "writes_shared_files": ("answer_init", WRITES_SHARED, "graded", FULL),
    "patches_comparisons": (
        "predict",
        PATCHES_COMPARISONS,
        "graded",
        FULL - WRONG_PREDICT_COST,
    ),
    "fake_grader_module": ("predict", FAKE_GRADER, "graded", FULL - WRONG_PREDICT_COST),
    "reads_answer_key": ("answer_init", READS_ANSWER_KEY, "graded", FULL - 1),
    "swallows_errors": ("answer_init", SWALLOWS_ERRORS, "graded", FULL - 1),
    "uses_network": ("answer_init", NETWORK, "graded", FULL),
    "memory_hog": ("answer_noise", MEMORY, "graded", FULL - 1),
    "fork_bomb": ("answer_noise", FORK_BOMB, "graded", FULL - 1),
    "hands_in_grader": ("predict", WRONG_PREDICT, "graded", FULL - WRONG_PREDICT_COST),
    "hands_in_grader_fallback": (
        "predict",
        WRONG_PREDICT,
        "graded",
        FULL - WRONG_PREDICT_COST,
    ),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _course(tmp: Path, cheats) -> Path:
    """A course with lab 01 released, the honest student and these cheats submitted."""
    root = make_course(tmp)
    release.release(LAB, root)
    demo.collect(root, labs={LAB}, students={"correct"})
    for student in cheats:
        cell, code, *_ = CHEATS[student]
        nb = nbformat.read(CORRECT, as_version=4)
        target = next(
            c
            for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade_id") == cell
        )
        target.source = code
        path = layout.notebook("submitted", LAB, student, root)
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
        if student.startswith("hands_in_grader"):
            for name, text in FAKE_PACKAGE.items():
                (path.parent / name).parent.mkdir(exist_ok=True)
                (path.parent / name).write_text(text)
    return root


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = _course(tmp_path_factory.mktemp("cheats"), CHEATS)
    grading.grade_one(root, LAB, "correct")  # the honest student, graded first
    victims = {
        p: _digest(p)
        for p in [
            layout.notebook("submitted", LAB, "correct", root),
            layout.notebook("autograded", LAB, "correct", root),
        ]
    }
    outcomes = {}
    for student in CHEATS:
        # the normal sandbox kernel, which grading falls back to without warm kernels
        fallback = student.endswith("_fallback")
        with pytest.MonkeyPatch.context() as mp:
            if fallback:
                mp.setenv("COURSEKIT_WARM", "off")
            outcomes[student] = grading.grade_one(root, LAB, student)
    return root, outcomes, victims


@pytest.mark.parametrize("student", CHEATS)
def test_cheat_earns_nothing(graded, student):
    """Does each cheat score only what its honest part earns?"""
    root, outcomes, _ = graded
    _, _, status, score = CHEATS[student]
    assert outcomes[student].status == status, outcomes[student].message
    with Gradebook(layout.gradebook_url(root)) as gb:
        cells = report.cell_scores(gb, LAB, student)
    assert sum(s for s, _ in cells.values()) == score


@pytest.fixture(scope="module")
def graded_by_nbgrader(tmp_path_factory):
    """The same cheats through plain `nbgrader autograde`, which starts its judge and
    warm kernels on demand (the fallback kernel is the course's grading's choice)."""
    cheats = [s for s in CHEATS if not s.endswith("_fallback")]
    root = _course(tmp_path_factory.mktemp("cheats-nbgrader"), cheats)
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSEKIT_")}
    nbgrader = Path(sys.executable).parent / "nbgrader"
    subprocess.run(
        [str(nbgrader), "autograde", LAB],
        cwd=root,
        env=env,
        capture_output=True,
        timeout=1500,
    )
    with Gradebook(layout.gradebook_url(root)) as gb:
        return {
            s: sum(a for a, _ in report.cell_scores(gb, LAB, s).values())
            for s in [*cheats, "correct"]
        }


@pytest.mark.parametrize("student", [s for s in CHEATS if not s.endswith("_fallback")])
def test_cheat_earns_nothing_through_plain_nbgrader(graded_by_nbgrader, student):
    """Through plain nbgrader autograde too, does each cheat score only its honest part?"""
    assert graded_by_nbgrader[student] == CHEATS[student][3]
    assert graded_by_nbgrader["correct"] == FULL


def test_code_that_reaches_for_the_grader_is_listed_for_a_ta(graded):
    """Are the cheats that use the grader's names listed, with the names, scores
    left as the judge gave them?"""
    from coursekit import integrity

    root, _, _ = graded
    found = {s.student: "; ".join(s.findings) for s in integrity.signals(root)}
    assert "grader_tests" in found["reads_answer_key"]
    assert "set_custom_exc" in found["swallows_errors"]
    assert "correct" not in found


def test_honest_student_is_untouched(graded):
    """Are the honest student's files and full marks intact after every cheat ran?"""
    root, _, victims = graded
    assert {p: _digest(p) for p in victims} == victims
    with Gradebook(layout.gradebook_url(root)) as gb:
        cells = report.cell_scores(gb, LAB, "correct")
    assert sum(s for s, _ in cells.values()) == FULL


def _outputs(root: Path, student: str) -> str:
    nb = nbformat.read(layout.notebook("autograded", LAB, student, root), as_version=4)
    return "".join(
        o.get("text", "") + o.get("evalue", "")
        for c in nb.cells
        for o in c.get("outputs", [])
    )


def test_shared_files_and_network_are_out_of_reach(graded):
    """Did writes to shared files fail or land in the sandbox's private /tmp, never on disk?"""
    root, _, _ = graded
    assert not (
        root / "grades.csv"
    ).exists()  # only the sandbox's private copy was written
    assert "network blocked" in _outputs(root, "uses_network")


def test_no_lab_solution_or_demo_trips_the_scan():
    """Would any honest notebook of the course be flagged by the integrity scan?"""
    from coursekit import integrity

    for path in sorted(REPO.glob("source/*/*.ipynb")) + sorted(
        REPO.glob("demo/submitted/*/*/*.ipynb")
    ):
        assert integrity.findings(nbformat.read(path, as_version=4)) == [], path


def test_fork_bomb_is_stopped_by_the_process_limit(graded):
    """Did the fork bomb end on the kernel's process cap, not on the cell timeout?"""
    from coursekit import sandbox

    root, outcomes, _ = graded
    assert sandbox.pids_cgroup_root() is not None, "no pids cgroup on this machine"
    assert "Resource temporarily unavailable" in _outputs(root, "fork_bomb")
    assert outcomes["fork_bomb"].seconds < 60
