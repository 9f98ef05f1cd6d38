"""Per-student data, the instructor's side: the course secret and each lab's key.

A lab with per-student data has a line `LAB_KEY = "<32 hex digits>"` in a locked
cell. Releasing the lab (`coursekit.preprocessors.InsertLabKey`) writes there
HMAC-SHA256(course secret, "lab key:" + lab), cut to 16 bytes. Students get the
lab's key, never the secret: from it nobody can work out another lab's key or
next term's, and a term with a new secret gets new data throughout. Within a
lab, the key and a student id give that student's data (grader_tests.core.variant).

The secret is COURSEKIT_SECRET if set, else the file `.course-secret` in the
course folder (`make secret` writes one; git ignores it), else a demo secret
that is public in this repository: the committed release/ uses it, and
releasing with it warns. Grading needs no secret: the key travels in the
notebook's locked cell, which autograde restores from the gradebook.
"""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
import os
import re
import secrets
from pathlib import Path
from types import ModuleType

from grader_tests.lab01_gd_from_scratch import reference as lab01_reference

from . import layout

# Labs whose data differ per student, and their reference modules: each has
# student_params, run_answers, describe, REPORTED_CELL, reported, REPORTED_ATOL
# and pasted_cells.
PER_STUDENT: dict[str, ModuleType] = {"01_gd_from_scratch": lab01_reference}

SECRET_ENV = "COURSEKIT_SECRET"
SECRET_FILE = ".course-secret"
DEMO_SECRET = "gd-course demo secret: public, replace it with `make secret`"
KEY_LINE = re.compile(r'^LAB_KEY = "([0-9a-f]*)"', re.M)


def course_secret(root: Path = layout.ROOT) -> tuple[str, str]:
    """The course secret and where it came from (env, file or demo)."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV], SECRET_ENV
    path = root / SECRET_FILE
    secret = path.read_text().strip() if path.is_file() else ""
    if secret:
        return secret, str(path)
    return DEMO_SECRET, "the demo secret"


def lab_key(lab: str, secret: str) -> str:
    """The key a lab is released with: 32 hex digits."""
    mac = hmac.new(secret.encode(), f"lab key:{lab}".encode(), hashlib.sha256)
    return mac.hexdigest()[:32]


def secret_notice(root: Path = layout.ROOT) -> str:
    """What `make release` says about the secret it releases with."""
    secret, origin = course_secret(root)
    if secret == DEMO_SECRET:
        return (
            "per-student data: releasing with the demo secret, which this repository "
            "makes public (anyone can compute every student's data): run `make "
            "secret` before releasing to students"
        )
    return f"per-student data: releasing with the course secret from {origin}"


def make_secret(root: Path = layout.ROOT) -> Path:
    """Write a new random secret to .course-secret (never over an existing one)."""
    path = root / SECRET_FILE
    if path.exists():
        raise FileExistsError(
            f"{path} exists: a new secret would give every student new data. "
            "Delete it yourself if that is what you want."
        )
    path.write_text(secrets.token_hex(32) + "\n")
    path.chmod(0o600)
    return path


def _joined(text: str | list[str]) -> str:
    """A notebook's multi-line string: saved notebooks may hold it as a list."""
    return "".join(text) if isinstance(text, list) else text


def cell_source(cell: dict) -> str:
    """A cell's source, from a notebook read as plain JSON or with nbformat."""
    return _joined(cell.get("source", ""))


def cell_output_text(cell: dict) -> str:
    """Everything a code cell printed (its stream outputs), as one string."""
    return "".join(_joined(o.get("text", "")) for o in cell.get("outputs", []))


def key_in(source: str) -> str | None:
    """The LAB_KEY a cell's source sets, or None."""
    match = KEY_LINE.search(source)
    return match.group(1) if match else None


def released_key(lab: str, root: Path = layout.ROOT) -> str | None:
    """The key a lab was released with (read from release/), or None."""
    path = layout.notebook("release", lab, root=root)
    if not path.is_file():
        return None
    keys = (key_in(cell_source(c)) for c in json.loads(path.read_text())["cells"])
    return next((key for key in keys if key is not None), None)


def show(lab: str, student: str, root: Path = layout.ROOT) -> str:
    """A student's variant of a lab and its reference answers, for the instructor."""
    if lab not in PER_STUDENT:
        return f"{lab}: the same data for every student (no per-student variant)"
    key = released_key(lab, root)
    if key is None:
        raise FileNotFoundError(f"{lab} has no LAB_KEY in release/: run make release")
    ref = PER_STUDENT[lab]
    who = f"student {student!r}" if student else "no id (the example data)"
    lines = [f"{lab}, {who}, with the key in release/ ({key[:8]}...)"]
    lines += ref.describe(ref.student_params(key, student))
    return "\n".join(lines)


# ---- which id the student worked with ----

# The "Your data" cell prints `Data for student 'bob' (...)` or `Data for no student
# id (...)`; the id cell holds `STUDENT_ID = "bob"`.
PRINTED_ID = re.compile(
    r"^Data for (?:student ('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")|no student id) \(",
    re.M,
)
ID_CELL = re.compile(r"""^STUDENT_ID\s*=\s*(['"])(.*?)\1""", re.M)
META = "coursekit"


def worked_as(nb) -> tuple[str, str] | None:
    """The id a submitted notebook was worked with, and where that was seen.

    The "Your data" cell's output, left from the student's last run, says which
    id the data came from (JupyterHub's user name included); a notebook handed in
    without outputs falls back to its STUDENT_ID cell. None if neither is there.
    """
    for cell in nb.cells:
        if cell.cell_type != "code" or key_in(cell.source) is None:
            continue
        match = PRINTED_ID.search(cell_output_text(cell))
        if match:
            student = ast.literal_eval(match.group(1)) if match.group(1) else ""
            return student, "the notebook's output"
    for cell in nb.cells:
        match = ID_CELL.search(cell.source) if cell.cell_type == "code" else None
        if match:
            return match.group(2).strip(), "its STUDENT_ID cell"
    return None


def _name(student: str) -> str:
    return f"the id {student!r}" if student else "no id (the example data)"


def mismatch_note(worked: str, seen_in: str, graded: str) -> str:
    """The feedback's sentence for a notebook worked with another id than its own."""
    return (
        f"**Your data.** This notebook was worked with {_name(worked)} ({seen_in}), "
        f"but it was handed in as {graded!r}, so it was graded with the data of "
        f"{graded!r}. Results your own code computes are the same either way; numbers "
        "that came from other data lose their points. Set your id in the lab's "
        "STUDENT_ID cell (or work on the course's JupyterHub) next time."
    )
