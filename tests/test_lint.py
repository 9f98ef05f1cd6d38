"""Does the course linter pass the course, and catch each broken rule with a clear message?

Each rule is tested on a small notebook built with nbformat's v4 helpers (as
nbgrader's own tests build theirs): a lab that follows every rule, then the
same lab with one rule broken.
"""

from __future__ import annotations

import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from coursekit import choices, layout, lint

from .course import REPO, make_course

ANSWER = '''def mse(y_hat, y):
    """Mean squared error."""
    ### BEGIN SOLUTION
    loss = ((y_hat - y) ** 2).mean()
    ### END SOLUTION
    return loss'''
TEST = """assert mse is not None
### BEGIN HIDDEN TESTS
from coursekit import judge

judge.check("mse", mse)
### END HIDDEN TESTS"""


def nbgrader(grade_id, grade=False, solution=False, points=None, locked=True):
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def title(text="# Lab 07: X (2 points)", grade_id="x_title"):
    return new_markdown_cell(text, metadata=nbgrader(grade_id))


def answer(source=ANSWER, grade_id="x_mse"):
    return new_code_cell(
        source, metadata=nbgrader(grade_id, solution=True, locked=False)
    )


def graded_cell(source=TEST, grade_id="test_x_mse", points=2):
    return new_code_cell(source, metadata=nbgrader(grade_id, grade=True, points=points))


def notebook(*cells):
    nb = new_notebook(cells=list(cells))
    nb.metadata.kernelspec = {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    }
    return nb


def good():
    return notebook(title(), answer(), graded_cell())


def problems(nb, lab="07_x"):
    return lint.lint_notebook(lab, nb)


def only(found, rule):
    """The single problem found, which must break `rule`."""
    assert [p.rule for p in found] == [rule], [str(p) for p in found]
    return str(found[0])


def test_the_course_passes():
    """Does every lab of this course follow every rule?"""
    found = lint.lint_course(REPO)
    assert found == [], "\n".join(map(str, found))


def test_a_good_lab_passes():
    """Is the small lab the other tests break clean to begin with?"""
    assert problems(good()) == []
    assert lint.lint_grade_ids({"07_x": good(), "08_y": notebook()}) == []


def test_grade_ids_are_unique_across_the_course():
    """Is a grade id used in two labs named, with both places?"""
    other = notebook(title("# Lab 08: Y", "y_title"), answer(grade_id="x_mse"))
    text = only(lint.lint_grade_ids({"07_x": good(), "08_y": other}), "unique-grade-id")
    assert text.startswith("source/08_y/08_y.ipynb, cell 1 (x_mse): grade id 'x_mse'")
    assert "already used by source/07_x/07_x.ipynb, cell 1 (x_mse)" in text


def test_an_answer_without_a_test_cell_is_caught():
    """Is an answer cell that no test cell follows named?"""
    alone = notebook(title("# Lab 07: X (0 points)"), answer())
    assert "no test cell after it uses mse" in only(problems(alone), "answer-graded")
    found = problems(notebook(title(), graded_cell(), answer()))
    assert [p.rule for p in found] == ["answer-graded"]
    assert str(found[0]).startswith("source/07_x/07_x.ipynb, cell 2 (x_mse): answer")
    assert "no test cell after it uses mse" in str(found[0])


def test_an_answer_whose_tests_use_something_else_is_caught():
    """A test cell follows, but never calls what the answer defines: still ungraded."""
    other = TEST.replace("mse", "mae")
    text = only(
        problems(notebook(title(), answer(), graded_cell(other))), "answer-graded"
    )
    assert "no test cell after it uses mse" in text


@pytest.mark.parametrize("points", [None, 0, -1, "2"])
def test_a_graded_cell_without_points_is_caught(points):
    """Is a test cell with no (or no positive) points named?"""
    nb = notebook(title("# Lab 07: X (0 points)"), answer(), graded_cell(points=points))
    text = only(problems(nb), "points")
    assert text.startswith("source/07_x/07_x.ipynb, cell 2 (test_x_mse): graded cell")


@pytest.mark.parametrize(
    "heading, fragment",
    [
        (
            "# Lab 07: X (3 points)",
            "the title says 3 points but the graded cells add up to 2",
        ),
        (
            "# Lab 07: X",
            "does not show the lab's total: its graded cells add up to 2 points",
        ),
        ("## Lab 07: X (2 points)", "no title heading"),
    ],
)
def test_the_title_must_show_the_total(heading, fragment):
    """Does the title heading have to show the sum of the cells' points?"""
    text = only(
        problems(notebook(title(heading), answer(), graded_cell())), "title-points"
    )
    assert fragment in text


@pytest.mark.parametrize(
    "hidden, fragment",
    [
        (
            "from coursekit import judge\n\nassert abs(mse(1, 2) - 1) < 1e-9",
            "its statement is a Assert, not a call",
        ),
        (
            'from coursekit import judge\n\nx = 2\njudge.check("mse", mse)',
            "has 2 statements besides the import, expected one call",
        ),
        (
            'import numpy as np\nfrom coursekit import judge\n\njudge.check("mse", mse)',
            "its imports are 'import numpy as np; from coursekit import judge'",
        ),
        (
            "from coursekit import judge\n\nprint(mse(1, 2))",
            "it calls print, not judge.check",
        ),
        (
            "from grader_tests import lab07_x as lab\n\nlab.check_mse(mse)",
            "expected 'from coursekit import judge' alone",
        ),
        (
            "from coursekit import judge\n\njudge.check(NAME, mse)",
            "judge.check's first argument must be the check's name, a string",
        ),
    ],
)
def test_hidden_tests_are_one_judged_check(hidden, fragment):
    """Is hidden logic written in the notebook (not a judged check) caught?"""
    source = f"assert mse is not None\n{lint.HIDDEN[0]}\n{hidden}\n{lint.HIDDEN[1]}"
    text = only(
        problems(notebook(title(), answer(), graded_cell(source))), "hidden-tests"
    )
    assert "cell 2 (test_x_mse): hidden tests must be one judged check" in text
    assert fragment in text


def test_a_graded_test_cell_needs_a_judged_check():
    """Is a test cell whose points rest on visible checks alone named?"""
    visible = graded_cell("assert mse(1, 2) == 1")
    text = only(problems(notebook(title(), answer(), visible)), "hidden-tests")
    assert "a graded test cell without a judged check" in text


def test_a_check_the_lab_does_not_have_is_named():
    """Is a judged check whose name is not among the lab's checks caught?"""
    nb = notebook(title(), answer(), graded_cell())
    text = only(lint.lint_notebook("07_x", nb, {"loss"}), "hidden-tests")
    assert "the lab has no check named 'mse' in grader_tests (known: loss)" in text
    assert lint.lint_notebook("07_x", nb, {"mse"}) == []


def test_a_lab_without_checks_in_grader_tests_is_named(tmp_path):
    """Is a lab that grader_tests has no checks for caught by the course lint?"""
    root = make_course(tmp_path)
    folder = root / "source" / "07_x"
    folder.mkdir()
    nbformat.write(good(), folder / "07_x.ipynb")
    found = [p for p in lint.lint_course(root) if p.where == "source/07_x"]
    assert [p.rule for p in found] == ["hidden-tests"]
    assert "grader_tests has no checks for this lab" in found[0].message


def test_hidden_tests_outside_a_test_cell_or_unclosed_are_caught():
    """Are hidden tests in an answer cell, or without their end marker, named?"""
    stray = ANSWER + "\n" + TEST.split("\n", 1)[1]
    found = problems(notebook(title(), answer(stray), graded_cell()))
    assert "not an autograder test cell" in only(found, "hidden-tests")
    unclosed = TEST.replace(lint.HIDDEN[1], "")
    found = problems(notebook(title(), answer(), graded_cell(unclosed)))
    assert "(found 1 and 0)" in only(found, "hidden-tests")


def test_outputs_and_execution_counts_are_caught():
    """Is a source cell with an output, or only an execution count, named?"""
    nb = good()
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", text="hello\n")]
    assert "cell 1 (x_mse): the cell holds outputs" in only(problems(nb), "no-outputs")
    nb = good()
    nb.cells[2].execution_count = 3
    assert "cell 2 (test_x_mse)" in only(problems(nb), "no-outputs")


@pytest.mark.parametrize(
    "spec",
    [
        {},
        {"name": "course-sandbox", "language": "python"},
        {"name": "ir", "language": "R"},
    ],
)
def test_the_kernelspec_must_be_python3(spec):
    """Is a notebook saved with another kernel (or none) named?"""
    nb = good()
    nb.metadata.kernelspec = spec
    text = only(problems(nb), "kernelspec")
    assert text.startswith("source/07_x/07_x.ipynb: the notebook's kernelspec is")


def test_grader_files_beside_a_notebook_are_caught(tmp_path):
    """Is a reference file in source/<lab>/ (copied to students) named, and a bad folder?"""
    course = make_course(tmp_path)
    lab = "01_gd_from_scratch"
    (course / "source" / lab / "reference.npy").write_bytes(b"\x93NUMPY")
    (course / "source" / lab / ".ipynb_checkpoints").mkdir()  # nbgrader skips it
    (course / "source" / "notes").mkdir()
    found = lint.lint_course(course)
    assert [(p.rule, p.where) for p in found] == [
        ("lab-folder", "source/01_gd_from_scratch/reference.npy"),
        ("lab-folder", "source/notes/"),
    ]
    assert "move grader code, reference answers and solution data" in str(found[0])


def test_command_line_exit_code_and_messages(tmp_path, capsys):
    """Does `python -m coursekit lint-course` print each problem and fail on one?"""
    from coursekit.__main__ import main

    course = make_course(tmp_path)
    assert main(["--course", str(course), "lint-course"]) == 0
    labs = len(layout.labs(course))
    assert capsys.readouterr().out.strip() == f"course lint: {labs} labs, no problems"
    path = course / "source" / "03_autograd" / "03_autograd.ipynb"
    nb = nbformat.read(path, as_version=4)
    title = nb.cells[0].source  # one point more than the cells give
    nb.cells[0].source = re.sub(
        r"\((\d+) points\)", lambda m: f"({int(m[1]) + 1} points)", title, count=1
    )
    assert nb.cells[0].source != title
    nbformat.write(nb, path)
    assert main(["--course", str(course), "lint-course"]) == 1
    out = capsys.readouterr().out
    assert (
        "source/03_autograd/03_autograd.ipynb, cell 0 (ag_md_title): the title says "
        in out
    )
    assert out.strip().endswith(f"1 problem in {labs} labs")


# ---- multiple choice ----


def item(name, options, key):
    """A question listing `options` (letter -> text) and its answer cell keyed `key`."""
    listed = "\n".join(f"- {letter}) {text}" for letter, text in options.items())
    question = new_markdown_cell(f"**Question.** Which?\n\n{listed}\n\nAnswer below.")
    solution = (
        f'### BEGIN SOLUTION\n# {key}. Why.\nanswer_{name} = "{key}"\n### END SOLUTION'
    )
    return [question, answer(solution, grade_id=f"x_{name}")]


def quiz(*keys_and_lengths):
    """A lab of items, each given as (key, {letter: length of its option})."""
    cells = []
    for number, (key, lengths) in enumerate(keys_and_lengths):
        options = {letter: "w" * length for letter, length in lengths.items()}
        cells += item(f"q{number}", options, key)
    return notebook(*cells)


def test_choice_items_are_read_with_their_keys():
    """Are options continued on indented lines joined, and the key found after comments?"""
    question = new_markdown_cell(
        "Pick one:\n\n- a) one\n  more words\n- b) two\n\nIn the cell below ..."
    )
    nb = notebook(
        question, answer('### BEGIN SOLUTION\n# b, since ...\nanswer_q = "b"')
    )
    [found] = choices.items(nb)
    assert (found.name, found.key, found.options) == (
        "answer_q",
        "b",
        {"a": "one more words", "b": "two"},
    )
    assert (found.rank, found.key_is_longest, found.key_is_shortest) == (2, False, True)


def test_options_of_like_length_pass():
    """Is a lab whose keys sit at every length rank let through?"""
    nb = quiz(
        ("a", {"a": 90, "b": 80, "c": 70}),
        ("b", {"a": 90, "b": 80, "c": 70}),
        ("c", {"a": 90, "b": 80, "c": 70}),
    )
    assert lint.lint_choice_lengths("07_x", nb) == []


@pytest.mark.parametrize("strategy, keys", [("longest", "aab"), ("shortest", "ccb")])
def test_a_key_given_away_by_its_length_is_caught(strategy, keys):
    """Does always picking the longest (or shortest) option scoring 2 of 3 fail, with the items?"""
    nb = quiz(*[(key, {"a": 90, "b": 80, "c": 70}) for key in keys])
    text = only(lint.lint_choice_lengths("07_x", nb), "choice-lengths")
    assert f"the keyed option is the {strategy} in 2 of the lab's 3" in text
    assert "answer_q0 (cell 0, key" in text and "answer_q1 (cell 2, key" in text
    assert "answer_q2" not in text and "a 90, b 80, c 70" in text


def test_a_tie_for_longest_counts_as_longest():
    """Is a key tied with another option for longest counted as picked by the strategy?"""
    nb = quiz(
        ("a", {"a": 90, "b": 90, "c": 70}),
        ("a", {"a": 90, "b": 90, "c": 70}),
        ("b", {"a": 90, "b": 80, "c": 70}),
    )
    assert "longest in 2 of" in only(
        lint.lint_choice_lengths("07_x", nb), "choice-lengths"
    )


@pytest.mark.parametrize(
    "source, flagged",
    [
        ("fig, ax = plt.subplots()\nax.plot([1, 2])\nax.legend()", True),
        ("ax.set(xlabel='x', title='t')", True),
        ("plt.plot([1, 2])", True),
        ("ax.xaxis.set_label_text('x')", True),
        ("fig, ax = plt.subplots()\nax.legend();", False),
        ("ax.legend();  # the legend", False),
        ("print(ax)", False),
        ("losses = train(x, y)\nlosses[-1]", False),
        ("def f(:", False),
    ],
)
def test_a_plot_call_without_semicolon_is_caught(source, flagged):
    """Does a cell that ends with a bare plotting call need its `;`?"""
    nb = good()
    nb.cells.append(new_code_cell(source, metadata=nbgrader("x_plot")))
    found = [p for p in problems(nb) if p.rule == "plot-semicolon"]
    assert bool(found) == flagged, found
    if flagged:
        assert (
            "x_plot" in found[0].where and "end the line with `;`" in found[0].message
        )
