"""The judge service: import the checks once, fork a judge for each graded notebook.

`python -m coursekit.judge.service --socket PATH` listens on PATH (unix
SOCK_SEQPACKET, the warm service's messages: coursekit/warm/protocol.py),
then imports torch (one thread: a judge's arithmetic is small, and a thread
pool does not survive a fork), numpy and every lab's checks. It runs outside
the grading sandbox, as the grader; kernels never see its socket.

For each request of an executor (JudgedExecute) it forks a judge for one
notebook, which talks with that executor until the notebook is done:

executor -> {"kind": "judge", "lab", "student", "lab_key", "socket"}
judge    -> {"ready": pid} once it listens on `socket` (the kernel's judge.sock),
            or {"error": why}
executor -> {"cell": index, "expects": [check names]} before a graded cell,
            answered {"ok": true}; {"done": index} after it, answered
            {"record": [verdicts]}; closing the connection ends the judge.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import select
import signal
import socket
import sys
import time
from pathlib import Path

from coursekit.warm import protocol

# A judge decodes at most a message's bounds at a time (coursekit/judge/wire.py);
# this caps what a runaway check could take.
JUDGE_MEMORY = 8 * 1024**3


def preload() -> None:
    """Import the checks of every lab, and what they use, before any fork.

    A module first imported in a forked judge is imported again for every
    notebook, so this includes what the checks import lazily (numpy.random),
    and what the judge needs for its verdicts.
    """
    import numpy.random  # noqa: F401
    import torch

    torch.set_num_threads(1)
    import grader_tests

    from . import server  # noqa: F401  (with what a verdict needs: coursekit.redact)

    for lab in grader_tests.labs():
        grader_tests.checks(lab)


def _judge(conn: socket.socket, request: dict) -> None:
    """In the forked judge: serve one notebook, then exit."""
    import grader_tests

    from .server import Context, NotebookJudge, records_as_data

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = JUDGE_MEMORY if hard == resource.RLIM_INFINITY else min(JUDGE_MEMORY, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    try:
        lab = str(request["lab"])
        context = Context(lab, request.get("student"), request.get("lab_key"))
        judge = NotebookJudge(
            Path(request["socket"]), grader_tests.checks(lab), context
        )
    except Exception as exc:  # an unknown lab, a socket path that cannot be bound
        protocol.send(conn, {"error": f"{type(exc).__name__}: {exc}"})
        os._exit(3)
    try:
        protocol.send(conn, {"ready": os.getpid()})
        while True:
            message = protocol.receive(conn)
            if message is None:
                break
            if "cell" in message:
                judge.begin(int(message["cell"]), [str(n) for n in message["expects"]])
                protocol.send(conn, {"ok": True})
            elif "done" in message:
                record = judge.end(int(message["done"]))
                protocol.send(conn, {"record": records_as_data(record)})
    except OSError:
        pass
    finally:
        judge.close()
    os._exit(0)


class Service:
    """The listening socket and the live judges."""

    def __init__(self, path: Path, idle: float | None, parent: int | None) -> None:
        self.path, self.idle, self.parent = path, idle, parent
        self.children: set[int] = set()
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            path.unlink()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.listener.bind(str(path))
        self.listener.listen(128)

    def _reap(self) -> None:
        for pid in list(self.children):
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done = pid
            if done:
                self.children.discard(pid)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            request = protocol.receive(conn)
        except (OSError, ValueError):
            return
        request = request or {}
        kind = request.get("kind")
        if kind == "ping":
            protocol.send(conn, {"pong": os.getpid(), "children": len(self.children)})
            return
        if kind != "judge":
            return
        conn.settimeout(None)
        pid = os.fork()
        if pid == 0:
            try:
                self.listener.close()
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _judge(conn, request)
            finally:
                os._exit(4)
        self.children.add(pid)

    def serve(self) -> None:
        """Answer requests until stopped, orphaned, or idle for `idle` seconds."""
        last = time.monotonic()
        while True:
            ready, _, _ = select.select([self.listener], [], [], 0.5)
            self._reap()
            if self.parent and os.getppid() != self.parent:
                return
            if ready:
                conn, _ = self.listener.accept()
                with conn:
                    self._handle(conn)
                last = time.monotonic()
            elif self.children:
                last = time.monotonic()
            elif self.idle is not None and time.monotonic() - last > self.idle:
                return

    def close(self) -> None:
        self.listener.close()
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursekit.judge.service")
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--idle", type=float, help="exit after this many idle seconds")
    parser.add_argument("--parent", type=int, help="exit when this process is gone")
    args = parser.parse_args(argv)
    service = Service(args.socket, args.idle, args.parent)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        preload()
        gc.collect()
        gc.freeze()
        service.serve()
    except KeyboardInterrupt:
        pass
    finally:
        service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
