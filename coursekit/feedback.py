"""Feedback that shows each check's verdict but none of the hidden test code.

nbgrader copies hidden tests into the feedback it generates (nbgrader issue
917). This preprocessor, listed in `nbgrader_config.py`, removes the hidden
region from every test cell and shortens each error in a test cell to its
last line, the check's own message, so no grader source reaches students.

In cells with hidden tests it also replaces the reference values that the
checks quote in their errors by "…" (coursekit/redact.py; the checks never
print, so errors are all there is to redact).
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

from .redact import redact_references

HIDDEN = re.compile(
    r"^[ \t]*#+ BEGIN HIDDEN TESTS.*?^[ \t]*#+ END HIDDEN TESTS[^\n]*\n?", re.M | re.S
)
NOTE = "# (hidden tests ran here)\n"


def strip_hidden(source: str) -> str:
    """Return `source` with each hidden-test region replaced by a one-line note."""
    return HIDDEN.sub(NOTE, source)


def _is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


class HideHiddenTests(Preprocessor):
    """Strip hidden tests and grader tracebacks from test cells before export."""

    enabled = Bool(True, help="nbconvert skips preprocessors that are not enabled").tag(
        config=True
    )

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and _is_test_cell(cell):
            hidden = bool(HIDDEN.search(cell.source))
            cell.source = strip_hidden(cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = output.get("evalue", "")
                    if hidden:
                        message = output["evalue"] = redact_references(message)
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {message}"]
        return cell, resources
