"""The grading pipeline, in the order a term runs it: release, collect, grade,
feedback, report.

Each stage is one function over a course folder; `make demo` and `make grade`
(through `python -m coursekit`) call them in this order, and so does any other
front end (a JupyterHub's collect step, a test's scratch course). Nothing here
parses arguments or decides how to print: the stages return what happened, and
`run` strings them together and prints progress.

The measurement wing (`coursekit.bench`) drives the course through these
functions only, so what it times is what a term runs.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import (
    classreport,
    cluster,
    copies,
    demo,
    grading,
    layout,
    mutants,
    pairs,
    preprocessors,
    release,
    report,
)
from .warm import lifecycle


def release_labs(
    root: Path = layout.ROOT, lab: str | None = None, sync: bool = True
) -> None:
    """Stage 1: sync each lab's notebook with labs/<lab>.py (unless `sync` is
    off), then regenerate release/ and solutions/ (one lab, or all with
    progress)."""
    if sync:
        for line in pairs.sync(root):
            print(line, flush=True)
    if lab:
        release.release(lab, root)
    else:
        release.release_all(root)


def collect_demo(
    root: Path = layout.ROOT,
    lab: str | None = None,
    students: set[str] | None = None,
) -> list[str]:
    """Stage 2 for the demo class (of `lab`, or all; of `students`, or all):
    copy demo/submitted/ into submitted/, never over a different file. (A
    course collects with nbgrader's exchange or by hand into
    submitted/<student>/<lab>/ instead.)"""
    return demo.collect(root, labs={lab} if lab else None, students=students)


NotebookMaker = Callable[[], nbformat.NotebookNode]


def known_submissions(
    lab: str, root: Path = layout.ROOT
) -> dict[str, list[NotebookMaker]]:
    """Every submission of `lab` the course can build from its catalogues, by
    kind: "correct" (the worked solution), "demo" (the demo class's other
    students, demo/<lab>.toml) and "mutant" (the known mistakes,
    mutants/<lab>.toml). Each entry builds its notebook when called, so a
    caller pays only for those it uses."""
    made: dict[str, list[NotebookMaker]] = {
        "correct": [
            functools.partial(
                demo.build,
                demo.DemoSubmission("correct", lab, "the worked solution"),
                root,
            )
        ],
        "demo": [
            functools.partial(demo.build, sub, root)
            for sub in demo.load(root / "demo")
            if sub.lab == lab and sub.student != "correct"
        ],
        "mutant": [
            functools.partial(_mutant_notebook, mt, root)
            for mt in mutants.load(root / "mutants")
            if mt.lab == lab
        ],
    }
    return made


def _mutant_notebook(mt: mutants.Mutant, root: Path) -> nbformat.NotebookNode:
    cell = mutants.mutated_cell(mt, root)
    sub = demo.DemoSubmission(mt.student, mt.lab, mt.name, cells={mt.cell: cell})
    return demo.build(sub, root)


def without_hidden_tests(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """`nb` with every code cell's hidden-test block removed, as a student's
    kernel runs it (the notebook is changed in place and returned)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = preprocessors.strip_hidden(cell.source)
    return nb


@contextlib.contextmanager
def warm_kernels() -> Iterator[None]:
    """The warm-kernel service for the block, as grading starts it (nothing
    when warm kernels are off or an enclosing batch already has one)."""
    with lifecycle.running():
        yield


def grade(
    root: Path = layout.ROOT,
    force: bool = False,
    jobs: int = 1,
    dask: str | None = None,
    kernel: str | None = None,
    backup: bool = True,
) -> list[grading.Outcome]:
    """Stage 3: autograde every submission that is new or out of date.

    The gradebook is backed up first (unless `backup` is off, as for a
    scratch course). `dask` grades on a Dask cluster: "local" for a
    LocalCluster of `jobs` workers, or a scheduler's address. `kernel`
    replaces nbgrader_config.py's kernelspec.
    """
    if backup:
        saved = grading.backup_gradebook(root)
        if saved:
            print(f"gradebook backed up to {saved}", flush=True)
    if dask:
        address = None if dask == "local" else dask
        return cluster.autograde(
            root, address, workers=jobs, force=force, kernel=kernel
        )
    return grading.autograde_all(root, force=force, jobs=jobs, kernel=kernel)


def grade_one(
    root: Path, lab: str, student: str, kernel: str | None = None
) -> grading.Outcome:
    """Stage 3 for one submission, graded again even if it is up to date."""
    return grading.grade_one(root, lab, student, kernel)


def grades(root: Path = layout.ROOT) -> list[report.Row]:
    """Every graded submission's score, from the gradebook."""
    return report.rows(root)


def cell_scores(root: Path, lab: str, student: str) -> dict[str, tuple[float, float]]:
    """One submission's (score, max score) per graded cell, from the gradebook."""
    from nbgrader.api import Gradebook

    with Gradebook(layout.gradebook_url(root)) as gb:
        return report.cell_scores(gb, lab, student)


def feedback(
    root: Path = layout.ROOT,
) -> tuple[list[str], classreport.ClassRecord]:
    """Stage 4: feedback for every graded lab, grades.csv and the class report.
    Returns the problems found (an empty list when all went well) and the
    class record the report was built from, for the summary to reuse."""
    problems = grading.feedback_and_export(root)
    record = classreport.read(root)
    for path in classreport.write_all(root, record):
        print(f"wrote {path.relative_to(root)}", flush=True)
    return problems, record


@dataclass
class Report:
    """Stage 5's result: the grades table and what needs an instructor's eye."""

    table: str
    rows: list[report.Row]
    failed: list[grading.Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    mismatched: bool = False

    @property
    def exit_code(self) -> int:
        """1 if the run went wrong (a problem, a demo score off), else 0.

        A student's broken submission is reported, not a failure of the run."""
        return 1 if (self.problems or self.mismatched) else 0

    def text(self, graded: int) -> str:
        lines = ["", self.table]
        lines += [f"scored 0: {o.lab} {o.student}: {o.message}" for o in self.failed]
        lines += [f"PROBLEM {p}" for p in self.problems]
        lines += self.notes
        lines.append(
            f"\n{graded} submissions, {len(self.failed)} could not be graded "
            "(scored 0); feedback in feedback/, grades in grades.csv and "
            "grades-by-question.csv, class report in report/index.html"
        )
        return "\n".join(lines)


def expected_scores(root: Path = layout.ROOT) -> dict[tuple[str, str], float]:
    """Expected score of each demo submission: its lab's auto-graded points minus
    those of the cells it must lose (answers graded by hand are not counted)."""
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    by_hand: dict[str, set[str]] = {}  # per lab, read from its release once
    with Gradebook(layout.gradebook_url(root)) as gb:
        for sub in demo.load(root / "demo"):
            try:
                cells = report.cell_scores(gb, sub.lab, sub.student)
            except MissingEntry:
                continue
            if sub.lab not in by_hand:
                by_hand[sub.lab] = report.hand_graded(root, sub.lab)
            out[(sub.student, sub.lab)] = sum(
                top
                for name, (_, top) in cells.items()
                if name not in sub.loses and name not in by_hand[sub.lab]
            )
    return out


def summarize(
    root: Path,
    outcomes: list[grading.Outcome],
    problems: list[str],
    with_expected: bool = False,
    record: classreport.ClassRecord | None = None,
) -> Report:
    """Stage 5: the grades table (with the demo class's expected scores when
    asked), the submissions scored 0, and the signals left for a TA (from
    `record`, stage 4's read, or read now)."""
    rows = report.rows(root)
    expected = expected_scores(root) if with_expected else None
    record = record or classreport.read(root)
    notes = [
        f"copy signal: {copies.describe(signal)} (score unchanged)"
        for signal in record.copy_signals
    ]
    notes += [
        f"for a TA: {found.lab} {found.student}: {'; '.join(found.findings)} "
        "(score unchanged)"
        for found in record.integrity_signals
    ]
    mismatched = any(
        abs(expected[(r.student, r.lab)] - r.score) > 1e-9
        for r in rows
        if expected and (r.student, r.lab) in expected
    )
    return Report(
        table=report.format_table(rows, expected),
        rows=rows,
        failed=[o for o in outcomes if o.status in ("failed", "failed before")],
        problems=problems,
        notes=notes,
        mismatched=mismatched,
    )


def run(
    root: Path = layout.ROOT,
    *,
    demo_class: bool = False,
    lab: str | None = None,
    force: bool = False,
    jobs: int = 1,
    dask: str | None = None,
    kernel: str | None = None,
) -> int:
    """The whole pipeline; returns the exit code.

    `demo_class` releases, collects the demo submissions (of `lab`, or all) and
    checks each score against its expected one, as `make demo`; without it only
    grade, feedback and report run, over what is in submitted/, as `make grade`.
    """
    if demo_class:
        release_labs(root, lab)
        for line in collect_demo(root, lab):
            print(line, flush=True)
    outcomes = grade(root, force=force, jobs=jobs, dask=dask, kernel=kernel)
    problems, record = feedback(root)
    result = summarize(root, outcomes, problems, demo_class, record)
    print(result.text(len(outcomes)), flush=True)
    return result.exit_code
