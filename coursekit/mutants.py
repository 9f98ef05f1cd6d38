"""Mutation testing of the hidden tests: does every known student mistake lose points?

`mutants/<lab>.toml` lists mistakes as text edits of the worked solution. Each
mutant is the solution with one edit, submitted as a student would and graded
with the real nbgrader autograde in a throwaway copy of the course. A mutant
that keeps full marks "survived": the checks cannot see that mistake. Mutants
marked `equivalent` (the edit changes nothing a check could see) are expected
to survive and are listed with their reason.
"""

from __future__ import annotations

import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import demo, grading, layout, release, report


@dataclass(frozen=True)
class Mutant:
    """One mistake: replace `old` by `new` in the solution of answer cell `cell`."""

    lab: str
    name: str
    cell: str
    old: str
    new: str
    equivalent: str = ""

    @property
    def student(self) -> str:
        return f"mutant-{self.name}"


def load(folder: Path) -> list[Mutant]:
    """Read every lab's catalogue, `<folder>/<lab>.toml`."""
    out = []
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            entries = tomllib.load(fh)["mutant"]
        out += [Mutant(lab=path.stem, **entry) for entry in entries]
    return out


def mutated_cell(mutant: Mutant, root: Path) -> str:
    """The solution of the mutant's cell with its edit applied (the edit must match once)."""
    source = nbformat.read(
        layout.notebook("source", mutant.lab, root=root), as_version=4
    )
    cell = next(
        c
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == mutant.cell
    )
    code = demo.solution_code(cell)
    found = code.count(mutant.old)
    if found != 1:
        raise ValueError(
            f"mutant {mutant.name}: {mutant.old!r} occurs {found} times in cell {mutant.cell}"
        )
    return code.replace(mutant.old, mutant.new)


@dataclass(frozen=True)
class Verdict:
    """What grading did to one mutant."""

    mutant: Mutant
    score: float
    max_score: float
    lost: tuple[str, ...]
    error: str = ""  # grading itself failed: the verdict says nothing about the checks

    @property
    def survived(self) -> bool:
        """No auto-graded cell lost points (answers graded by hand are not mutated)."""
        return not self.lost

    @property
    def ok(self) -> bool:
        return not self.error and self.survived == bool(self.mutant.equivalent)


def run(
    mutants: list[Mutant], root: Path = layout.ROOT, jobs: int = 1
) -> list[Verdict]:
    """Grade each mutant in a throwaway copy of the course (`jobs` at once)."""
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        course = layout.copy_course(Path(tmp), root)
        for lab in sorted({m.lab for m in mutants}):
            print(f"releasing {lab} into a scratch course", flush=True)
            release.release(lab, course)
        for m in mutants:
            sub = demo.DemoSubmission(
                m.student, m.lab, m.name, cells={m.cell: mutated_cell(m, root)}
            )
            path = layout.notebook("submitted", m.lab, m.student, course)
            path.parent.mkdir(parents=True)
            nbformat.write(demo.build(sub, course), path)
        outcomes = {
            (o.student, o.lab): o for o in grading.autograde_all(course, jobs=jobs)
        }
        rows = {(r.student, r.lab): r for r in report.rows(course)}
    verdicts = []
    for m in mutants:
        row, outcome = rows[(m.student, m.lab)], outcomes[(m.student, m.lab)]
        error = outcome.message if outcome.status == "failed" else ""
        verdicts.append(Verdict(m, row.score, row.max_score, row.lost, error))
    return verdicts


def format_verdicts(verdicts: list[Verdict]) -> str:
    """One line per mutant, then a summary line."""
    lines = []
    for v in verdicts:
        if v.error:
            what = f"NOT GRADED ({v.error})"
        elif v.survived:
            what = (
                f"survived (equivalent: {v.mutant.equivalent})"
                if v.mutant.equivalent
                else "SURVIVED"
            )
        else:
            what = f"killed, lost points in {', '.join(v.lost)}"
        lines.append(f"{v.mutant.lab}  {v.mutant.name:<28} {what}")
    survivors = [v for v in verdicts if v.survived and not v.mutant.equivalent]
    lines.append(
        f"{len(verdicts)} mutants: {sum(not v.survived for v in verdicts)} killed, "
        f"{len(survivors)} survived, "
        f"{sum(bool(v.mutant.equivalent) for v in verdicts)} listed as equivalent"
    )
    # The failures again, at the end, where a long run's reader looks first.
    lines += [f"survived: {v.mutant.lab} {v.mutant.name}" for v in survivors]
    lines += [
        f"not graded: {v.mutant.lab} {v.mutant.name} ({v.error})"
        for v in verdicts
        if v.error
    ]
    return "\n".join(lines)
