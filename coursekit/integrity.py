"""Find student code that reaches into the grader, so a TA reviews it before it earns points.

Hidden tests run in the student's own kernel, after the student's cells; code
there can in principle change what the tests see. The sandbox stops it from
reading solutions or writing anything shared, and the grader's package is
imported before any student cell runs; what remains is code that talks to
the test machinery itself. These are the names such code needs; none is
needed by any lab.
"""

from __future__ import annotations

import re

import nbformat

# name -> what it is used for when it shows up in a submission
REACHES_INTO_GRADER = {
    "grader_tests": "imports the hidden checks or their answer key",
    "sys.modules": "swaps the modules the checks import",
    "set_custom_exc": "makes IPython swallow the errors of failed checks",
    "excepthook": "changes how errors are reported",
    "__builtins__": "replaces Python's built-in functions",
    "import builtins": "replaces Python's built-in functions",
    "settrace": "watches or rewrites running code",
    "setprofile": "watches or rewrites running code",
    "importlib": "loads or reloads modules behind the checks' back",
    "__import__": "loads modules behind the checks' back",
}
PATTERN = re.compile("|".join(re.escape(name) for name in REACHES_INTO_GRADER))


def student_code(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    """(cell number, source) of every code cell a student can write: answers and added cells."""
    out = []
    for index, cell in enumerate(nb.cells, 1):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and (meta.get("solution") or not meta):
            out.append((index, cell.source))
    return out


def findings(nb: nbformat.NotebookNode) -> list[str]:
    """One sentence per use of a grader internal in the student's code."""
    out = []
    for index, source in student_code(nb):
        for number, line in enumerate(source.splitlines(), 1):
            for match in PATTERN.finditer(line):
                name = match.group(0)
                out.append(
                    f"cell {index}, line {number} uses {name} ({REACHES_INTO_GRADER[name]})"
                )
    return out
