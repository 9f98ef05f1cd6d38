"""nbgrader configuration for the course; run every nbgrader command from this folder."""

import os
import tempfile
from pathlib import Path

from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
from nbgrader.converters import Autograde, GenerateAssignment
from nbgrader.preprocessors import (
    ClearMarkScheme,
    ClearOutput,
    Execute,
    GetGrades,
    IgnorePattern,
    IncludeHeaderFooter,
    LockCells,
)

import coursekit
from coursekit.preprocessors import (
    HideHiddenTests,
    InsertLabKey,
    JudgedExecute,
    JudgeVerdict,
    NoteWorkingId,
    RecordWorkingId,
    StderrCostsNothing,
)

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "gd-course"
# The course folder is the one holding this file, wherever nbgrader is run from.
HERE = Path(__file__).resolve().parent
c.CourseDirectory.root = str(HERE)
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.solution_directory = "solutions"
# The gradebook lives in the course folder (SQLite by default). A server
# database, for many grading workers, comes from COURSEKIT_DB_URL, e.g.
# postgresql+psycopg://grader:secret@dbhost/gradebook (README: PostgreSQL).
c.CourseDirectory.db_url = (
    os.environ.get("COURSEKIT_DB_URL") or f"sqlite:///{HERE / 'gradebook.db'}"
)

# Students' code runs in the kernel `course-sandbox` (coursekit/sandbox.py):
# resource limits, no network, and no view of solutions, other students or the
# gradebook. Its kernelspec ships in coursekit/jupyter; the kernel talks to
# nbgrader over unix sockets, which work without a network.
os.environ["JUPYTER_PATH"] = os.pathsep.join(
    filter(
        None,
        [
            str(Path(coursekit.__file__).parent / "jupyter"),
            os.environ.get("JUPYTER_PATH"),
        ],
    )
)
os.environ["COURSEKIT_COURSE"] = str(HERE)
# `course-warm` is that kernel forked from a process that has imported torch
# once (coursekit/warm/): the same sandbox, entered by each kernel, in a
# fraction of the start-up time; without that service it warns and runs
# `course-sandbox` (docs/integrity.md).
c.Execute.kernel_name = "course-warm"
c.KernelManager.transport = "ipc"
# An absolute home for the kernels' sockets, one per grading process (socket
# names are picked per folder, so two processes must not share one); the
# sandbox mounts just this folder.
SOCKETS = (
    Path(tempfile.gettempdir()) / f"coursekit-kernels-{os.getuid()}" / str(os.getpid())
)
SOCKETS.mkdir(mode=0o700, parents=True, exist_ok=True)
c.KernelManager.ip = str(SOCKETS / "kernel")

# Every cell of a lab runs in well under a second; 30 s per cell stops an
# endless loop without failing slow but correct code.
c.Execute.timeout = 30
# A kernel that takes longer than this to start is reported, not waited on.
c.Execute.startup_timeout = 60

# Hidden checks are judged outside the student's kernel (coursekit/judge):
# JudgedExecute runs the notebook as nbgrader's Execute does and tells a judge
# which graded cell runs and which checks the gradebook's copy of it asks for;
# JudgeVerdict then scores each such cell by the judge's record. nbgrader gives
# a test cell 0 points when anything reaches stderr, but correct code writes
# there too (logging, tqdm, warnings): StderrCostsNothing keeps that output as
# ordinary output. (coursekit/preprocessors.py)
c.Autograde.autograde_preprocessors = [
    *(JudgedExecute, JudgeVerdict, StderrCostsNothing),
    *(
        p
        for p in Autograde.class_traits()["autograde_preprocessors"].default()
        if p not in (Execute, IgnorePattern)
    ),
]

# Released notebooks ask students to replace this line.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}

# Per-student data (coursekit/labkeys.py): releasing writes each lab's key, made
# from the course secret, into its LAB_KEY line; autograde first notes which id the
# student worked with (before nbgrader clears the outputs that show it), and the
# feedback says so when it is not the submission's.
c.GenerateAssignment.preprocessors = [
    InsertLabKey,
    *GenerateAssignment.class_traits()["preprocessors"].default(),
]
c.Autograde.sanitize_preprocessors = [
    RecordWorkingId,
    *Autograde.class_traits()["sanitize_preprocessors"].default(),
]

# Feedback shows each cell's score and the check's message, but neither the
# hidden test code nor the grader's traceback frames (nbgrader issue 917).
c.GenerateFeedback.preprocessors = [
    GetGrades,
    HideHiddenTests,
    NoteWorkingId,
    CSSHTMLHeaderPreprocessor,
]

# Worked solutions are committed without outputs: regenerating them is then
# byte-identical (CI checks it) and a change to a lab reviews as a small diff.
# They run under nbval in `make test`; run them in JupyterLab to see the plots.
c.GenerateSolution.preprocessors = [
    IncludeHeaderFooter,
    LockCells,
    ClearOutput,
    ClearMarkScheme,
]
