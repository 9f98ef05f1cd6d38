"""The grades table: one row per student and lab, read from nbgrader's gradebook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from . import layout


@dataclass(frozen=True)
class Row:
    """One student's grade on one lab, with the auto-graded cells that lost points.

    `to_grade` is the points of answers still waiting for a grader (free-text
    cells graded by hand in formgrader); they count in `max_score`, not in `score`.
    """

    student: str
    lab: str
    score: float
    max_score: float
    lost: tuple[str, ...]
    to_grade: float = 0.0


def cell_scores(
    gradebook: Gradebook, lab: str, student: str
) -> dict[str, tuple[float, float]]:
    """Return {grade cell name: (score, max score)} for one submission."""
    submission = gradebook.find_submission(lab, student)
    return {
        grade.name: (grade.score, grade.max_score)
        for notebook in submission.notebooks
        for grade in notebook.grades
    }


def waiting_for_grader(gradebook: Gradebook, lab: str, student: str) -> set[str]:
    """Names of the cells of a submission that still need a grader's score."""
    submission = gradebook.find_submission(lab, student)
    return {
        grade.name
        for notebook in submission.notebooks
        for grade in notebook.grades
        if grade.needs_manual_grade
    }


def hand_graded(root: Path, lab: str) -> set[str]:
    """Names of a lab's answer cells that a grader scores by hand (free text)."""
    released = nbformat.read(layout.notebook("release", lab, root=root), as_version=4)
    return {
        meta["grade_id"]
        for cell in released.cells
        if (meta := cell.get("metadata", {}).get("nbgrader", {})).get("grade")
        and meta.get("solution")
    }


def rows(root: Path = layout.ROOT) -> list[Row]:
    """Return the table's rows for every graded submission, sorted by lab then student."""
    out = []
    with Gradebook(layout.gradebook_url(root)) as gb:
        for assignment in gb.assignments:
            for student in gb.students:
                try:
                    cells = cell_scores(gb, assignment.name, student.id)
                    waiting = waiting_for_grader(gb, assignment.name, student.id)
                except MissingEntry:
                    continue
                by_hand = hand_graded(root, assignment.name)
                lost = tuple(
                    sorted(
                        name
                        for name, (score, top) in cells.items()
                        if score < top and name not in by_hand
                    )
                )
                out.append(
                    Row(
                        student.id,
                        assignment.name,
                        sum(s for s, _ in cells.values()),
                        sum(t for _, t in cells.values()),
                        lost,
                        sum(cells[name][1] for name in waiting),
                    )
                )
    return sorted(out, key=lambda r: (r.lab, r.student))


def _lost(row: Row) -> str:
    if not row.lost:
        return "-"
    if row.score == 0:
        return f"all {len(row.lost)} test cells"
    return ", ".join(name.removeprefix("test_") for name in row.lost)


def format_table(
    table: list[Row], expected: dict[tuple[str, str], float] | None = None
) -> str:
    """Render rows as a plain-text table; with `expected`, add the expected score and a verdict."""
    header = ["lab", "student", "score", "by hand", "lost points in"]
    if expected is not None:
        header[4:4] = ["expected", ""]
    lines = []
    for r in table:
        cells = [r.lab, r.student, f"{r.score:g} / {r.max_score:g}"]
        cells.append(f"{r.to_grade:g} to grade" if r.to_grade else "-")
        if expected is not None:
            want = expected.get((r.student, r.lab))
            verdict = (
                ""
                if want is None
                else ("ok" if abs(want - r.score) < 1e-9 else "MISMATCH")
            )
            cells += ["" if want is None else f"{want:g}", verdict]
        cells.append(_lost(r))
        lines.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *lines, strict=True)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    rule = "  ".join("-" * w for w in widths)
    return "\n".join(
        line.rstrip()
        for line in [fmt.format(*header), rule] + [fmt.format(*c) for c in lines]
    )
