"""Feedback that shows each check's verdict but none of the hidden test code.

nbgrader copies hidden tests into the feedback it generates (nbgrader issue
917). This preprocessor, listed in `nbgrader_config.py`, removes the hidden
region from every test cell and shortens each error in a test cell to its
last line, the check's own message, so no grader source reaches students.

In cells with hidden tests it also replaces the reference values that the
checks quote in their errors ("got 1.415, expected 0.1103 (difference 1.3
...)") by "…" (the checks never print, so errors are all there is to
redact): students keep their own values and the diagnosis, but cannot copy
the grader's answers for its probe inputs into a resubmission.
"""

from __future__ import annotations

import re

from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from traitlets import Bool

HIDDEN = re.compile(
    r"^[ \t]*#+ BEGIN HIDDEN TESTS.*?^[ \t]*#+ END HIDDEN TESTS[^\n]*\n?", re.M | re.S
)
NOTE = "# (hidden tests ran here)\n"
# A value quoted after "expected", "should be" or "difference": a number, a
# list, a tensor, or arithmetic ending in one, up to the punctuation that
# ends the clause.
# Words ("expected one number", "expected torch.float32") and shapes in
# parentheses ("expected (5, 1)") are kept.
REFERENCE = re.compile(
    r"\b(expected|difference|should be|reference is)\s+"
    r"(?:tensor\([^)]*\)"
    r"|(?:-?\d|\[)[^:;]*?(?=:|;| \(|, [a-zA-Z]| for |\.\s|\.$|\)|$))",
    re.M,
)
HIDDEN_VALUE = "…"


def strip_hidden(source: str) -> str:
    """Return `source` with each hidden-test region replaced by a one-line note."""
    return HIDDEN.sub(NOTE, source)


def redact_references(text: str) -> str:
    """Replace each quoted reference value in a check's message by "…"."""
    return REFERENCE.sub(lambda m: f"{m.group(1)} {HIDDEN_VALUE}", text)


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
