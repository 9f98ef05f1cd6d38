"""Can an instructor add a lab with `new-lab`, and is it released and graded correctly?

The end-to-end test creates a lab in a throwaway copy of the course (with its
own copy of `grader_tests`, put first on the kernels' PYTHONPATH so that they
import the new check module), releases it, and grades its demo class with the
real nbgrader autograde.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit import demo, grading, layout, mutants, newlab, pairs, release, report
from coursekit.__main__ import main

from .course import REPO, make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

LAB = "07_something"


@pytest.mark.parametrize(
    "name, fragment",
    [
        ("7_x", "'7_x' is not a lab name: use two digits, an underscore"),
        ("07-Logistic", "is not a lab name"),
        ("07_", "is not a lab name"),
        ("07_a__b", "is not a lab name"),
        ("03_autograd", "source/03_autograd already exists: pick another name."),
        (
            "03_other",
            "lab number 03 is taken by 03_autograd: pick an unused number "
            "(the next free one is 07).",
        ),
    ],
)
def test_bad_or_used_names_are_refused(tmp_path, capsys, name, fragment):
    """Does new-lab refuse a bad or used name with a clear message, writing nothing?"""
    course = make_course(tmp_path)
    before = sorted(p for p in course.rglob("*"))
    assert main(["--course", str(course), "new-lab", name]) == 2
    assert fragment in capsys.readouterr().err
    assert sorted(p for p in course.rglob("*")) == before


def test_an_existing_file_is_never_overwritten(tmp_path, capsys):
    """Is a left-over check module kept, and the lab refused?"""
    course = make_course(tmp_path)
    module = course / "grader_tests" / "lab07_something" / "checks.py"
    module.parent.mkdir(parents=True)
    module.write_text("# mine\n")
    assert main(["--course", str(course), "new-lab", LAB]) == 2
    err = capsys.readouterr().err
    assert "grader_tests/lab07_something/checks.py already exists" in err
    assert module.read_text() == "# mine\n"
    assert not (course / "source" / LAB).exists()


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A course copy with the new lab created by the command line."""
    root = make_course(tmp_path_factory.mktemp("course"))
    shutil.copytree(REPO / "grader_tests", root / "grader_tests")
    (root / "tests").mkdir()
    for name in ("__init__.py", "judging.py"):  # the new lab's tests judge with it
        shutil.copy(REPO / "tests" / name, root / "tests" / name)
    assert main(["--course", str(root), "new-lab", LAB]) == 0
    return root


def test_new_lab_files_and_next_steps(course, capsys):
    """Are the lab's files where the course looks for them, and the next steps printed?"""
    assert LAB in layout.labs(course)
    files = newlab.planned_files(LAB, course)
    assert all(path.is_file() for path in files)
    text = newlab.next_steps(LAB, list(files), course)
    assert "  source/07_something/07_something.ipynb" in text
    assert "  labs/07_something.py" in text
    # the shape of the course's labs: a package of checks, tests named like theirs
    for part in ("checks", "reference", "mistakes"):
        assert (course / "grader_tests" / "lab07_something" / f"{part}.py").is_file()
    for part in ("checks", "reference"):
        assert (course / "tests" / f"test_grader_lab07_{part}.py").is_file()
    assert LAB not in pairs.out_of_sync(course)
    assert "make release && make demo-build" in text
    assert LAB in {m.lab for m in mutants.load(course / "mutants")}


def test_new_lab_passes_the_linters(course):
    """Does the template follow the course's rules, and ruff's?"""
    # the course's own grader_tests (with the new lab's checks) first on the path
    env = {**os.environ, "PYTHONPATH": str(course)}
    done = subprocess.run(
        [sys.executable, "-m", "coursekit", "--course", str(course), "lint-course"],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    ruff = Path(sys.executable).parent / "ruff"
    # the notebook and Python files; ruff leaves the paired script in labs/ alone
    # (pyproject.toml), as it does the course's other labs' scripts
    files = [
        str(p)
        for p in newlab.planned_files(LAB, course)
        if p.suffix in (".py", ".ipynb") and p.parent.name != "labs"
    ]
    for command in (["check"], ["format", "--check"]):
        config = ["--config", str(REPO / "pyproject.toml")]
        done = subprocess.run([ruff, *command, *config, *files], capture_output=True)
        assert done.returncode == 0, done.stdout.decode() + done.stderr.decode()


def test_new_lab_check_tests_pass(course):
    """Do the unit tests written for the new check module pass?"""
    tests = [
        course / "tests" / f"test_grader_lab07_{part}.py"
        for part in ("checks", "reference")
    ]
    env = {**os.environ, "PYTHONPATH": str(course)}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *map(str, tests),
        ],
        cwd=course,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert " passed" in done.stdout


def test_new_lab_is_released_and_its_demo_class_graded(course, monkeypatch):
    """Released, does the correct demo get full marks and the blank release 0?

    The lab's third demo student (sum_not_mean, 1 of 2) is graded with every
    lab's demo class once the lab is in the course; two submissions keep this
    test short.
    """
    monkeypatch.setenv("PYTHONPATH", str(course))  # the kernels import the new checks
    release.release(LAB, course)
    released = layout.notebook("release", LAB, root=course).read_text()
    assert "BEGIN SOLUTION" not in released and "grader_tests" not in released
    subs = [s for s in demo.load(course / "demo") if s.lab == LAB]
    assert [s.student for s in subs] == ["correct", "blank", "sum_not_mean"]
    for sub in subs[:2]:
        path = layout.notebook("submitted", LAB, sub.student, course)
        path.parent.mkdir(parents=True)
        nbformat.write(demo.build(sub, course), path)
    outcomes = grading.autograde_all(course, jobs=2)
    assert {(o.student, o.status) for o in outcomes} == {
        ("correct", "graded"),
        ("blank", "graded"),
    }
    rows = [r for r in report.rows(course) if r.lab == LAB]
    scores = {r.student: (r.score, r.max_score, r.lost) for r in rows}
    cells = ("test_lab07_mse_form", "test_lab07_mse_value")
    assert scores == {"correct": (2, 2, ()), "blank": (0, 2, cells)}
    assert set(subs[1].loses) == set(cells)


def test_demo_of_an_unknown_lab_is_refused(capsys):
    """Does `demo --lab` with a typo say so, instead of an nbgrader traceback?"""
    assert main(["--course", str(REPO), "demo", "--lab", "09_nope"]) == 2
    assert "no lab '09_nope' in" in capsys.readouterr().err
