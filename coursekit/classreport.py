"""After grading: grades per question (CSV for an LMS) and a class report (HTML).

`grades-by-question.csv` has one row per student and one column per graded
cell of each lab (`<lab>/<grade id>`), read from nbgrader's gradebook; a cell
still waiting for a grader, or a lab not handed in, is left empty. The report
(`report/index.html`, one file with its plots embedded) shows per lab a
histogram of the scores and each question's pass rate, and a table of the
mistakes the checks diagnosed across the class: a hidden check that recognises
a mistake raises it under that mistake's name (grader_tests.core.named), which the
autograded notebook keeps as the error's `ename`; a visible check's message
(plain text in the student's notebook) is matched by its phrases.
"""

from __future__ import annotations

import base64
import csv
import html
import io
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry

from grader_tests.core.named import MISTAKES, mistake_in_output

from . import copies, integrity, layout

CSV_NAME = "grades-by-question.csv"
REPORT_DIR = "report"


@dataclass(frozen=True)
class Question:
    """One graded cell of a lab, with its points and whether a person grades it."""

    lab: str
    grade_id: str
    points: float
    by_hand: bool


@dataclass(frozen=True)
class Found:
    """One mistake a hidden check diagnosed in one student's lab."""

    mistake: str
    lab: str
    student: str
    grade_id: str


def questions(root: Path, lab: str) -> list[Question]:
    """A lab's graded cells in notebook order, read from its release."""
    released = nbformat.read(layout.notebook("release", lab, root=root), as_version=4)
    out = []
    for cell in released.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            out.append(
                Question(
                    lab,
                    meta["grade_id"],
                    float(meta["points"]),
                    bool(meta.get("solution")),
                )
            )
    return out


def scores(root: Path) -> dict[tuple[str, str], dict[str, float | None]]:
    """{(student, lab): {grade id: score, or None while it waits for a grader}}."""
    out: dict[tuple[str, str], dict[str, float | None]] = {}
    with Gradebook(layout.gradebook_url(root)) as gb:
        for assignment in gb.assignments:
            for student in gb.students:
                try:
                    submission = gb.find_submission(assignment.name, student.id)
                except MissingEntry:
                    continue
                out[(student.id, assignment.name)] = {
                    g.name: None if g.needs_manual_grade else float(g.score)
                    for nb in submission.notebooks
                    for g in nb.grades
                }
    return out


@dataclass
class ClassRecord:
    """Everything the class report and the run's summary show, read once: each
    lab's graded cells (from its release), every score (from the gradebook),
    the autograded notebooks (their error outputs and the ids worked with) and
    the signals for a TA found in them and in the submissions."""

    labs: list[str]
    questions: dict[str, list[Question]]
    scores: dict[tuple[str, str], dict[str, float | None]]
    notebooks: list[tuple[str, str, dict]]
    copy_signals: list[copies.CopySignal]
    integrity_signals: list[integrity.Signal]

    @property
    def graded_labs(self) -> list[str]:
        """The labs with at least one graded submission, in course order."""
        return [lab for lab in self.labs if any(lab == k[1] for k in self.scores)]


def read(root: Path = layout.ROOT) -> ClassRecord:
    """Read the release, the gradebook and the autograded notebooks, once each."""
    labs = layout.labs(root)
    notebooks = list(layout.autograded_notebooks(root))
    return ClassRecord(
        labs=labs,
        questions={lab: questions(root, lab) for lab in labs},
        scores=scores(root),
        notebooks=notebooks,
        copy_signals=copies.signals(root, notebooks),
        integrity_signals=integrity.signals(root),
    )


def write_question_csv(root: Path, record: ClassRecord | None = None) -> Path:
    """Write grades-by-question.csv next to grades.csv; return its path."""
    record = record or read(root)
    table = record.scores
    columns = [q for lab in record.graded_labs for q in record.questions[lab]]
    students = sorted({student for student, _ in table})
    path = root / CSV_NAME
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student_id"] + [f"{q.lab}/{q.grade_id}" for q in columns])
        for student in students:
            row: list[str] = [student]
            for q in columns:
                score = table.get((student, q.lab), {}).get(q.grade_id)
                row.append("" if score is None else f"{score:g}")
            writer.writerow(row)
    return path


def diagnosed(notebooks: list[tuple[str, str, dict]]) -> list[Found]:
    """Every named mistake in the test cells' error outputs of autograded notebooks."""
    found = []
    for lab, student, nb in notebooks:
        for cell in nb["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if not meta.get("grade") or meta.get("solution"):
                continue
            for output in cell.get("outputs", []):
                if output.get("output_type") != "error":
                    continue
                mistake = mistake_in_output(
                    output.get("ename", ""), output.get("evalue", "")
                )
                if mistake:
                    found.append(Found(mistake, lab, student, meta["grade_id"]))
    return found


def pass_rates(record: ClassRecord, lab: str) -> list[tuple[Question, int, int, int]]:
    """Per question: (question, full marks, submissions scored, waiting for a grader)."""
    table = {k: v for k, v in record.scores.items() if k[1] == lab}
    out = []
    for q in record.questions[lab]:
        got = [cells.get(q.grade_id) for cells in table.values()]
        done = [s for s in got if s is not None]
        full = sum(abs(s - q.points) < 1e-9 for s in done)
        out.append((q, full, len(done), len(got) - len(done)))
    return out


def _histogram_png(lab: str, totals: list[float], top: float) -> str:
    """A histogram of a lab's scores, as a base64 PNG for an <img> tag."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 2.6), dpi=100)
    from matplotlib.ticker import MaxNLocator

    # one bar per whole point, centred on it; students are counted in whole numbers
    edges = [k - 0.5 for k in range(int(top) + 2)]
    ax.hist(totals, bins=edges, color="#4c72b0", edgecolor="white")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"auto-graded score (of {top:g})")
    ax.set_ylabel("students")
    ax.set_title(lab)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def mistake_rows(found: list[Found]) -> list[tuple[str, int, str, str]]:
    """(what students did, how many students, where, who), most frequent first."""
    by_mistake: dict[str, list[Found]] = defaultdict(list)
    for f in found:
        by_mistake[f.mistake].append(f)
    rows = []
    for mistake, hits in by_mistake.items():
        students = sorted({(f.lab, f.student) for f in hits})
        where = sorted({f"{f.lab}/{f.grade_id}" for f in hits})
        who = ", ".join(f"{student} ({lab})" for lab, student in students)
        rows.append((MISTAKES[mistake], len(students), ", ".join(where), who))
    return sorted(rows, key=lambda r: (-r[1], r[0]))


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


STYLE = (
    "body{font-family:sans-serif;max-width:60em;margin:2em auto}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}"
    "td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}"
    "th{background:#f0f0f0}"
)


def review_section(record: ClassRecord) -> list[str]:
    """Submissions whose code reaches for the grader's machinery (coursekit.integrity)."""
    found = record.integrity_signals
    table = _table(
        ["lab", "student", "what the code uses"],
        [[s.lab, s.student, "; ".join(s.findings)] for s in found],
    )
    return [
        "<h2>Code that reaches for the grader</h2>",
        table if found else "<p>None.</p>",
        "<p>A signal for a TA, not a verdict: the judge's checks ran outside the "
        "student's kernel and gave these submissions their scores.</p>",
    ]


def per_student_sections(root: Path, record: ClassRecord) -> list[str]:
    """Copy signals and ids worked with, for labs with per-student data."""
    parts = ["<h2>Numbers that fit another student's data</h2>"]
    found = record.copy_signals
    parts.append(
        _table(
            ["lab", "student", "their numbers fit", "off from own data", "off there"],
            [
                [
                    s.lab,
                    s.student,
                    s.fits or "the example data",
                    f"{s.own_off:.2g}",
                    f"{s.other_off:.1g}",
                ]
                for s in found
            ],
        )
        if found
        else "<p>None: every reported number fits its own student's data, or none.</p>"
    )
    parts.append(
        "<p>A signal, not a verdict: the scores are the checks' own. Ask the "
        "student; the autograded notebooks show both.</p>"
    )
    others = copies.other_ids(root, record.notebooks)
    parts.append("<h2>Worked with another id than the submission's</h2>")
    parts.append(
        _table(
            ["lab", "submission", "worked with", "seen in"],
            [
                [o.lab, o.student, o.worked_as or "no id (example data)", o.seen_in]
                for o in others
            ],
        )
        if others
        else "<p>None.</p>"
    )
    return parts


def write_html(root: Path, record: ClassRecord | None = None) -> Path:
    """Write report/index.html (histograms, pass rates, mistakes); return its path."""
    record = record or read(root)
    table = record.scores
    parts = [f"<h1>Class report: {len({s for s, _ in table})} students</h1>"]
    rows = mistake_rows(diagnosed(record.notebooks))
    parts.append("<h2>Mistakes the checks diagnosed</h2>")
    parts.append(
        _table(
            ["what students did", "students", "found in", "who"],
            [list(map(str, r)) for r in rows],
        )
        if rows
        else "<p>No named mistake was diagnosed.</p>"
    )
    parts += per_student_sections(root, record)
    parts += review_section(record)
    for lab in record.graded_labs:
        lab_scores = {s: cells for (s, lb), cells in table.items() if lb == lab}
        auto = [q for q in record.questions[lab] if not q.by_hand]
        top = sum(q.points for q in auto)
        totals = [
            sum(cells.get(q.grade_id) or 0.0 for q in auto)
            for cells in lab_scores.values()
        ]
        png = _histogram_png(lab, totals, top)
        parts.append(f"<h2>{html.escape(lab)}</h2>")
        parts.append(
            f'<img alt="histogram of {html.escape(lab)} scores" src="data:image/png;base64,{png}">'
        )
        rates = [
            [
                q.grade_id,
                f"{q.points:g}" + (" (by hand)" if q.by_hand else ""),
                f"{full} / {done}" + (f" ({100 * full / done:.0f}%)" if done else ""),
                f"{waiting}" if waiting else "",
            ]
            for q, full, done, waiting in pass_rates(record, lab)
        ]
        parts.append(
            _table(["question", "points", "full marks", "waiting for a grader"], rates)
        )
    folder = root / REPORT_DIR
    folder.mkdir(exist_ok=True)
    path = folder / "index.html"
    path.write_text(
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Class report</title>"
        f"<style>{STYLE}</style></head><body>{''.join(parts)}</body></html>\n"
    )
    return path


def write_all(
    root: Path = layout.ROOT, record: ClassRecord | None = None
) -> list[Path]:
    """Write the per-question CSV and the HTML report, from one read; return their paths."""
    record = record or read(root)
    return [write_question_csv(root, record), write_html(root, record)]
