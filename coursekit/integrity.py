"""Find student code that reaches for the grader's machinery, for a TA to look at.

A signal, not a defence: the hidden checks run in the judge, outside the
student's kernel (coursekit/judge), and no code in a submission changes their
verdict. Code that uses these names is still worth a TA's look (none is needed
by any lab): `make grade` lists it after the table and the class report names
it; the scores are the checks' own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import layout

# name -> what it is used for when it shows up in a submission
REACHES_INTO_GRADER = {
    "grader_tests": "looks for the hidden checks or their answer key",
    "coursekit": "reaches for the grader's own code (the judge's client)",
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


@dataclass(frozen=True)
class Signal:
    """One submission whose code uses names that reach for the grader."""

    lab: str
    student: str
    findings: tuple[str, ...]


def signals(root: Path = layout.ROOT) -> list[Signal]:
    """Every submitted notebook's findings, for the run's summary and the report."""
    out = []
    for lab in layout.labs(root):
        for student in layout.students("submitted", root):
            path = layout.notebook("submitted", lab, student, root)
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:  # missing or broken: preflight says why
                continue
            found = findings(nb)
            if found:
                out.append(Signal(lab, student, tuple(found)))
    return out
