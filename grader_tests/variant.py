"""Per-student data: whose notebook is running, and the bytes their data come from.

A lab whose data differ per student carries `LAB_KEY`, 16 bytes in hex that the
course derives from its secret when it releases the lab (coursekit.variants).
HMAC-SHA256(LAB_KEY, student id) gives 32 bytes; the lab's reference module turns
them into the student's data settings (e.g. lab01_reference.student_params). The
released notebook repeats this in its "Your data" cell with the standard library
only, since students do not have this package; tests/test_variants.py runs that
cell and compares.

No id means the example data: the source document's own numbers, which the lab's
text quotes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

# What nbgrader sets while `nbgrader autograde` runs a notebook (its FAQ).
AUTOGRADE = "autograde"


def graded_student() -> str | None:
    """nbgrader's student id while autograde runs this kernel, else None.

    Autograde runs each notebook in autograded/<student>/<lab>/ with
    NBGRADER_EXECUTION=autograde; the student is the folder above the lab's.
    """
    if os.environ.get("NBGRADER_EXECUTION") != AUTOGRADE:
        return None
    return Path.cwd().parent.name


def student_bytes(lab_key: str, student: str) -> bytes:
    """HMAC-SHA256 of the student id under the lab's key: 32 bytes."""
    key = bytes.fromhex(lab_key)
    return hmac.new(key, student.encode("utf-8"), hashlib.sha256).digest()


def whose(student: str) -> str:
    """The id to grade with: nbgrader's while grading, else the one the notebook used.

    While grading, the notebook's own id (its STUDENT) is not trusted: a copied
    notebook carries the id of the student it was copied from.
    """
    graded = graded_student()
    return student if graded is None else graded
