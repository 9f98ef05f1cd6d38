"""Run nbgrader commands in this process, exactly as the `nbgrader` CLI would.

Starting the CLI costs 4-5 s per call; grading student by student (to show
progress and to isolate failures) would pay it for every submission. The
commands are the same nbgrader apps, reading the same `nbgrader_config.py`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

from jupyter_core.application import NoStart
from nbgrader.apps import NbGraderApp


@dataclass
class Result:
    """What one nbgrader command returned: its exit code and its log."""

    code: int
    log: str

    @property
    def ok(self) -> bool:
        return self.code == 0


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


@contextlib.contextmanager
def _captured_stderr() -> Iterator[StringIO]:
    """Send file descriptor 2 (ours and the kernels' we start) to a buffer.

    nbgrader logs to stderr and kernels inherit it; the caller decides what
    of it to show, so progress output stays readable.
    """
    buffer = StringIO()
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+") as tmp:
        os.dup2(tmp.fileno(), 2)
        try:
            yield buffer
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            tmp.seek(0)
            buffer.write(tmp.read())


def run(args: list[str], root: Path) -> Result:
    """Run `nbgrader <args>` with `root` as the course folder; never raises SystemExit."""
    log = StringIO()
    app = NbGraderApp.instance()
    with _cwd(root), _captured_stderr() as stderr:
        try:
            app.initialize(args)
            app.init_logging(logging.StreamHandler, [log], color=False, subapps=True)
            app.start()
        except NoStart:
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # an nbgrader bug must not stop the whole run
            log.write(f"{type(exc).__name__}: {exc}\n")
            code = 1
        else:
            code = 0
        finally:
            app.reset()
            NbGraderApp.clear_instance()
    return Result(code, log.getvalue() + stderr.getvalue())
