"""Course linter: the rules a lab must follow to grade correctly, checked before release.

Each rule returns `Problem`s that name the lab, the cell (index and grade id) or
file, what is wrong and how to fix it. `lint_course` runs them all over a
course folder; `python -m coursekit lint-course` (and `make lint`) prints them.
The rules work on nbformat notebooks, so tests can build broken ones in memory.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path

import nbformat
from nbformat import NotebookNode

from . import choices, layout

HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
KERNELSPEC = {"name": "python3", "language": "python"}
# The total in the title heading: "# Lab 03: Autograd (11 points)".
TITLE_POINTS = re.compile(r"\((\d+(?:\.\d+)?) points?\b")
# What nbgrader leaves out of a release (CourseDirectory.ignore's defaults).
NBGRADER_IGNORES = (".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback")


@dataclass(frozen=True)
class Problem:
    """One broken rule: where (a notebook cell or a file), what, and how to fix it."""

    rule: str
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message} [{self.rule}]"


def _meta(cell: NotebookNode) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _where(lab: str, index: int | None = None, cell: NotebookNode | None = None) -> str:
    place = f"source/{lab}/{lab}.ipynb"
    if index is None:
        return place
    gid = _meta(cell).get("grade_id") if cell is not None else None
    return f"{place}, cell {index}" + (f" ({gid})" if gid else "")


def is_test_cell(cell: NotebookNode) -> bool:
    """An auto-graded test cell: graded, not an answer, code."""
    meta = _meta(cell)
    return bool(meta.get("grade")) and not meta.get("solution")


def is_answer_cell(cell: NotebookNode) -> bool:
    """An answer cell graded by test cells (not one a TA grades by hand)."""
    meta = _meta(cell)
    return (
        cell.cell_type == "code"
        and bool(meta.get("solution"))
        and not meta.get("grade")
    )


# ---- grade ids ----


def lint_grade_ids(notebooks: Mapping[str, NotebookNode]) -> list[Problem]:
    """Every grade id is used once in the whole course (lab by lab, in order)."""
    seen: dict[str, str] = {}
    problems = []
    for lab, nb in notebooks.items():
        for index, cell in enumerate(nb.cells):
            gid = _meta(cell).get("grade_id")
            if not gid:
                continue
            here = _where(lab, index, cell)
            if gid in seen:
                problems.append(
                    Problem(
                        "unique-grade-id",
                        here,
                        f"grade id {gid!r} is already used by {seen[gid]}. Grades are "
                        "stored per grade id: rename this cell's id in the Create "
                        "Assignment panel (JupyterLab's right sidebar), with the lab's prefix (e.g. "
                        f"'lab{lab[:2]}_'), and update demo/{lab}.toml and "
                        f"mutants/{lab}.toml if they name it.",
                    )
                )
            else:
                seen[gid] = here
    return problems


# ---- answers, points, title ----


def _defined_names(source: str) -> set[str]:
    """Names an answer cell defines at top level (functions, classes, variables)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def lint_answers_graded(lab: str, nb: NotebookNode) -> list[Problem]:
    """Every answer cell is followed by a test cell that uses what it defines."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if not is_answer_cell(cell):
            continue
        later = [c.source for c in nb.cells[index + 1 :] if is_test_cell(c)]
        names = _defined_names(cell.source)
        if names:
            graded = any(
                re.search(rf"\b{re.escape(name)}\b", text)
                for text in later
                for name in names
            )
            what = f"no test cell after it uses {', '.join(sorted(names))}"
        else:
            graded = bool(later)
            what = "no test cell follows it"
        if not graded:
            problems.append(
                Problem(
                    "answer-graded",
                    _where(lab, index, cell),
                    f"answer cell is never graded: {what}. Add a test cell after it "
                    "(Create Assignment panel in JupyterLab's right sidebar: 'Autograder tests', with points) "
                    "that calls it, or make the cell 'Read-only' if students should "
                    "not answer here.",
                )
            )
    return problems


def _title(nb: NotebookNode) -> tuple[int, str] | None:
    """(index, heading line) of the notebook's first level-1 heading."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                return index, line
    return None


def lint_points(lab: str, nb: NotebookNode) -> list[Problem]:
    """Each graded cell states its points; they add up to the total in the title."""
    problems = []
    total = 0.0
    for index, cell in enumerate(nb.cells):
        meta = _meta(cell)
        if not meta.get("grade"):
            continue
        points = meta.get("points")
        if (
            not isinstance(points, (int, float))
            or isinstance(points, bool)
            or points <= 0
        ):
            problems.append(
                Problem(
                    "points",
                    _where(lab, index, cell),
                    f"graded cell states no points (points = {points!r}): give it a "
                    "positive number in the Create Assignment panel (JupyterLab's right sidebar), and say it in "
                    "the task's heading, e.g. '(2 points)'.",
                )
            )
            continue
        total += points
    title = _title(nb)
    shown = TITLE_POINTS.search(title[1]) if title else None
    nice = f"{total:g}"
    if title is None:
        problems.append(
            Problem(
                "title-points",
                _where(lab),
                f"no title heading: start the first markdown cell with "
                f"'# Lab {lab[:2]}: <title> ({nice} points)'.",
            )
        )
    elif shown is None:
        problems.append(
            Problem(
                "title-points",
                _where(lab, title[0], nb.cells[title[0]]),
                f"the title {title[1]!r} does not show the lab's total: its graded "
                f"cells add up to {nice} points; end the heading with '({nice} points)'.",
            )
        )
    elif abs(float(shown.group(1)) - total) > 1e-9:
        problems.append(
            Problem(
                "title-points",
                _where(lab, title[0], nb.cells[title[0]]),
                f"the title says {shown.group(1)} points but the graded cells add up "
                f"to {nice}: fix the heading, or the cells' points (Create Assignment "
                "panel, in JupyterLab's right sidebar).",
            )
        )
    return problems


# ---- hidden tests ----


def _hidden_block(source: str) -> tuple[str | None, str | None]:
    """(the code between the hidden-test markers, or None; an error, or None)."""
    lines = [line.strip() for line in source.splitlines()]
    begins, ends = lines.count(HIDDEN[0]), lines.count(HIDDEN[1])
    if begins == ends == 0:
        return None, None
    if begins != 1 or ends != 1 or lines.index(HIDDEN[0]) > lines.index(HIDDEN[1]):
        return None, (
            f"needs exactly one {HIDDEN[0]!r} line followed by one {HIDDEN[1]!r} line "
            f"(found {begins} and {ends})"
        )
    raw = source.splitlines()
    return "\n".join(raw[lines.index(HIDDEN[0]) + 1 : lines.index(HIDDEN[1])]), None


JUDGE_IMPORT = "from coursekit import judge"


def _one_judged_check(code: str, checks: set[str] | None) -> str | None:
    """None if `code` is `from coursekit import judge` and one judge.check call; else why."""
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        return f"the hidden tests do not parse ({exc.msg}, line {exc.lineno})"
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    calls = [n for n in tree.body if n not in imports]
    if [ast.unparse(n) for n in imports] != [JUDGE_IMPORT]:
        found = "; ".join(ast.unparse(n) for n in imports) or "none"
        return f"its imports are {found!r}, expected {JUDGE_IMPORT!r} alone"
    if len(calls) != 1:
        return f"has {len(calls)} statements besides the import, expected one call"
    node = calls[0]
    if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)):
        return f"its statement is a {type(node).__name__}, not a call"
    call = node.value
    if ast.unparse(call.func) != "judge.check":
        return f"it calls {ast.unparse(call.func)}, not judge.check"
    if not (
        call.args
        and isinstance(call.args[0], ast.Constant)
        and isinstance(call.args[0].value, str)
    ):
        return "judge.check's first argument must be the check's name, a string"
    name = call.args[0].value
    if checks is not None and name not in checks:
        known = ", ".join(sorted(checks)) or "none"
        return f"the lab has no check named {name!r} in grader_tests (known: {known})"
    return None


def lint_hidden_tests(
    lab: str, nb: NotebookNode, checks: set[str] | None = None
) -> list[Problem]:
    """Every graded test cell ends in one judged check, and only test cells have one.

    `checks`: the names the lab's checks go by in grader_tests, when known.
    """
    problems = []
    fix = (
        "Keep the logic in a check in grader_tests/ (unit-tested there) and the "
        f'block to `{JUDGE_IMPORT}` and one `judge.check("name", answer)`: the '
        "judge runs it outside the student's kernel."
    )
    for index, cell in enumerate(nb.cells):
        code, error = _hidden_block(cell.source)
        where = _where(lab, index, cell)
        if error:
            problems.append(Problem("hidden-tests", where, f"hidden tests {error}."))
            continue
        test = is_test_cell(cell) and cell.cell_type == "code"
        if code is None:
            if test:
                problems.append(
                    Problem(
                        "hidden-tests",
                        where,
                        (
                            "a graded test cell without a judged check: its points would rest "
                            "on the visible checks, which run in the student's kernel. Add a "
                            f"hidden block: {HIDDEN[0]}, {JUDGE_IMPORT}, judge.check(...), "
                            f"{HIDDEN[1]}."
                        ),
                    )
                )
            continue
        if not test:
            problems.append(
                Problem(
                    "hidden-tests",
                    where,
                    "hidden tests in a cell that is not an autograder test cell: "
                    "nbgrader only grades (and hides) them in test cells; mark the "
                    "cell 'Autograder tests' with points, or move the block.",
                )
            )
            continue
        why = _one_judged_check(code, checks)
        if why:
            problems.append(
                Problem(
                    "hidden-tests",
                    where,
                    f"hidden tests must be one judged check: {why}. {fix}",
                )
            )
    return problems


# ---- multiple choice ----


def lint_choice_lengths(lab: str, nb: NotebookNode) -> list[Problem]:
    """No option gives itself away by its length.

    A student who always picks the longest option (or always the shortest)
    should score no better than chance, so the keyed option may be the longest
    in at most a third of a lab's items, and the shortest in at most a third.
    """
    found = choices.items(nb)
    problems = []
    for strategy, hits in (
        ("longest", [item for item in found if item.key_is_longest]),
        ("shortest", [item for item in found if item.key_is_shortest]),
    ):
        if 3 * len(hits) <= len(found):
            continue
        listed = "; ".join(
            f"{item.name} (cell {item.index}, key {item.key}: "
            + ", ".join(f"{letter} {item.length(letter)}" for letter in item.options)
            + ")"
            for item in hits
        )
        problems.append(
            Problem(
                "choice-lengths",
                _where(lab),
                f"the keyed option is the {strategy} in {len(hits)} of the lab's "
                f"{len(found)} multiple-choice items, so always picking the "
                f"{strategy} option scores them without reading: {listed} "
                "(option lengths in characters). Write options of like length and "
                "form, and move the explanation into the worked solution's comments.",
            )
        )
    return problems


# ---- plots ----

# Names a plotting call is made on: plt, and the figure's and axes' usual names.
PLOT_OBJECT = re.compile(r"^(plt|fig\w*|ax\w*)$")


def _plot_call_shows_its_value(source: str) -> bool:
    """Whether a cell ends with a bare plotting call like `ax.legend()` that no
    `;` follows, so that the notebook prints what the call returns."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    last = tree.body[-1] if tree.body else None
    if not (isinstance(last, ast.Expr) and isinstance(last.value, ast.Call)):
        return False
    func = last.value.func
    while isinstance(func, ast.Attribute):
        func = func.value  # ax.xaxis.set_label(...) is made on ax
    if not (isinstance(func, ast.Name) and PLOT_OBJECT.match(func.id)):
        return False
    end_line, end_col = last.end_lineno or last.lineno, last.end_col_offset or 0
    after = source.splitlines()[end_line - 1][end_col:]
    return not after.lstrip().startswith(";")


def lint_plot_semicolons(lab: str, nb: NotebookNode) -> list[Problem]:
    """A cell that ends with a plotting call ends it with `;`: otherwise the notebook
    prints the call's return value (`<matplotlib.legend.Legend at 0x...>`) above the
    figure."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and _plot_call_shows_its_value(cell.source):
            problems.append(
                Problem(
                    "plot-semicolon",
                    _where(lab, index, cell),
                    "the cell ends with a plotting call without `;`, so the notebook "
                    "prints its return value above the figure: end the line with `;` "
                    "(in labs/<lab>.py too; `ruff format` run on the script by hand "
                    "drops it).",
                )
            )
    return problems


# ---- outputs and kernelspec ----


def lint_outputs(lab: str, nb: NotebookNode) -> list[Problem]:
    """No outputs or execution counts are committed in source/."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs") or cell.get("execution_count") is not None:
            problems.append(
                Problem(
                    "no-outputs",
                    _where(lab, index, cell),
                    "the cell holds outputs or an execution count (they leak into "
                    "diffs and, for solution cells, the answer). Clear them: "
                    "Edit > Clear Outputs of All Cells in JupyterLab, then save, or "
                    f"`.venv/bin/jupyter nbconvert --clear-output --inplace "
                    f"source/{lab}/{lab}.ipynb`.",
                )
            )
    return problems


def lint_kernelspec(lab: str, nb: NotebookNode) -> list[Problem]:
    """The notebook names the course's kernel, python3, as nbgrader expects."""
    spec = nb.get("metadata", {}).get("kernelspec", {})
    got = {key: spec.get(key) for key in KERNELSPEC}
    if got == KERNELSPEC:
        return []
    return [
        Problem(
            "kernelspec",
            _where(lab),
            f"the notebook's kernelspec is {got}, expected {KERNELSPEC}: in "
            "JupyterLab choose Kernel > Change Kernel > Python 3 (ipykernel) and "
            "save (grading picks its sandboxed kernel in nbgrader_config.py).",
        )
    ]


def lint_notebook(
    lab: str, nb: NotebookNode, checks: set[str] | None = None
) -> list[Problem]:
    """Every per-notebook rule (`checks`: the lab's check names, when known)."""
    return [
        *lint_answers_graded(lab, nb),
        *lint_points(lab, nb),
        *lint_hidden_tests(lab, nb, checks),
        *lint_plot_semicolons(lab, nb),
        *lint_choice_lengths(lab, nb),
        *lint_outputs(lab, nb),
        *lint_kernelspec(lab, nb),
    ]


# ---- what sits beside a lab's notebook ----


def lint_lab_folder(folder: Path) -> list[Problem]:
    """source/<lab>/ holds only <lab>.ipynb: nbgrader copies every other file to students."""
    lab = folder.name
    problems = []
    if not (folder / f"{lab}.ipynb").is_file():
        problems.append(
            Problem(
                "lab-folder",
                f"source/{lab}/",
                f"no notebook named {lab}.ipynb: a lab's notebook is named after its "
                "folder (`make new-lab NAME=...` creates both), or this folder is not "
                "a lab and does not belong in source/.",
            )
        )
    for path in sorted(folder.iterdir()):
        if path.name == f"{lab}.ipynb" or any(
            fnmatch(path.name, pattern) for pattern in NBGRADER_IGNORES
        ):
            continue
        problems.append(
            Problem(
                "lab-folder",
                f"source/{lab}/{path.name}",
                "nbgrader copies every file in source/<lab>/ into the students' "
                "release: move grader code, reference answers and solution data into "
                "grader_tests/ (computed there from pinned seeds), and keep only the "
                "notebook here.",
            )
        )
    return problems


# ---- the whole course ----


def read_notebooks(root: Path) -> dict[str, NotebookNode]:
    """Every lab's source notebook, by lab id."""
    return {
        lab: nbformat.read(layout.notebook("source", lab, root=root), as_version=4)
        for lab in layout.labs(root)
    }


def lint_course(root: Path = layout.ROOT) -> list[Problem]:
    """Every rule over the course folder `root`."""
    import grader_tests

    notebooks = read_notebooks(root)
    problems = lint_grade_ids(notebooks)
    for lab, nb in notebooks.items():
        if not grader_tests.has_checks(lab):
            problems.append(
                Problem(
                    "hidden-tests",
                    f"source/{lab}",
                    (
                        f"grader_tests has no checks for this lab: add the package "
                        f"grader_tests/{grader_tests.module_name(lab)}/ with its CHECKS."
                    ),
                )
            )
            continue
        problems += lint_notebook(lab, nb, set(grader_tests.checks(lab)))
    for folder in sorted(p for p in (root / "source").iterdir() if p.is_dir()):
        problems += lint_lab_folder(folder)
    return problems


def report(root: Path = layout.ROOT) -> tuple[int, str]:
    """(exit code, text) of a lint run, for the command line."""
    problems = lint_course(root)
    labs = layout.labs(root)
    lines = [str(p) for p in problems]
    if problems:
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        lines.append(f"{count} in {len(labs)} labs")
        return 1, "\n".join(lines)
    return 0, f"course lint: {len(labs)} labs, no problems"
