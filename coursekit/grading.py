"""Grade every submission with nbgrader autograde, one student at a time, with progress.

Grading student by student keeps one bad submission from stopping the run
(its failure is reported at the end) and lets a second run skip work that
is already done: a submission is regraded only when it, or the lab's
release, changed since it was graded, or when its grade is missing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from . import layout, nbgrader_app

MANIFEST = ".graded.json"


@dataclass
class Outcome:
    """How grading one student's lab went."""

    student: str
    lab: str
    status: str  # "graded", "up to date" or "failed"
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


def _last_error(log: str) -> str:
    errors = [line for line in log.splitlines() if "ERROR" in line or "Error" in line]
    return (
        errors[-1].strip()
        if errors
        else "nbgrader autograde failed (no error in its log)"
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
        if not force and graded and manifest.get(key) == fingerprint:
            outcome = Outcome(student, lab, "up to date")
        else:
            t0 = time.monotonic()
            result = nbgrader_app.run(
                ["autograde", lab, "--student", student, "--force"], root
            )
            seconds = time.monotonic() - t0
            if result.ok:
                manifest[key] = fingerprint
                outcome = Outcome(student, lab, "graded", seconds)
            else:
                manifest.pop(key, None)
                outcome = Outcome(
                    student, lab, "failed", seconds, _last_error(result.log)
                )
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


def feedback_and_export(root: Path = layout.ROOT) -> list[str]:
    """Generate feedback for every lab and export grades.csv; return problems found."""
    problems = []
    for lab in layout.labs(root):
        result = nbgrader_app.run(["generate_feedback", lab, "--force"], root)
        if not result.ok:
            problems.append(f"generate_feedback {lab}: {_last_error(result.log)}")
    result = nbgrader_app.run(["export", "--to", str(root / "grades.csv")], root)
    if not result.ok:
        problems.append(f"export: {_last_error(result.log)}")
    return problems
