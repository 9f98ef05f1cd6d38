"""Every nbgrader preprocessor the course adds, by the stage that runs it.

nbgrader_config.py imports them from here and lists them:

- release (`generate_assignment`): `InsertLabKey` writes the lab's key;
- autograde: `JudgedExecute` runs the notebook with the judge beside the
  kernel, `JudgeVerdict` scores each judged cell by the judge's record,
  `StderrCostsNothing` keeps stderr as ordinary output, `RecordWorkingId`
  keeps the id a student worked with;
- feedback (`generate_feedback`): `HideHiddenTests` removes the hidden tests
  and redacts reference values, `NoteWorkingId` says when a notebook was worked
  with another student's id.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from nbgrader.utils import is_grade
from traitlets import Bool

from . import layout
from .labkeys import (
    KEY_LINE,
    META,
    course_secret,
    key_in,
    lab_key,
    mismatch_note,
    worked_as,
)
from .redact import redact_references


class StderrCostsNothing(NbGraderPreprocessor):
    """Keep what a graded cell wrote to stderr, as output that costs no points.

    nbgrader scores a test cell 0 when anything reached stderr, but correct code
    writes there too: `logging` (stderr by default), `print(..., file=sys.stderr)`,
    a tqdm bar, a warning. Runs right after Execute: each stderr stream of a graded
    cell becomes an ordinary stream with the same text, so the student still sees
    it in the graded notebook and the feedback, in the order it was written
    (neighbouring streams joined). A cell fails by an error output (an exception,
    a timeout), and those are left as they are.
    """

    def preprocess_cell(
        self, cell: NotebookNode, resources: dict, index: int
    ) -> tuple[NotebookNode, dict]:
        if cell.cell_type == "code" and is_grade(cell):
            outputs: list[NotebookNode] = []
            for output in cell.outputs:
                if output.output_type == "stream" and output.name == "stderr":
                    output.name = "stdout"
                last = outputs[-1] if outputs else None
                if _is_stdout(output) and last is not None and _is_stdout(last):
                    last.text += output.text
                else:
                    outputs.append(output)
            cell.outputs = outputs
        return cell, resources


def _is_stdout(output: NotebookNode) -> bool:
    return output.output_type == "stream" and output.name == "stdout"


class JudgedExecute(Execute):
    """nbgrader's Execute, with the notebook's checks judged outside the kernel.

    Before running the notebook it reads, from the gradebook's copy of the lab
    (not from the submission), which checks each graded test cell asks for
    (`judge.check("name", ...)`) and the lab's key, and starts a judge for this
    notebook (coursekit/judge). Before each of those cells it tells the judge
    that the cell runs and what it expects; after it, it collects what the judge
    recorded, for JudgeVerdict. The kernel has no say in either.
    """

    def preprocess(self, nb, resources=None, km=None):
        from coursekit.judge.session import JudgeSession

        info = resources["nbgrader"]
        plan, lab_key = judge_plan(info)
        resources["judge_plan"], resources["judge"] = plan, {}
        sockets = Path(self.config.KernelManager.ip).parent
        folder = Path(resources.get("metadata", {}).get("path") or ".")
        submitted = set(folder.glob("*.ipynb"))
        try:
            with JudgeSession(
                info["assignment"], info["student"], lab_key, sockets
            ) as judge:
                self._judge, self._plan = judge, plan
                try:
                    return super().preprocess(nb, resources, km)
                finally:
                    self._judge = None
        finally:  # the kernel has stopped: what it left must not steer the writers
            for what in clean_kernel_folder(folder, submitted):
                self.log.warning("removed from %s: %s", folder, what)

    def preprocess_cell(self, cell, resources, index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        expects = self._plan.get(grade_id) if self._judge is not None else None
        if not expects:
            return super().preprocess_cell(cell, resources, index)
        self._judge.begin(index, expects)
        try:
            return super().preprocess_cell(cell, resources, index)
        finally:
            resources["judge"][grade_id] = self._judge.end(index)


def clean_kernel_folder(folder: Path, submitted: set[Path]) -> list[str]:
    """Remove what the kernel left in its folder that grading would trip over.

    The kernel writes only its own folder, but nbgrader then writes the graded
    notebook there, as the grader and outside the sandbox, and feedback reads
    every notebook in it. So: every symbolic link (it would carry the writer to
    another student's submission or the gradebook) and every file that is not
    a regular file or folder (a FIFO would block the writer), anywhere in the
    folder; a folder in place of a submitted notebook; and notebooks that were
    not submitted (feedback would fail on them for the whole lab). Returns what
    it removed, for the log.
    """
    import shutil
    import stat

    removed = []
    for top, dirs, files in os.walk(folder, topdown=True, followlinks=False):
        for name in [*dirs, *files]:
            path = Path(top, name)
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode) or not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                path.unlink()
                removed.append(f"{path.relative_to(folder)} (a link or special file)")
        dirs[:] = [d for d in dirs if Path(top, d).is_dir()]
    for path in sorted(folder.glob("*.ipynb")):
        if path.is_dir():
            shutil.rmtree(path)
            removed.append(f"{path.name} (a folder in place of a notebook)")
        elif path not in submitted:
            path.unlink()
            removed.append(f"{path.name} (a notebook the kernel wrote)")
    return removed


def judge_plan(info: dict) -> tuple[dict[str, list[str]], str | None]:
    """From the gradebook: the checks each graded test cell asks for, and the lab key."""
    from nbgrader.api import Gradebook

    from coursekit.judge.cells import judged_checks

    with Gradebook(info["db_url"]) as gb:
        notebook = gb.find_notebook(info["notebook"], info["assignment"])
        sources = {cell.name: cell.source for cell in notebook.source_cells}
        answers = {cell.name for cell in notebook.solution_cells}
        tests = [c.name for c in notebook.grade_cells if c.name not in answers]
    plan = {name: judged_checks(sources.get(name, "")) for name in tests}
    keys = [key for key in map(key_in, sources.values()) if key]
    return {k: v for k, v in plan.items() if v}, (keys[0] if keys else None)


class JudgeVerdict(NbGraderPreprocessor):
    """Score each judged test cell by the judge's record, not by what the kernel said.

    Runs after JudgedExecute. A cell passes only if it ran without an error
    and the judge recorded every check it asks for as passed; a check the judge
    never ran counts as failed. A failed cell shows the judge's own message
    (the kernel's copy of it could be anything) as its one error output, which
    nbgrader then scores 0.
    """

    def preprocess(self, nb, resources):
        from coursekit.judge.cells import judged_checks

        plan = resources.get("judge_plan")
        records = resources.get("judge")
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if (
                cell.cell_type != "code"
                or not meta.get("grade")
                or meta.get("solution")
            ):
                continue
            expects = (
                (plan or {}).get(meta["grade_id"])
                if plan is not None
                else (judged_checks(cell.source))
            )
            if expects:
                record = None if records is None else records.get(meta["grade_id"], [])
                _give_verdict(cell, expects, record)
        return nb, resources


def _give_verdict(
    cell: NotebookNode, expects: list[str], record: list[dict] | None
) -> None:
    passed = Counter(v["check"] for v in record or [] if v.get("passed"))
    missing = list((Counter(expects) - passed).elements())
    if not missing:
        return
    failed = [v for v in record or [] if not v.get("passed")]
    kept = [o for o in cell.outputs if o.output_type not in ("error", "execute_result")]
    kernel_errors = [o for o in cell.outputs if o.output_type == "error"]
    if failed:
        error = _error(
            failed[0].get("ename", "AssertionError"), failed[0].get("message", "")
        )
    elif kernel_errors:  # the cell stopped before its check (a visible check, a crash)
        cell.outputs = kept + kernel_errors
        return
    elif record is None:
        error = _error("AssertionError", "no judge ran this notebook's checks")
    else:
        error = _error(
            "AssertionError",
            (
                f"the judge received no check {missing[0]!r} from this cell: was "
                "`judge.check` replaced, or the connection to it closed?"
            ),
        )
    cell.outputs = [*kept, error]


def _error(ename: str, message: str) -> NotebookNode:
    ename = ename if ename.isidentifier() else "AssertionError"
    return NotebookNode(
        output_type="error",
        ename=ename,
        evalue=message,
        traceback=[f"{ename}: {message}"],
    )


# ---- release ----


class _Enabled(Preprocessor):
    """A preprocessor that runs once listed (nbconvert skips disabled ones)."""

    enabled = Bool(True).tag(config=True)


class InsertLabKey(_Enabled):
    """At release, write the lab's key (from the course secret) into its LAB_KEY line."""

    def preprocess(self, nb, resources):
        if not any(key_in(c.source) is not None for c in nb.cells):
            return nb, resources
        lab = resources["nbgrader"]["assignment"]
        # nbgrader_config.py names the course folder nbgrader runs in.
        root = Path(os.environ.get("COURSEKIT_COURSE") or layout.ROOT)
        key = lab_key(lab, course_secret(root)[0])
        for cell in nb.cells:
            if cell.cell_type == "code" and key_in(cell.source) is not None:
                cell.source = KEY_LINE.sub(f'LAB_KEY = "{key}"', cell.source)
        return nb, resources


# ---- autograde: the id a student worked with ----


class RecordWorkingId(_Enabled):
    """At autograde, before outputs are cleared: keep the id the student worked with.

    Stored in the notebook's metadata (`coursekit.worked_as`), where the feedback
    (NoteWorkingId) and the class report find it after grading.
    """

    def preprocess(self, nb, resources):
        found = worked_as(nb)
        if found is not None:
            nb.metadata[META] = {"worked_as": found[0], "seen_in": found[1]}
        return nb, resources


# ---- feedback ----

HIDDEN = re.compile(
    r"^[ \t]*#+ BEGIN HIDDEN TESTS.*?^[ \t]*#+ END HIDDEN TESTS[^\n]*\n?", re.M | re.S
)
NOTE = "# (hidden tests ran here)\n"


def strip_hidden(source: str) -> str:
    """Return `source` with each hidden-test region replaced by a one-line note."""
    return HIDDEN.sub(NOTE, source)


def _is_test_cell(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return bool(meta.get("grade")) and not meta.get("solution")


class HideHiddenTests(Preprocessor):
    """Strip hidden tests and grader tracebacks from test cells before export.

    nbgrader copies hidden tests into the feedback it generates (nbgrader issue
    917): this removes the hidden region from every test cell and shortens each
    error in a test cell to its last line, the check's own message. In cells with
    hidden tests it also replaces the reference values the checks quote in their
    errors by "…" (coursekit/redact.py; the checks never print, so errors are all
    there is to redact).
    """

    enabled = Bool(True, help="nbconvert skips preprocessors that are not enabled").tag(
        config=True
    )

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and _is_test_cell(cell):
            hidden = bool(HIDDEN.search(cell.source))
            cell.source = strip_hidden(cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    message = output.get("evalue", "")
                    if hidden:
                        message = output["evalue"] = redact_references(message)
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {message}"]
        return cell, resources


class NoteWorkingId(_Enabled):
    """In feedback: say at the top when the id worked with is not the submission's."""

    def preprocess(self, nb, resources):
        record = nb.metadata.get(META, {})
        graded = resources.get("nbgrader", {}).get("student")
        if "worked_as" in record and graded and record["worked_as"] != graded:
            note = mismatch_note(record["worked_as"], record["seen_in"], graded)
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(note))
        return nb, resources
