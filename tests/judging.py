"""Checks judged as grading judges them: the student's side here, over the judge's channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from coursekit.judge import client, loopback
from coursekit.judge.server import Context


def judged(
    check: Callable, *args: Any, context: Context | None = None, **kwargs: Any
) -> None:
    """Run `check` on these values through the judge; raise its failure as grading does.

    The AssertionError carries the judge's whole message (the instructor's
    copy, reference values included) and is named for the mistake it names.
    """
    verdict = loopback.run(check, args, kwargs, context)
    if not verdict.passed:
        raise client.error_class(verdict.ename)(verdict.message)


class JudgedModule:
    """A lab's module of checks whose `check_*` functions run through the judge."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._module, name)
        if name.startswith("check_") and callable(value):

            def through_the_judge(*args: Any, **kwargs: Any) -> None:
                judged(value, *args, **kwargs)

            return through_the_judge
        return value
