"""Per-student data: the same id gives the same data in the notebook and in the
grader, ids give different data, and copied numbers lose points and are flagged.

The notebook's "Your data" cell is run as students and nbgrader run it (its
source, executed with the environment and working folder of each case) and
compared with grader_tests.core.variant / lab01_reference.student_params.
"""

from __future__ import annotations

import json
import os
import re
import stat

import nbformat
import numpy as np
import pytest
import torch

from coursekit import copies, demo, labkeys, layout, preprocessors, report
from coursekit.judge.server import Context
from grader_tests.lab01_gd_from_scratch import checks as lab
from grader_tests.lab01_gd_from_scratch import reference as ref

from .course import REPO, auto_points, cell_points
from .judging import judged

LAB = "01_gd_from_scratch"
KEY = labkeys.lab_key(LAB, labkeys.DEMO_SECRET)


def your_data_source(folder: str = "source") -> str:
    """The source of lab 01's "Your data" cell (the one with LAB_KEY)."""
    nb = nbformat.read(layout.notebook(folder, LAB, root=REPO), as_version=4)
    [cell] = [c for c in nb.cells if labkeys.key_in(c.source) is not None]
    return cell.source


def run_cell(student_id: str, monkeypatch, env: dict | None = None, cwd=None) -> dict:
    """Run the "Your data" cell with STUDENT_ID = student_id; return its globals."""
    for name in ("NBGRADER_EXECUTION", "JUPYTERHUB_USER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    if cwd is not None:
        monkeypatch.chdir(cwd)
    namespace = {"STUDENT_ID": student_id, "NOISE_STD": 0.2}
    exec(your_data_source(), namespace)
    return namespace


def data_of(namespace: dict) -> tuple[int, float, float]:
    return namespace["SEED"], namespace["TRUE_W"], namespace["TRUE_B"]


def params_data(p: ref.LabParams) -> tuple[int, float, float]:
    return p.seed, p.true_w, p.true_b


IDS = ["alice", "bob", "jdoe12", "Zoë Ñ", "o'brien", "a" * 80, "123"]


@pytest.mark.parametrize("student", IDS)
def test_notebook_cell_and_grader_give_the_same_data(student, monkeypatch):
    """Same id, same key: the notebook's seed and line are the grader's."""
    got = data_of(run_cell(student, monkeypatch))
    assert got == params_data(ref.student_params(KEY, student))


def test_no_id_gives_the_example_data(monkeypatch):
    """Without an id the notebook uses the document's numbers, which the text quotes."""
    namespace = run_cell("  ", monkeypatch)
    assert namespace["STUDENT"] == ""
    assert data_of(namespace) == params_data(ref.DEFAULT) == (42, 2.0, 3.0)
    assert ref.student_params(KEY, "") == ref.DEFAULT


def test_ids_give_different_data_in_the_lab_ranges():
    """200 ids: 200 seeds, slopes 1.0..3.0 and intercepts 2.0..4.0 by tenths."""
    params = [ref.student_params(KEY, f"student{i:03d}") for i in range(200)]
    assert len({p.seed for p in params}) == 200
    slopes = {p.true_w for p in params}
    intercepts = {p.true_b for p in params}
    assert slopes <= {k / 10 for k in range(10, 31)} and len(slopes) > 15
    assert intercepts <= {k / 10 for k in range(20, 41)} and len(intercepts) > 15
    # The lab's settings stay the lab's: only the data move.
    assert {(p.n, p.noise_std, p.lr, p.num_epochs) for p in params} == {
        (100, 0.2, 0.1, 1000)
    }


def test_another_lab_key_gives_other_data():
    """A new secret (next term) gives every student new data."""
    other = labkeys.lab_key(LAB, "next term's secret")
    assert other != KEY
    assert ref.student_params(other, "alice") != ref.student_params(KEY, "alice")


def test_every_variant_trains_to_its_least_squares_fit():
    """The lab's lr and epochs suit every student's data: the run ends at least squares."""
    for i in range(20):
        p = ref.student_params(KEY, f"s{i}")
        x, y = (t.double().numpy() for t in ref.reference_data(p))
        answers = ref.run_answers(p)
        A = np.hstack([x, np.ones_like(x)])
        w_ls, b_ls = np.linalg.lstsq(A, y, rcond=None)[0].ravel()
        # 1000 epochs leave (0.987)^1000 of the slow direction's start: ~1e-5.
        assert abs(answers["w"] - w_ls) < 1e-4 and abs(answers["b"] - b_ls) < 1e-4
        assert ref.reference_largest_stable_lr(x) > 5 * p.lr


def test_id_comes_from_grading_then_hub_then_cell(monkeypatch, tmp_path):
    """Order: the graded submission's id, JupyterHub's user, the STUDENT_ID cell."""
    folder = tmp_path / "autograded" / "carol" / LAB
    folder.mkdir(parents=True)
    graded = run_cell(
        "bob",
        monkeypatch,
        {"NBGRADER_EXECUTION": "autograde", "JUPYTERHUB_USER": "hubuser"},
        folder,
    )
    assert graded["STUDENT"] == "carol"
    assert data_of(graded) == params_data(ref.student_params(KEY, "carol"))
    hub = run_cell("bob", monkeypatch, {"JUPYTERHUB_USER": "hubuser"})
    assert hub["STUDENT"] == "hubuser"
    # nbgrader validate (a student's own check) is not grading: their id stands.
    validating = run_cell("bob", monkeypatch, {"NBGRADER_EXECUTION": "validate"})
    assert validating["STUDENT"] == "bob"


# ---- the secret and the lab keys ----


def test_lab_keys_differ_per_lab_and_secret():
    keys = {labkeys.lab_key(lab_id, s) for lab_id in ("a", "b") for s in ("x", "y")}
    assert len(keys) == 4
    assert all(re.fullmatch(r"[0-9a-f]{32}", k) for k in keys)


@pytest.mark.parametrize("folder", ["source", "release", "solutions"])
def test_committed_notebooks_carry_the_demo_key(folder):
    """The committed course is released with the demo secret (the tests' too)."""
    assert labkeys.key_in(your_data_source(folder)) == KEY


def test_secret_from_env_then_file_then_demo(monkeypatch, tmp_path):
    monkeypatch.delenv(labkeys.SECRET_ENV)
    assert labkeys.course_secret(tmp_path) == (labkeys.DEMO_SECRET, "the demo secret")
    assert "demo secret" in labkeys.secret_notice(tmp_path)
    path = labkeys.make_secret(tmp_path)
    secret = path.read_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", secret)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert labkeys.course_secret(tmp_path) == (secret, str(path))
    monkeypatch.setenv(labkeys.SECRET_ENV, "from the environment")
    assert labkeys.course_secret(tmp_path)[0] == "from the environment"


def test_make_secret_never_replaces_one(monkeypatch, tmp_path):
    path = tmp_path / labkeys.SECRET_FILE
    path.write_text("the term's secret\n")
    with pytest.raises(FileExistsError, match="new data"):
        labkeys.make_secret(tmp_path)
    assert path.read_text() == "the term's secret\n"


# ---- the check of the run ----


def float32_run(p: ref.LabParams) -> tuple[torch.Tensor, torch.Tensor]:
    """What a correct notebook's run gives: the loop in float32 on p's data."""
    x, y = ref.reference_data(p)
    w, b = torch.tensor(p.w0), torch.tensor(p.b0)
    for _ in range(p.num_epochs):
        error = w * x + b - y
        w, b = w - p.lr * 2 * (x * error).mean(), b - p.lr * 2 * error.mean()
    return w, b


def check_run(w, b, student):
    """The run's check, judged as grading judges it: the grader names the student."""
    judged(lab.check_run, w, b, context=Context(LAB, student, KEY))


def test_check_run_passes_a_students_own_run():
    for student in ["alice", ""] + [f"s{i}" for i in range(30)]:
        check_run(*float32_run(ref.student_params(KEY, student)), student)


def test_check_run_fails_another_students_numbers():
    w, b = float32_run(ref.student_params(KEY, "bob"))
    with pytest.raises(AssertionError, match="student 'alice'.*other data"):
        check_run(w, b, "alice")


def test_check_run_names_the_example_data():
    w, b = float32_run(ref.DEFAULT)
    with pytest.raises(AssertionError, match="example data's numbers, not yours"):
        check_run(w, b, "alice")


def test_check_run_grades_with_the_graders_id():
    """A copied notebook worked with alice's data, but it is carol's submission:
    the grader says whose it is, and the check takes no id from the notebook."""
    alice = float32_run(ref.student_params(KEY, "alice"))
    with pytest.raises(AssertionError, match="student 'carol'"):
        check_run(*alice, "carol")
    check_run(*float32_run(ref.student_params(KEY, "carol")), "carol")
    with pytest.raises(TypeError):
        lab.check_run(*alice, KEY, "alice")  # the old signature, with the notebook's id


@pytest.mark.parametrize(
    "w, match",
    [
        (float("nan"), "diverged"),
        ("1.9", "should be a number"),
        (torch.ones(3), r"3 elements \(shape \(3,\)\); expected one number"),
    ],
)
def test_check_run_explains_values_that_are_not_numbers(w, match):
    with pytest.raises(AssertionError, match=match):
        check_run(w, 3.0, "alice")


# ---- the id worked with, copy signals, the demo class ----


def notebook(cells: list) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    return nb


def key_cell(printed: str | None) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(f'LAB_KEY = "{KEY}"\nprint(...)')
    if printed is not None:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    return cell


@pytest.mark.parametrize(
    "cells, expected",
    [
        (
            [
                nbformat.v4.new_code_cell('STUDENT_ID = ""'),
                key_cell("Data for student 'hubuser' (your JupyterHub user name):\n"),
            ],
            ("hubuser", "the notebook's output"),
        ),
        (
            [nbformat.v4.new_code_cell('STUDENT_ID = "bob"  # x'), key_cell(None)],
            ("bob", "its STUDENT_ID cell"),
        ),
        (
            [key_cell("Data for no student id (no id set: the example data):\n")],
            ("", "the notebook's output"),
        ),
        (
            [key_cell('Data for student "o\'brien" (STUDENT_ID above):\n')],
            ("o'brien", "the notebook's output"),
        ),
        ([nbformat.v4.new_code_cell("x = 1")], None),
    ],
)
def test_worked_as_reads_output_then_id_cell(cells, expected):
    assert labkeys.worked_as(notebook(cells)) == expected


def test_feedback_notes_only_a_different_id():
    nb = notebook([nbformat.v4.new_code_cell("x = 1")])
    nb.metadata[labkeys.META] = {"worked_as": "bob", "seen_in": "its STUDENT_ID cell"}
    resources = {"nbgrader": {"student": "bob"}}
    same, _ = preprocessors.NoteWorkingId().preprocess(nb, resources)
    assert len(same.cells) == 1
    resources["nbgrader"]["student"] = "carol"
    other, _ = preprocessors.NoteWorkingId().preprocess(nb, resources)
    assert other.cells[0].cell_type == "markdown"
    assert "worked with the id 'bob'" in other.cells[0].source
    assert "graded with the data of 'carol'" in other.cells[0].source


def autograded(root, student: str, printed: str) -> None:
    """An autograded lab 01 notebook whose run cell printed `printed`."""
    run = nbformat.v4.new_code_cell("print(...)")
    run.metadata["nbgrader"] = {"grade_id": ref.REPORTED_CELL, "grade": True}
    run.outputs = [nbformat.v4.new_output("stream", name="stdout", text=printed)]
    path = layout.notebook("autograded", LAB, student, root)
    path.parent.mkdir(parents=True)
    nbformat.write(notebook([key_cell(None), run]), path)


def printed_run(student: str) -> str:
    w, b = float32_run(ref.student_params(KEY, student))
    return f"your run: w = {float(w):.6f}, b = {float(b):.6f}\n"


def test_copy_signal_names_both_students(tmp_path):
    (tmp_path / "source" / LAB).mkdir(parents=True)
    autograded(tmp_path, "alice", printed_run("alice"))
    autograded(tmp_path, "bob", printed_run("alice"))  # bob typed in alice's
    autograded(tmp_path, "carol", printed_run(""))  # carol: the example data's
    autograded(tmp_path, "dan", "your run: w = 1.0, b = 1.0\n")  # wrong, no one's
    found = {(s.student, s.fits) for s in copies.signals(tmp_path)}
    assert found == {("bob", "alice"), ("carol", "")}
    [bob] = [s for s in copies.signals(tmp_path) if s.student == "bob"]
    assert "'bob' reports numbers that fit the data of student 'alice'" in (
        copies.describe(bob)
    )


def test_demo_build_sets_the_id_and_pastes_numbers():
    """The demo class: its own id in STUDENT_ID, or none, or another's numbers."""
    subs = {s.student: s for s in demo.load(REPO / "demo") if s.lab == LAB}
    correct = demo.build(subs["correct"], REPO)
    assert labkeys.worked_as(correct) == ("correct", "its STUDENT_ID cell")
    assert labkeys.worked_as(demo.build(subs["forgot_id"], REPO))[0] == ""
    pasted = demo.build(subs["pastes_numbers"], REPO)
    [run] = [c for c in pasted.cells if demo._grade_id(c) == "train_run"]
    numbers = ref.run_answers(ref.student_params(KEY, "correct"))
    assert f"w = torch.tensor({numbers['w']!r})" in run.source


# ---- through the real autograde, with a term's own secret ----


@pytest.mark.slow
def test_a_terms_secret_reaches_release_and_grading(tmp_path, monkeypatch):
    """Released with a secret of its own, two students get different data and full
    marks; one's numbers pasted into another's lose the runs' points and are flagged;
    a submission that edits its LAB_KEY is graded with the released key anyway."""
    from coursekit import grading, release

    from .course import make_course

    monkeypatch.setenv(labkeys.SECRET_ENV, "spring term secret")
    root = make_course(tmp_path)
    release.release(LAB, root)
    key = labkeys.released_key(LAB, root)
    assert key == labkeys.lab_key(LAB, "spring term secret") != KEY
    subs = {s.student: s for s in demo.load(root / "demo") if s.lab == LAB}
    for student in ("ann", "ben", "cat", "dee"):
        nb = demo.build(subs["correct"], root)
        if student == "cat":  # types in ann's numbers
            sub = demo.DemoSubmission("cat", LAB, "", pastes_numbers_of="ann")
            nb = demo.build(sub, root)
        if student == "dee":  # edits the key to the demo one
            for cell in nb.cells:
                if labkeys.key_in(cell.source):
                    cell.source = cell.source.replace(key, KEY)
        path = layout.notebook("submitted", LAB, student, root)
        path.parent.mkdir(parents=True)
        nbformat.write(nb, path)
    outcomes = grading.autograde_all(root, jobs=2)
    assert {o.status for o in outcomes} == {"graded"}
    totals = {r.student: r.score for r in report.rows(root)}
    full = auto_points(LAB)
    # cat loses what the demo class's pasting student loses: the runs' cells
    pasted = cell_points(LAB, subs["pastes_numbers"].loses)
    assert pasted > 0
    assert totals == {"ann": full, "ben": full, "cat": full - pasted, "dee": full}
    seen = {}
    for student in ("ann", "ben", "dee"):
        nb = json.loads(layout.notebook("autograded", LAB, student, root).read_text())
        [cell] = [c for c in nb["cells"] if labkeys.key_in("".join(c["source"]))]
        assert labkeys.key_in("".join(cell["source"])) == key  # restored
        seen[student] = "".join("".join(o["text"]) for o in cell["outputs"])
        p = ref.student_params(key, student)
        assert f"seed {p.seed}" in seen[student]
    assert seen["ann"] != seen["ben"]
    assert [(s.student, s.fits) for s in copies.signals(root)] == [("cat", "ann")]
    assert os.environ[labkeys.SECRET_ENV] == "spring term secret"
