"""Does the instructor's pipeline work end to end with the real nbgrader?

One module-scoped course folder is released and graded once (the demo
class, in-process, by two worker processes); the tests then ask questions of
its gradebook, feedback and output.
"""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from coursekit import classreport, copies, demo, grading, labkeys, layout, report
from grader_tests.core import named

from .course import REPO, make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

SUBMISSIONS = demo.load(REPO / "demo")


@pytest.fixture(scope="module")
def graded(graded_course) -> tuple[Path, list[grading.Outcome]]:
    """The demo class graded once per test session (tests/conftest.py)."""
    return graded_course


def test_release_matches_committed_release_and_solutions(graded):
    """Is release/ (and solutions/) exactly what nbgrader generates today from the
    notebooks that the paired scripts in labs/ give?"""
    root, _ = graded
    for lab in layout.labs(REPO):
        for step in ("release", "solutions"):
            fresh = layout.notebook(step, lab, root=root).read_bytes()
            committed = layout.notebook(step, lab, root=REPO).read_bytes()
            assert fresh == committed, (
                f"{step}/{lab} is out of date: run `make release`"
            )


def test_demo_submissions_match_their_descriptions(tmp_path):
    """Are the committed demo notebooks what demo/<lab>.toml builds?"""
    for path in demo.write_all(tmp_path, REPO):
        committed = REPO / "demo" / "submitted" / path.relative_to(tmp_path)
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} is stale: run `make demo-build`"
        )


def test_every_submission_is_graded(graded):
    """Does every demo submission, the crashing one included, get a grade?"""
    _, outcomes = graded
    assert [o.status for o in outcomes] == ["graded"] * len(SUBMISSIONS)


@pytest.mark.parametrize("sub", SUBMISSIONS, ids=lambda s: f"{s.student}-{s.lab}")
def test_submission_loses_exactly_its_cells(graded, sub):
    """Does each demo submission lose exactly the auto-graded cells written next to it?"""
    root, _ = graded
    from nbgrader.api import Gradebook

    with Gradebook(layout.gradebook_url(root)) as gb:
        cells = report.cell_scores(gb, sub.lab, sub.student)
    by_hand = report.hand_graded(root, sub.lab)
    lost = {n for n, (score, top) in cells.items() if score < top and n not in by_hand}
    assert lost == set(sub.loses)
    # a lost cell loses all its points: partial credit comes from splitting cells
    assert all(score == 0 for name, (score, _) in cells.items() if name in lost)


def test_correct_is_full_and_blank_is_zero(graded):
    """Full auto-graded marks for the solution (hand-graded answers wait), 0 for blank."""
    root, _ = graded
    table = {(r.student, r.lab): r for r in report.rows(root)}
    for lab in layout.labs(REPO):
        correct = table[("correct", lab)]
        assert correct.score + correct.to_grade == correct.max_score > 0
        assert table[("blank", lab)].score == 0


def test_hand_graded_answers_wait_for_a_grader(graded):
    """Do free-text answers of the solution show up in formgrader as needing grading?"""
    root, _ = graded
    from nbgrader.api import Gradebook

    with Gradebook(layout.gradebook_url(root)) as gb:
        for lab in layout.labs(REPO):
            by_hand = report.hand_graded(root, lab)
            assert report.waiting_for_grader(gb, lab, "correct") == by_hand


def test_feedback_shows_no_hidden_tests(graded):
    """Does generated feedback keep the check's message but none of the hidden test code?"""
    root, _ = graded
    pages = sorted((root / "feedback").rglob("*.html"))
    assert len(pages) == len(SUBMISSIONS)
    for page in pages:
        html = page.read_text()
        assert "BEGIN HIDDEN TESTS" not in html
        assert "grader_tests" not in html
        assert "lab.check_" not in html
    sums = (root / "feedback" / "sum_not_mean").rglob("*.html")
    assert (
        "did you sum over the examples instead of averaging" in next(sums).read_text()
    )


def test_feedback_quotes_no_reference_values(graded):
    """Do hidden checks' reference values ("expected 0.1103") stay out of feedback?

    Every such clause in the autograded notebooks' hidden-test outputs must
    reach the feedback as "expected …", next to the student's own value.
    """
    import html

    import nbformat

    from coursekit import preprocessors, redact

    root, _ = graded
    quoted = 0
    for sub in SUBMISSIONS:
        autograded = layout.notebook("autograded", sub.lab, sub.student, root)
        page = root / "feedback" / sub.student / sub.lab / f"{sub.lab}.html"
        if not autograded.exists():
            continue
        text = html.unescape(page.read_text())
        nb = nbformat.read(autograded, as_version=4)
        # what the student's own cells print (a ValueError's "(expected 3)", say)
        # is theirs to see, not a reference value
        own = "".join(
            str(output.get("evalue", "")) + str(output.get("text", ""))
            for cell in nb.cells
            if not preprocessors.HIDDEN.search(cell.source)
            for output in cell.get("outputs", [])
        )
        for cell in nb.cells:
            if not preprocessors.HIDDEN.search(cell.source):
                continue
            visible = preprocessors.strip_hidden(cell.source)
            for output in cell.get("outputs", []):
                message = output.get("evalue", "")
                for match in redact.REFERENCE.finditer(message):
                    if match.group(0) in visible or match.group(0) in own:
                        continue  # the release shows it too, or the student's code
                    quoted += 1
                    assert match.group(0) not in text, (sub.student, match.group(0))
                    assert f"{match.group(1)} {redact.HIDDEN_VALUE}" in text
    assert quoted > 0  # some wrong answers in the demo class do quote references


def test_grades_csv_has_every_submission(graded):
    """Does grades.csv (nbgrader export) carry each submission's score from the gradebook?

    nbgrader writes a row for every student and lab, 0 where nothing was handed in.
    """
    root, _ = graded
    with (root / "grades.csv").open() as fh:
        exported = {
            (r["student_id"], r["assignment"]): float(r["score"])
            for r in csv.DictReader(fh)
        }
    students = {sub.student for sub in SUBMISSIONS}
    assert len(exported) == len(students) * len(layout.labs(REPO))
    for row in report.rows(root):
        assert exported[(row.student, row.lab)] == row.score


def test_second_run_skips_and_keeps_grades(graded):
    """Does grading again leave every grade as it was, without regrading?"""
    root, _ = graded
    before = report.rows(root)
    outcomes = grading.autograde_all(root)
    assert {o.status for o in outcomes} == {"up to date"}
    assert report.rows(root) == before


def test_a_changed_check_regrades_what_it_grades(tmp_path, monkeypatch):
    """After a fix in grader_tests, does a plain second run regrade, unforced?"""
    from coursekit import release

    root = make_course(tmp_path)
    release.release("01_gd_from_scratch", root)
    demo.collect(root, labs={"01_gd_from_scratch"}, students={"correct"})
    assert [o.status for o in grading.autograde_all(root)] == ["graded"]
    assert [o.status for o in grading.autograde_all(root)] == ["up to date"]
    monkeypatch.setattr(grading, "checks_version", lambda: "a check was fixed")
    assert [o.status for o in grading.autograde_all(root)] == ["graded"]


def test_checks_version_follows_the_code_of_the_checks(tmp_path):
    """Does the digest change with a module's text, a new module and a rename?"""
    (tmp_path / "lab.py").write_text("ANSWERS = {'init': 'c'}\n")
    first = grading.checks_version(tmp_path)
    assert first == grading.checks_version(tmp_path)
    (tmp_path / "lab.py").write_text("ANSWERS = {'init': 'a'}\n")
    second = grading.checks_version(tmp_path)
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "compare.py").write_text("")
    third = grading.checks_version(tmp_path)
    (tmp_path / "core" / "compare.py").rename(tmp_path / "core" / "messages.py")
    fourth = grading.checks_version(tmp_path)
    assert len({first, second, third, fourth}) == 4
    assert grading.checks_version() != first  # the real package is read by default


def test_nbgrader_cli_gives_the_same_grades(graded, tmp_path):
    """Does plain, serial `nbgrader autograde <lab>` give the grades of the parallel run?

    One lab is enough to show that the CLI and coursekit's parallel in-process
    runs agree; grading every lab twice would double the suite's longest part.
    """
    root, _ = graded
    lab = layout.labs(REPO)[0]
    cli = make_course(tmp_path)
    nbgrader = Path(sys.executable).parent / "nbgrader"
    subprocess.run(
        [nbgrader, "generate_assignment", lab, "--force"],
        cwd=cli,
        check=True,
        capture_output=True,
    )
    demo.collect(cli, labs={lab})
    subprocess.run(
        [nbgrader, "autograde", lab], cwd=cli, check=True, capture_output=True
    )
    assert report.rows(cli) == [r for r in report.rows(root) if r.lab == lab]


def test_grades_by_question_add_up_to_the_gradebook(graded):
    """Does grades-by-question.csv give each graded cell's score, summing to the gradebook's?"""
    root, _ = graded
    path = classreport.write_question_csv(root)
    with path.open() as fh:
        table = list(csv.DictReader(fh))
    columns = list(table[0])
    assert columns[0] == "student_id"
    for lab in layout.labs(REPO):
        ids = [c.split("/", 1)[1] for c in columns if c.startswith(f"{lab}/")]
        assert ids == [q.grade_id for q in classreport.questions(root, lab)]
    by_student = {r["student_id"]: r for r in table}
    assert set(by_student) == {sub.student for sub in SUBMISSIONS}
    rows = report.rows(root)
    from nbgrader.api import Gradebook

    with Gradebook(layout.gradebook_url(root)) as gb:
        waiting = {
            (r.student, r.lab): report.waiting_for_grader(gb, r.lab, r.student)
            for r in rows
        }
    for row in rows:
        mine = [
            v for k, v in by_student[row.student].items() if k.startswith(f"{row.lab}/")
        ]
        assert sum(float(v) for v in mine if v) == row.score
        # a cell waiting for a grader is empty, not 0
        assert mine.count("") == len(waiting[(row.student, row.lab)])
    # a lab a student did not hand in is empty
    handed_in = {(r.student, r.lab) for r in rows}
    for student, values in by_student.items():
        for key, value in values.items():
            if key != "student_id" and (student, key.split("/")[0]) not in handed_in:
                assert value == ""


def test_report_names_the_mistakes_the_checks_diagnosed(graded):
    """Does the class report count the demo class's mistakes, each where points were lost?"""
    root, _ = graded
    from nbgrader.api import Gradebook

    found = classreport.diagnosed(classreport.read(root).notebooks)
    mine = {(f.student, f.lab, f.grade_id): f.mistake for f in found}
    lab01 = "01_gd_from_scratch"
    assert mine[("sum_not_mean", lab01, "test_gradient_w")] == "SummedNotAveraged"
    assert mine[("sum_not_mean", lab01, "test_gradient_b")] == "SummedNotAveraged"
    assert mine[("no_bias_gradient", lab01, "test_gradient_b")] == (
        "GradientNotComputed"
    )
    assert not [f for f in found if f.student == "correct"]
    losses = {(s.student, s.lab): set(s.loses) for s in SUBMISSIONS}
    with Gradebook(layout.gradebook_url(root)) as gb:
        for f in found:  # a diagnosed mistake always cost its cell's points
            assert f.grade_id in losses[(f.student, f.lab)]
            assert report.cell_scores(gb, f.lab, f.student)[f.grade_id][0] == 0
    counts = {label: n for label, n, _, _ in classreport.mistake_rows(found)}
    summed = {(f.student, f.lab) for f in found if f.mistake == "SummedNotAveraged"}
    label = named.MISTAKES["SummedNotAveraged"]
    assert counts[label] == len(summed) >= 1


def test_report_page_has_histograms_pass_rates_and_mistakes(graded):
    """Does report/index.html show a histogram per lab, pass rates and the mistakes table?"""
    root, _ = graded
    page = classreport.write_html(root).read_text()
    labs = layout.labs(REPO)
    assert page.count('src="data:image/png;base64,') == len(labs)
    assert named.MISTAKES["SummedNotAveraged"] in page
    record = classreport.read(root)
    table = record.scores
    lab = labs[0]
    submitted = [cells for (_, lb), cells in table.items() if lb == lab]
    for q, full, done, waiting in classreport.pass_rates(record, lab):
        assert done + waiting == len(submitted)
        assert full == sum(c[q.grade_id] == q.points for c in submitted)
        assert f"<td>{q.grade_id}</td><td>{q.points:g}" in page


def test_demo_class_has_own_data_and_a_flagged_copy(graded):
    """Lab 01's demo students each have their own data; the one who typed in
    'correct''s numbers is flagged with both ids, the one who worked without an
    id is told so in the feedback, and the report lists both."""
    root, _ = graded
    lab = "01_gd_from_scratch"
    printed = {}
    for sub in SUBMISSIONS:
        if sub.lab != lab or sub.blank:
            continue
        path = layout.notebook("autograded", lab, sub.student, root)
        for cell in nbformat.read(path, as_version=4).cells:
            if labkeys.key_in(cell.source) is not None:
                printed[sub.student] = "".join(o.get("text", "") for o in cell.outputs)
    assert len(printed) >= 8
    assert all(f"student {s!r}" in text for s, text in printed.items())
    assert len(set(printed.values())) == len(printed)  # data differ per student
    assert [(s.student, s.fits) for s in copies.signals(root)] == [
        ("pastes_numbers", "correct")
    ]
    forgot = (root / "feedback" / "forgot_id" / lab / f"{lab}.html").read_text()
    assert "worked with no id (the example data)" in forgot
    assert "graded with the data of &#39;forgot_id&#39;" in forgot or (
        "graded with the data of 'forgot_id'" in forgot
    )
    own = (root / "feedback" / "correct" / lab / f"{lab}.html").read_text()
    assert "This notebook was worked with" not in own
    page = classreport.write_html(root).read_text()
    assert "<td>pastes_numbers</td><td>correct</td>" in page
    assert "<td>forgot_id</td><td>no id (example data)</td>" in page
