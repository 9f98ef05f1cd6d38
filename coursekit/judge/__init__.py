"""Hidden checks judged outside the student's process.

A hidden test cell calls `judge.check(name, *values)` (`from coursekit import
judge`); the kernel side is `client`, the judge's side `server` (one process
per graded notebook, forked by `service`), the channel between them `wire`
and `values`. Without a judge the check runs in the kernel's process over the
same channel (`loopback`).
"""

from .client import check

__all__ = ["check"]
