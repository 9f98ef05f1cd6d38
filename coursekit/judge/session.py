"""The grader's side of a notebook's judge: start it, say which cell runs, collect verdicts.

Used by JudgedExecute (coursekit/preprocessors.py) in the grading process. The
judge is forked by the batch's judge service (COURSEKIT_JUDGE_SOCKET, set by
`make grade` and friends), or else by this venv's on-demand service, started
here when none runs and ending when idle, so that a plain `nbgrader autograde`
is judged the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from coursekit.warm import launch, protocol

from .client import SOCKET_NAME

ENV_SOCKET = "COURSEKIT_JUDGE_SOCKET"
MODULE = "coursekit.judge.service"
# The service may still be importing torch and the checks when the first
# notebook asks; a judge answers every later message at once.
READY_SECONDS = 120.0
ANSWER_SECONDS = 60.0


class JudgeError(RuntimeError):
    """The judge could not be started or stopped answering: grading cannot go on."""


class JudgeSession:
    """One notebook's judge, listening on judge.sock in `kernel_sockets`."""

    def __init__(
        self, lab: str, student: str | None, lab_key: str | None, kernel_sockets: Path
    ) -> None:
        self.path = kernel_sockets / SOCKET_NAME
        request = {
            "kind": "judge",
            "lab": lab,
            "student": student,
            "lab_key": lab_key,
            "socket": str(self.path),
        }
        explicit = os.environ.get(ENV_SOCKET)
        try:
            if explicit:
                self.sock = protocol.connect(explicit)
            else:
                path = protocol.default_socket("judge")
                self.sock = launch.on_demand(path, MODULE)
            self.sock.settimeout(READY_SECONDS)
            protocol.send(self.sock, request)
            reply = protocol.receive(self.sock)
        except OSError as exc:
            raise JudgeError(f"the judge service is not reachable ({exc})") from None
        if not reply or "ready" not in reply:
            why = (reply or {}).get("error", "it closed the connection")
            raise JudgeError(f"the judge of {lab} could not start: {why}")
        self.sock.settimeout(ANSWER_SECONDS)

    def _ask(self, message: dict) -> dict:
        try:
            protocol.send(self.sock, message)
            reply = protocol.receive(self.sock)
        except OSError as exc:
            raise JudgeError(f"the judge stopped answering ({exc})") from None
        if reply is None:
            raise JudgeError("the judge stopped answering (it closed the connection)")
        return reply

    def begin(self, index: int, expects: list[str]) -> None:
        """Cell `index` runs now, and asks for these checks."""
        self._ask({"cell": index, "expects": expects})

    def end(self, index: int) -> list[dict]:
        """Cell `index` is done: the verdicts the judge recorded for it."""
        return list(self._ask({"done": index}).get("record", []))

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> JudgeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
