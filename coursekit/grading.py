"""Grade every submission with nbgrader autograde, one student at a time, with progress.

Grading student by student keeps one bad submission from stopping the run
and lets a second run skip work that is already done: a submission is
regraded only when it, or the lab's release, changed since it was graded,
or when its grade is missing. A submission that cannot be graded (see
`preflight`), or whose kernel dies, scores 0 in the gradebook with a message
saying why, in the run's summary and in the student's feedback folder.
"""

from __future__ import annotations

import hashlib
import html
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from . import layout, nbgrader_app, preflight

MANIFEST = ".graded.json"


@dataclass
class Outcome:
    """How grading one student's lab went."""

    student: str
    lab: str
    status: str  # "graded", "up to date", "failed" or "failed before" (unchanged since)
    seconds: float = 0.0
    message: str = ""


def _fingerprint(root: Path, lab: str, student: str) -> str:
    digest = hashlib.sha256()
    for path in (
        layout.notebook("submitted", lab, student, root),
        layout.notebook("release", lab, root=root),
    ):
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def _has_grade(gradebook: Gradebook, lab: str, student: str) -> bool:
    try:
        gradebook.find_submission(lab, student)
    except MissingEntry:
        return False
    return True


# What nbgrader's log says when a student's kernel stops, and what to tell them.
KNOWN_FAILURES = (
    (
        "DeadKernelError",
        "the kernel died while running the notebook (a crash, os._exit, "
        "or running out of memory), so no cell could be graded",
    ),
    (
        "Kernel died",
        "the kernel died while running the notebook (a crash, os._exit, "
        "or running out of memory), so no cell could be graded",
    ),
    ("CellTimeoutError", "a cell ran past the time limit and the kernel did not stop"),
    (
        "UnresponsiveKernelError",
        "the kernel stopped answering, so no cell could be graded",
    ),
)


def explain_failure(log: str) -> str:
    """One sentence on why nbgrader could not grade a submission, from its log."""
    for marker, sentence in KNOWN_FAILURES:
        if marker in log:
            return sentence
    errors = [line for line in log.splitlines() if "ERROR" in line or "Error" in line]
    return (
        errors[-1].strip()
        if errors
        else "nbgrader autograde failed (no error in its log)"
    )


def record_zero(root: Path, lab: str, student: str, reason: str) -> None:
    """Score every cell of a submission 0 in the gradebook and leave the student a note.

    The submitted notebook is not touched; a stale autograded copy is removed so
    that no feedback is generated from an older submission.
    """
    with Gradebook(layout.gradebook_url(root)) as gb:
        gb.update_or_create_student(student)
        submission = gb.update_or_create_submission(lab, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.manual_score = None
                grade.needs_manual_grade = False
        gb.db.commit()
    shutil.rmtree(root / "autograded" / student / lab, ignore_errors=True)
    note = root / "feedback" / student / lab / f"{lab}.html"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(
        f"<html><body><h1>{html.escape(lab)}: 0 points</h1>"
        f"<p>Your submission could not be graded: {html.escape(reason)}</p>"
        "<p>Fix this and submit again; nothing you submitted was changed.</p></body></html>\n"
    )


def backup_gradebook(root: Path) -> Path | None:
    """Copy the gradebook aside before a run writes to it; return the copy's path."""
    db = root / "gradebook.db"
    if not db.exists():
        return None
    copy = root / "gradebook.db.bak"
    shutil.copy2(db, copy)
    return copy


def autograde_all(root: Path = layout.ROOT, force: bool = False) -> list[Outcome]:
    """Autograde each submitted lab; print a line per submission as it goes."""
    manifest_path = root / "autograded" / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    todo = [
        (s, lab)
        for lab in layout.labs(root)
        for s in layout.students("submitted", root)
        if (root / "submitted" / s / lab).is_dir()
    ]
    outcomes = []
    start = time.monotonic()
    for i, (student, lab) in enumerate(todo, 1):
        key = f"{student}/{lab}"
        fingerprint = _fingerprint(root, lab, student)
        with Gradebook(layout.gradebook_url(root)) as gb:
            graded = _has_grade(gb, lab, student)
        done = manifest.get(key, {})
        if not force and graded and done.get("fingerprint") == fingerprint:
            status = "up to date" if done["status"] == "graded" else "failed before"
            outcome = Outcome(student, lab, status, message=done.get("message", ""))
        else:
            outcome = grade_one(root, lab, student)
            manifest[key] = {
                "fingerprint": fingerprint,
                "status": outcome.status,
                "message": outcome.message,
            }
            manifest_path.parent.mkdir(exist_ok=True)
            manifest_path.write_text(
                json.dumps(manifest, indent=1, sort_keys=True) + "\n"
            )
        outcomes.append(outcome)
        took = f"{outcome.seconds:4.1f} s" if outcome.seconds else "  -   "
        print(
            f"[{i:>3}/{len(todo)}] {lab} {student:<24} {outcome.status:<10} {took}"
            f"  (elapsed {time.monotonic() - start:5.1f} s)",
            flush=True,
        )
    return outcomes


def grade_one(root: Path, lab: str, student: str) -> Outcome:
    """Autograde one submission, or score it 0 with the reason it could not be graded."""
    t0 = time.monotonic()
    reason = preflight.problem(root, lab, student)
    if reason is None:
        result = nbgrader_app.run(
            ["autograde", lab, "--student", student, "--force"], root
        )
        if result.ok:
            return Outcome(student, lab, "graded", time.monotonic() - t0)
        reason = explain_failure(result.log)
    try:
        record_zero(root, lab, student, reason)
    except MissingEntry:  # the lab was never released into this gradebook
        reason = f"{lab} is not in the gradebook: run `make release` first ({reason})"
    return Outcome(student, lab, "failed", time.monotonic() - t0, reason)


def feedback_and_export(root: Path = layout.ROOT) -> list[str]:
    """Generate feedback for every lab and export grades.csv; return problems found."""
    problems = []
    for lab in layout.labs(root):
        if not any((root / "autograded").glob(f"*/{lab}")):
            continue  # nothing graded for this lab yet
        result = nbgrader_app.run(["generate_feedback", lab, "--force"], root)
        if not result.ok:
            problems.append(f"generate_feedback {lab}: {explain_failure(result.log)}")
    result = nbgrader_app.run(["export", "--to", str(root / "grades.csv")], root)
    if not result.ok:
        problems.append(f"export: {explain_failure(result.log)}")
    return problems
