"""After grading, per-student data: whose data each student's numbers fit.

A lab with per-student data has test cells that print the numbers a student
reports (lab01: "your run: w = ..., b = ..."). Read back from the autograded
notebooks, they are compared with the reference answers of every student of the
class and of the example data: numbers that miss the student's own data and fit
another student's are a copy signal, listed in the class report with both ids.
The score is left as the checks gave it. Each notebook's LAB_KEY line, restored
by autograde from the gradebook, gives the key it was graded with.

The ids the students worked with (coursekit.preprocessors.RecordWorkingId) are read
from the same notebooks, so the report also lists who worked with another id.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from . import layout
from .labkeys import META, PER_STUDENT, cell_output_text, cell_source, key_in


@dataclass(frozen=True)
class CopySignal:
    """A student's numbers that fit another student's data, not their own."""

    lab: str
    student: str
    fits: str  # the other student's id; "" for the example data
    own_off: float  # largest difference from the student's own reference
    other_off: float  # and from the other data's


@dataclass(frozen=True)
class OtherId:
    """A submission worked with another id than the one it was handed in under."""

    lab: str
    student: str
    worked_as: str  # "" for no id (the example data)
    seen_in: str


def read_reported(nb: dict, ref: ModuleType) -> tuple[str | None, dict | None]:
    """(the notebook's LAB_KEY, the numbers its reporting cell printed)."""
    key, numbers = None, None
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        key = key or key_in(cell_source(cell))
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid == ref.REPORTED_CELL:
            numbers = ref.reported(cell_output_text(cell))
    return key, numbers


def _off(got: dict[str, float], want: dict[str, float]) -> float:
    return max(abs(got[k] - want[k]) for k in got)


class _References:
    """Reference answers per (key, student) of one lab, each computed once."""

    def __init__(self, ref: ModuleType) -> None:
        self.ref = ref
        self.cache: dict[tuple, Any] = {}

    def __call__(self, key: str, student: str) -> dict[str, float]:
        if (key, student) not in self.cache:
            params = self.ref.student_params(key, student)
            self.cache[(key, student)] = self.ref.run_answers(params)
        return self.cache[(key, student)]


Notebooks = list[tuple[str, str, dict]]


def signals(
    root: Path = layout.ROOT, notebooks: Notebooks | None = None
) -> list[CopySignal]:
    """Every submission whose reported numbers fit another student's data.

    `notebooks` are the autograded notebooks, (lab, student, JSON), when the
    caller has read them already."""
    if notebooks is None:
        notebooks = list(layout.autograded_notebooks(root, list(PER_STUDENT)))
    students = layout.students("autograded", root)
    found = []
    for lab, ref in PER_STUDENT.items():
        reference = _References(ref)
        for _, student, nb in (n for n in notebooks if n[0] == lab):
            key, got = read_reported(nb, ref)
            if key is None or got is None:
                continue
            own = _off(got, reference(key, student))
            if own <= ref.REPORTED_ATOL:
                continue
            others = [s for s in students if s != student] + [""]
            offs = {s: _off(got, reference(key, s)) for s in others}
            best = min(offs, key=offs.__getitem__)
            if offs[best] <= ref.REPORTED_ATOL:
                found.append(CopySignal(lab, student, best, own, offs[best]))
    return found


def other_ids(
    root: Path = layout.ROOT, notebooks: Notebooks | None = None
) -> list[OtherId]:
    """Every autograded notebook worked with another id than its student's."""
    found = []
    if notebooks is None:
        notebooks = list(layout.autograded_notebooks(root))
    for lab, student, nb in notebooks:
        record = nb.get("metadata", {}).get(META, {})
        if "worked_as" in record and record["worked_as"] != student:
            found.append(OtherId(lab, student, record["worked_as"], record["seen_in"]))
    return found


def describe(signal: CopySignal) -> str:
    """One line for the grading output and the report."""
    whose = f"student {signal.fits!r}" if signal.fits else "the example data"
    return (
        f"{signal.lab}: {signal.student!r} reports numbers that fit the data of "
        f"{whose} (off by {signal.other_off:.1g}), not their own (off by "
        f"{signal.own_off:.2g})"
    )
