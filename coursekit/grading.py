"""Grade every submission with nbgrader autograde, one student at a time, with progress.

Grading student by student keeps one bad submission from stopping the run
and lets a second run skip work that is already done: a submission is
regraded only when it, the lab's release or the hidden checks changed since
it was graded, or when its grade is missing. A submission that cannot be graded (see
`preflight`), or whose kernel dies, scores 0 in the gradebook with a message
saying why, in the run's summary and in the student's feedback folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import multiprocessing
import shutil
import subprocess
import time
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from sqlalchemy.engine import make_url

from . import layout, nbgrader_app, preflight
from .judge.session import ENV_SOCKET as JUDGE_SOCKET
from .judge.session import MODULE as JUDGE_SERVICE
from .warm import lifecycle

MANIFEST = ".graded.json"


@dataclass
class Outcome:
    """How grading one student's lab went."""

    student: str
    lab: str
    status: str  # "graded", "up to date", "failed" or "failed before" (unchanged since)
    seconds: float = 0.0
    message: str = ""


def checks_version(*folders: Path) -> str:
    """A digest of what judges a submission (the checks of `grader_tests` and the
    judge, or `folders`): a change there regrades what it grades."""
    if not folders:
        import grader_tests

        folders = (Path(grader_tests.__file__).parent, Path(__file__).parent / "judge")
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            name = f"{folder.name}/{path.relative_to(folder)}"
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _fingerprint(root: Path, lab: str, student: str, checks: str = "") -> str:
    digest = hashlib.sha256(checks.encode())
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
    """Copy the gradebook aside before a run writes to it; return the copy's path.

    SQLite: the file goes to `gradebook.db.bak`. A server database (PostgreSQL,
    `COURSEKIT_DB_URL`) is dumped with `pg_dump` to `gradebook.sql` when
    `pg_dump` is installed; without it nothing is copied (None).
    """
    url = make_url(layout.gradebook_url(root))
    if url.get_backend_name() != "sqlite":
        pg_dump = shutil.which("pg_dump")
        if url.get_backend_name() != "postgresql" or pg_dump is None:
            return None
        libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
        copy = root / "gradebook.sql"
        subprocess.run([pg_dump, f"--file={copy}", libpq], check=True)
        return copy
    db = Path(url.database) if url.database else root / "gradebook.db"
    if not db.exists():
        return None
    copy = db.with_name(db.name + ".bak")
    shutil.copy2(db, copy)
    return copy


def autograde_all(
    root: Path = layout.ROOT,
    force: bool = False,
    jobs: int = 1,
    kernel: str | None = None,
    executor: Executor | None = None,
) -> list[Outcome]:
    """Autograde each submitted lab; print a line per submission as it is done.

    With `jobs` > 1, that many worker processes grade submissions side by side
    (each submission still gets a kernel of its own); this process alone keeps
    the manifest and prints progress, so the result is the same as a serial run.
    `executor`, when given, runs the submissions instead (a Dask cluster's, say);
    `kernel` replaces the kernelspec `nbgrader_config.py` names (benchmarks).
    """
    manifest_path = root / "autograded" / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    todo, skipped = [], []
    checks = checks_version()
    # One gradebook connection for the whole scan: opening one costs ~30 ms
    # (nbgrader checks every table), 30 s for a class of a thousand.
    with contextlib.ExitStack() as scan:
        gb = None
        for lab in layout.labs(root):
            for student in layout.students("submitted", root):
                if not (root / "submitted" / student / lab).is_dir():
                    continue
                fingerprint = _fingerprint(root, lab, student, checks)
                done = manifest.get(f"{student}/{lab}", {})
                if gb is None:
                    gb = scan.enter_context(Gradebook(layout.gradebook_url(root)))
                graded = _has_grade(gb, lab, student)
                if not force and graded and done.get("fingerprint") == fingerprint:
                    status = (
                        "up to date" if done["status"] == "graded" else "failed before"
                    )
                    skipped.append(
                        Outcome(student, lab, status, message=done.get("message", ""))
                    )
                else:
                    todo.append((student, lab, fingerprint))
    total, start = len(todo) + len(skipped), time.monotonic()
    outcomes: list[Outcome] = []

    def record(outcome: Outcome, fingerprint: str | None = None) -> None:
        if fingerprint is not None:
            manifest[f"{outcome.student}/{outcome.lab}"] = {
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
            f"[{len(outcomes):>3}/{total}] {outcome.lab} {outcome.student:<24} "
            f"{outcome.status:<10} {took}  (elapsed {time.monotonic() - start:5.1f} s)",
            flush=True,
        )

    for outcome in skipped:
        record(outcome)
    if todo:  # one service forks every kernel of the batch, one every judge
        with lifecycle.running(), lifecycle.serving(JUDGE_SERVICE, JUDGE_SOCKET):
            _grade(root, todo, jobs, record, kernel, executor)
    return outcomes


def _grade(
    root: Path,
    todo: list,
    jobs: int,
    record,
    kernel: str | None = None,
    executor: Executor | None = None,
) -> None:
    """Grade `todo` (student, lab, fingerprint) serially, with `jobs` workers,
    or on `executor`."""
    if jobs <= 1 and executor is None:
        for student, lab, fingerprint in todo:
            record(grade_one(root, lab, student, kernel), fingerprint)
        return
    pool = executor or ProcessPoolExecutor(max_workers=jobs, mp_context=_context())
    with contextlib.ExitStack() as stack:
        if executor is None:  # a caller's executor is the caller's to shut down
            stack.enter_context(pool)
        futures = {
            pool.submit(grade_one, root, lab, student, kernel): (
                student,
                lab,
                fingerprint,
            )
            for student, lab, fingerprint in todo
        }
        for future in as_completed(futures):
            student, lab, fingerprint = futures[future]
            try:
                record(future.result(), fingerprint)
            except Exception as exc:  # a worker died: report it, grade nothing wrongly
                message = f"the grading worker failed ({type(exc).__name__}: {exc}); run again"
                record(Outcome(student, lab, "failed", 0.0, message))


def _context() -> multiprocessing.context.BaseContext:
    """How the grading workers start: forked from this process where possible.

    A forked worker has nbgrader already imported; a spawned one imports it
    again (3-4 s per worker, all of it on the run's clock before its first
    submission). Forking is safe here: the scan's gradebook connection is
    closed (its engine disposed), nbgrader's app is cleared after every
    command, and multiprocessing flushes the output streams before it forks.
    Where fork is missing, workers are spawned.
    """
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def grade_one(root: Path, lab: str, student: str, kernel: str | None = None) -> Outcome:
    """Autograde one submission, or score it 0 with the reason it could not be graded."""
    t0 = time.monotonic()
    reason = preflight.problem(root, lab, student)
    if reason is None:
        command = ["autograde", lab, "--student", student, "--force"]
        if kernel:
            command.append(f"--Execute.kernel_name={kernel}")
        result = nbgrader_app.run(command, root)
        for _ in range(2):  # parallel workers share one SQLite file: wait and retry
            if result.ok or "database is locked" not in result.log:
                break
            time.sleep(1)
            result = nbgrader_app.run(command, root)
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
    graded = [
        lab for lab in layout.labs(root) if any((root / "autograded").glob(f"*/{lab}"))
    ]  # labs with nothing graded yet get no feedback
    start = time.monotonic()
    for i, lab in enumerate(graded, 1):
        result = nbgrader_app.run(["generate_feedback", lab, "--force"], root)
        if not result.ok:
            problems.append(f"generate_feedback {lab}: {explain_failure(result.log)}")
        print(
            f"[{i}/{len(graded)}] feedback {lab:<28} {'ok' if result.ok else 'FAILED'}"
            f"  (elapsed {time.monotonic() - start:5.1f} s)",
            flush=True,
        )
    result = nbgrader_app.run(["export", "--to", str(root / "grades.csv")], root)
    if not result.ok:
        problems.append(f"export: {explain_failure(result.log)}")
    return problems
