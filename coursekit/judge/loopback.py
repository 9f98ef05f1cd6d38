"""The judge in this process, over a socket pair: for notebooks run without a grader.

nbval over the worked solutions, `nbgrader validate` and an instructor's
JupyterLab run hidden test cells with no judge listening. `check` then runs
the judge's side in a thread of the kernel itself, through exactly the channel
grading uses (values by value and by handle, calls back and forth), so what
passes here passes when graded. It needs `grader_tests`, which only a grader's
machine has; inside the grading sandbox it is hidden, and a check there has
no judge but the real one. The repository's tests judge checks this way too
(`run`).
"""

from __future__ import annotations

import functools
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import client
from .server import Context, Verdict, run_check


def run(
    check: Callable,
    args: tuple,
    kwargs: dict | None = None,
    context: Context | None = None,
    name: str = "check",
) -> Verdict:
    """Judge `check` on these values as grading does, the student's side here;
    the judge's verdict, its message whole (the kernel's copy leaves out the
    reference values).

    `args` cross from the student's side; `kwargs` are the judge's own (a
    lab's parameters, as a test chooses them) and are bound on its side.
    """
    if kwargs:
        check = functools.partial(check, **kwargs)
    return _judged(check, tuple(args), {}, context, name)


def _judged(
    check: Callable, args: tuple, sent: dict, context: Context | None, name: str
) -> Verdict:
    """`check` judged in a thread, on `args` and `sent` as the kernel sends them."""
    context = context or Context(lab="")
    ours, theirs = socket.socketpair()
    outcome: list[Verdict | None] = [None]

    def judge_side() -> None:
        with theirs:
            outcome[0] = run_check(theirs, {name: check}, context)

    thread = threading.Thread(target=judge_side, daemon=True)
    thread.start()
    with ours:
        client.over(ours, name, args, dict(sent))
    thread.join()
    if outcome[0] is None:
        return Verdict(name, False, message="the check was refused")
    return outcome[0]


def check(name: str, args: tuple, kwargs: dict) -> client.Verdict:
    """A hidden test cell's check, judged in this process (no judge is listening)."""
    try:
        import grader_tests
    except ImportError:
        return client.Verdict(
            False, "AssertionError", "no judge is running the checks of this notebook"
        )
    lab, student, key = _notebook_context()
    checks = grader_tests.checks(lab)
    if name not in checks:
        return client.Verdict(False, "AssertionError", f"{lab} has no check {name!r}")
    verdict = _judged(checks[name], args, kwargs, Context(lab, student, key), name)
    return client.Verdict(verdict.passed, verdict.ename, verdict.message)


def _notebook_context() -> tuple[str, str | None, str | None]:
    """The lab (COURSEKIT_LAB, else the notebook's folder, as nbgrader lays them
    out) and, for labs with per-student data, the id and key the notebook uses."""
    lab = os.environ.get("COURSEKIT_LAB") or Path.cwd().name
    try:
        from IPython import get_ipython

        names: dict[str, Any] = get_ipython().user_ns
    except Exception:
        names = {}
    student = names.get("STUDENT")
    key = names.get("LAB_KEY")
    return (
        lab,
        student if isinstance(student, str) else None,
        key if isinstance(key, str) else None,
    )
