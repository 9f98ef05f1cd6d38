"""Say, before nbgrader runs, why a submission cannot be graded as it is.

nbgrader stops with a traceback on an empty or corrupt notebook, and aborts
a student's whole lab when an answer or test cell was deleted or duplicated
(nbgrader issue 1083). These checks turn each case into one sentence a
student can act on; the submission is then scored 0 and left untouched.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import nbformat

from . import layout


def _grade_ids(nb: nbformat.NotebookNode) -> list[str]:
    ids = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") or meta.get("solution"):
            ids.append(str(meta.get("grade_id")))
    return ids


def problem(root: Path, lab: str, student: str) -> str | None:
    """Return why `submitted/<student>/<lab>/<lab>.ipynb` cannot be graded, or None."""
    path = layout.notebook("submitted", lab, student, root)
    if not path.exists():
        others = sorted(p.name for p in path.parent.glob("*.ipynb"))
        if others:
            return (
                f"{path.name} is missing; the submission has {', '.join(others)}. "
                f"Was the notebook renamed? Submit it as {path.name}."
            )
        return f"{path.name} is missing from the submission."
    raw = path.read_bytes()
    if not raw.strip():
        return f"{path.name} is empty (0 bytes of notebook): was it saved before submitting?"
    try:
        nb = nbformat.reads(raw.decode("utf-8"), as_version=4)
    except (
        UnicodeDecodeError,
        json.JSONDecodeError,
        nbformat.reader.NotJSONError,
    ) as exc:
        return (
            f"{path.name} is not a valid notebook file ({type(exc).__name__}: {exc})."
        )
    except Exception as exc:  # nbformat raises several kinds for damaged files
        return f"{path.name} could not be read as a notebook ({type(exc).__name__}: {exc})."
    released = nbformat.read(layout.notebook("release", lab, root=root), as_version=4)
    expected = _grade_ids(released)
    counts = Counter(_grade_ids(nb))
    twice = sorted(gid for gid in expected if counts[gid] > 1)
    if twice:
        return (
            f"cells {', '.join(twice)} appear more than once (copied or split). "
            "Keep exactly one of each answer and test cell, as in the released notebook."
        )
    gone = [gid for gid in expected if counts[gid] == 0]
    if gone:
        return (
            f"cells {', '.join(gone)} were deleted or lost their grading metadata. "
            "Start from a fresh copy of the released notebook and paste your answers in."
        )
    return None
