"""Demo submissions: built from a lab's release and solution, described in `demo/<lab>.toml`.

Each demo student is the release notebook with its answer cells filled in:
by default with the worked solution, except for the cells the student's
entry replaces (a mistake from the source documents, a crash), or with
nothing at all (`blank = true`). Their entries also say which test cells
they must lose, so the grades they get can be checked.
"""

from __future__ import annotations

import filecmp
import json
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import labkeys, layout

DEMO = layout.ROOT / "demo"
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


@dataclass(frozen=True)
class DemoSubmission:
    """One demo student's submission of one lab, and the test cells it must lose."""

    student: str
    lab: str
    about: str
    loses: tuple[str, ...] = ()
    blank: bool = False
    cells: dict[str, str] = field(default_factory=dict)
    # Per-student labs: the id in the STUDENT_ID cell (default: the student's own;
    # "" for none), and whose numbers the answer cells type in, if anyone's.
    worked_as: str | None = None
    pastes_numbers_of: str | None = None


def load(folder: Path = DEMO) -> list[DemoSubmission]:
    """Read the demo students' descriptions, one file per lab: `demo/<lab>.toml`."""
    subs = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        subs += [
            DemoSubmission(
                student=entry["student"],
                lab=path.stem,
                about=entry["about"],
                loses=tuple(entry.get("loses", [])),
                blank=entry.get("blank", False),
                cells=dict(entry.get("cells", {})),
                worked_as=entry.get("worked_as"),
                pastes_numbers_of=entry.get("pastes_numbers_of"),
            )
            for entry in data["submission"]
        ]
    return subs


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def solution_code(source_cell) -> str:
    """The worked solution of an answer cell: its source without nbgrader's markers."""
    lines = source_cell.source.splitlines()
    return "\n".join(line for line in lines if line.strip() not in MARKERS)


def build(sub: DemoSubmission, root: Path = layout.ROOT) -> nbformat.NotebookNode:
    """Return the notebook this demo student submits, built from release/ and source/."""
    released = nbformat.read(
        layout.notebook("release", sub.lab, root=root), as_version=4
    )
    if sub.blank:
        return released
    source = nbformat.read(layout.notebook("source", sub.lab, root=root), as_version=4)
    solutions = {_grade_id(c): c for c in source.cells if _grade_id(c)}
    cells = dict(sub.cells)
    if sub.pastes_numbers_of is not None:
        cells.update(pasted(sub.lab, sub.pastes_numbers_of, root))
    unknown = set(cells) - set(solutions)
    if unknown:
        raise ValueError(
            f"demo student {sub.student!r} replaces unknown cells {sorted(unknown)}"
        )
    for cell in released.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("solution"):
            continue
        gid = meta["grade_id"]
        code = cells.get(gid)
        cell.source = (
            code.strip("\n") if code is not None else solution_code(solutions[gid])
        )
    worked_as = sub.student if sub.worked_as is None else sub.worked_as
    for cell in released.cells:
        if cell.cell_type == "code" and labkeys.ID_CELL.search(cell.source):
            cell.source = labkeys.ID_CELL.sub(
                f"STUDENT_ID = {json.dumps(worked_as)}", cell.source, count=1
            )
    return released


def pasted(lab: str, student: str, root: Path = layout.ROOT) -> dict[str, str]:
    """A lab's numeric answer cells with `student`'s numbers typed in."""
    if lab not in labkeys.PER_STUDENT:
        raise ValueError(f"{lab} has no per-student data to copy numbers from")
    ref = labkeys.PER_STUDENT[lab]
    key = labkeys.released_key(lab, root)
    return ref.pasted_cells(ref.student_params(key, student))


def write_all(dest: Path = DEMO / "submitted", root: Path = layout.ROOT) -> list[Path]:
    """(Re)build every demo submission under `dest/<student>/<lab>/<lab>.ipynb`."""
    written = []
    for sub in load(root / "demo"):
        path = dest / sub.student / sub.lab / f"{sub.lab}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(build(sub, root), path)
        written.append(path)
    return written


def collect(
    root: Path = layout.ROOT,
    labs: set[str] | None = None,
    students: set[str] | None = None,
) -> list[str]:
    """Copy the committed demo submissions into `submitted/`, never overwriting a different file.

    `labs` and `students`, when given, restrict the copy to those. Returns one line
    per submission saying what happened, for the progress output.
    """
    lines = []
    for sub in load(root / "demo"):
        if (labs and sub.lab not in labs) or (students and sub.student not in students):
            continue
        name = f"{sub.lab}.ipynb"
        src = root / "demo" / "submitted" / sub.student / sub.lab / name
        dst = root / "submitted" / sub.student / sub.lab / name
        if dst.exists() and not filecmp.cmp(src, dst, shallow=False):
            lines.append(
                f"kept   {dst.relative_to(root)} (differs from the demo copy; not overwritten)"
            )
            continue
        if not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
            lines.append(f"copied {dst.relative_to(root)}")
    return lines
