"""The judge: runs a notebook's hidden checks outside the student's process.

For each notebook autograde runs, the judge service (coursekit/judge/service.py)
forks one `NotebookJudge`. It listens on `judge.sock` in the kernel's socket
folder, and hears from the executor in the grading process (JudgedExecute,
coursekit/preprocessors.py), never from the kernel, which graded cell is
running and which checks that cell's copy in the gradebook asks for.

A kernel connection carries one check: its name and the student's values. The
judge accepts it only while a graded cell is running whose checks include that
name and have not all been tried, runs it (`run_check`: the check reaches the
student's objects through `KernelProxy`, which asks the kernel by value and by
handle), records the verdict for that cell, and answers the kernel with the
message, reference values left out. When the cell ends the executor collects
the cell's record; a check still running then is cut off and recorded as
failed. Nothing the kernel sends is unpickled, evaluated or imported.
"""

from __future__ import annotations

import builtins
import functools
import inspect
import os
import socket
import threading
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from coursekit.redact import redact_references

from . import wire
from .values import Decoder, Encoder, WireError

# A check's first message must come this soon after its connection.
FIRST_MESSAGE_SECONDS = 10.0
# Safety net for a kernel that stops answering; the cell's own time limit
# (c.Execute.timeout) normally ends a hang first, and the executor then cuts
# the connection.
REPLY_SECONDS = 600.0
# Connections one cell may open; more are closed unread (a flood of requests).
CONNECTIONS_PER_CELL = 64


@dataclass(frozen=True)
class Context:
    """What the judge knows of the notebook from the grader, not from the kernel."""

    lab: str
    student: str | None = None
    lab_key: str | None = None


@dataclass
class Verdict:
    """One check's result, as the judge records it."""

    check: str
    passed: bool
    ename: str = "AssertionError"
    message: str = ""


def redacted(message: str) -> str:
    """The message without the reference values it quotes (what the kernel may see)."""
    return redact_references(message)


class KernelProxy:
    """The kernel, from the check's side: calls, attributes and items, by request.

    Implements grader_tests.core.remote.Kernel over one connection. Values the
    judge passes are sent by value (tensors and arrays come back as they are
    after the call, and are updated in place here) or, for the kernel's own
    objects, by handle; the judge's own functions by callback.
    """

    def __init__(self, sock: socket.socket) -> None:
        from grader_tests.core import remote

        self.remote = remote
        self.channel = wire.Channel(sock, self._serve)
        self.handles: dict[int, Any] = {}
        self.callbacks: list[Callable] = []
        self.last = remote.CallInfo()

    # ---- values ----

    def _handle(self, info) -> Any:
        if info.id not in self.handles:
            kind = self.remote.RemoteCallable if info.callable else self.remote.Remote
            self.handles[info.id] = kind(self, info)
        return self.handles[info.id]

    def _other(self, value: Any) -> dict:
        if isinstance(value, self.remote.Remote):
            if value._kernel is not self:
                raise WireError("a handle of another kernel")
            return {"R": value._info.id}
        if callable(value):
            self.callbacks.append(value)
            return {"C": len(self.callbacks) - 1}
        raise WireError(f"the judge cannot send {type(value).__name__}")

    def encode(self, value: Any) -> tuple[Any, list[bytes], list[Any]]:
        encoder = Encoder(other=self._other)
        return encoder.encode(value), encoder.blobs, encoder.sent

    def decode(self, tree: Any, blobs: list[bytes]) -> Any:
        return Decoder(blobs, handle=self._handle).decode(tree)

    # ---- requests ----

    def _request(self, op: str, values: list, **extra: Any) -> tuple[dict, list, list]:
        """Ask the kernel; return its reply, the reply's blobs and the values sent."""
        tree, blobs, sent = self.encode(values)
        header = {"op": op, "values": tree, **extra}
        reply, reply_blobs = self.channel.request(header, blobs)
        wire.check_reply(reply)
        return reply, reply_blobs, sent

    def _value(self, reply: dict, blobs: list[bytes]) -> Any:
        """The reply's value, or the student's exception raised here."""
        if "raised" in reply:
            raised = reply["raised"] if type(reply["raised"]) is dict else {}
            mro: list = raised["mro"] if type(raised.get("mro")) is list else []
            raise self.remote.remote_error(
                str(raised.get("type", "Exception"))[:100],
                tuple(str(m)[:200] for m in mro[:64]),
                str(raised.get("message", ""))[:2000],
            )
        if "ok" not in reply:
            raise WireError("a reply without a value")
        return self.decode(reply["ok"], blobs)

    def _ask(self, op: str, values: list, **extra: Any) -> Any:
        reply, blobs, _ = self._request(op, values, **extra)
        return self._value(reply, blobs)

    def call(self, handle: int, args: tuple, kwargs: dict, options: dict) -> Any:
        values = [self.handles[handle], list(args), dict(kwargs)]
        lines = bool(options.get("lines"))
        reply, blobs, sent = self._request("call", values, lines=lines)
        self._note(reply)
        value = self._value(reply, blobs)
        if type(value) is not list or len(value) != 2 or type(value[1]) is not list:
            raise WireError("a malformed call reply")
        result, after = value
        if len(after) != len(sent):
            raise WireError("a call reply whose arguments do not match those sent")
        for mine, theirs in zip(sent, after, strict=True):
            _take_state(mine, theirs)
        return result

    def _note(self, reply: dict) -> None:
        said, graph, lines = (
            reply.get("warnings"),
            reply.get("graph"),
            reply.get("lines"),
        )
        warnings_ = [str(w)[:500] for w in said[:50]] if type(said) is list else []
        if not (
            type(graph) is list
            and len(graph) == 2
            and {type(g) for g in graph} == {int}
        ):
            graph = [0, 0]
        lines = lines if type(lines) is int else 0
        self.last = self.remote.CallInfo(warnings_, graph[0], graph[1], lines)

    def getattr(self, handle: int, name: str) -> Any:
        return self._ask("getattr", [self.handles[handle], name])

    def getitem(self, handle: int, key: Any) -> Any:
        return self._ask("getitem", [self.handles[handle], key])

    def len(self, handle: int) -> int:
        value = self._ask("len", [self.handles[handle]])
        if type(value) is not int:
            raise WireError("a length that is not an integer")
        return value

    def list(self, handle: int) -> builtins.list:
        value = self._ask("list", [self.handles[handle]])
        if type(value) is not list:
            raise WireError("items that are not a list")
        return value

    def new(self, kind: str, *args: Any, **kwargs: Any) -> Any:
        return self._ask("new", [list(args), dict(kwargs)], make=kind)

    def seed(self, seed: int | None = None, numpy_state: Any = None) -> None:
        self._ask("seed", [seed, numpy_state])

    def _serve(self, header: dict, blobs: builtins.list[bytes]) -> wire.Message:
        """A kernel's request while the judge waits: a callback of a judge function."""
        if header.get("op") != "callback":
            return wire.error_reply("the judge answers only callbacks")
        target = header.get("target")
        if type(target) is not int or not 0 <= target < len(self.callbacks):
            return wire.error_reply("no such callback")
        try:
            values = self.decode(header.get("values"), blobs)
            args, kwargs = values
            result = self.callbacks[target](*args, **kwargs)
            tree, out, _ = self.encode(result)
        except Exception as exc:  # bad input to a judge function: the kernel hears why
            raised = {"type": type(exc).__name__, "mro": [], "message": str(exc)[:500]}
            return {"raised": raised}, []
        return {"ok": tree}, out


def _take_state(mine: Any, theirs: Any) -> None:
    """Give a tensor or array the judge sent the state the kernel left it in."""
    import numpy
    import torch

    if isinstance(mine, torch.Tensor) and isinstance(theirs, torch.Tensor):
        with torch.no_grad():
            if mine.shape == theirs.shape and mine.dtype == theirs.dtype:
                mine.copy_(theirs)
            else:
                mine.data = theirs.detach()
        if mine.is_leaf and mine.requires_grad != theirs.requires_grad:
            mine.requires_grad_(theirs.requires_grad)
        mine.grad = theirs.grad
        mine._kernel = getattr(theirs, "_kernel", None)  # type: ignore[attr-defined]
    elif isinstance(mine, numpy.ndarray) and isinstance(theirs, numpy.ndarray):
        if mine.shape == theirs.shape and mine.dtype == theirs.dtype:
            mine[...] = theirs


def _bind_context(check: Callable, context: Context) -> dict:
    """The check's keyword arguments: the grader's context, if it takes one."""
    return (
        {"context": context} if "context" in inspect.signature(check).parameters else {}
    )


def refused_arguments(check: Callable, args: list, kwargs: dict) -> str | None:
    """Why the kernel's values cannot be the check's arguments, or None.

    A hidden test cell passes the student's objects, one per parameter the
    check has no default for. Everything else a check takes (the lab's
    parameters, the grader's context) is the judge's: a kernel that sends
    keyword arguments or more values is trying to choose them.
    """
    if kwargs:
        return (
            "the check was sent keyword arguments "
            f"({', '.join(sorted(map(str, kwargs))[:5])}): a hidden test cell passes "
            "only the objects it names"
        )
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    wanted = [
        p
        for p in inspect.signature(check).parameters.values()
        if p.kind in kinds and p.default is inspect.Parameter.empty
    ]
    if len(args) != len(wanted):
        return (
            f"the check takes {len(wanted)} object(s) from its cell and was sent "
            f"{len(args)}"
        )
    return None


def judge(
    check: Callable, name: str, args: list, kwargs: dict, context: Context
) -> Verdict:
    """Run one check on decoded values; every way it can end is a verdict."""
    refused = refused_arguments(check, args, kwargs)
    if refused:
        return Verdict(name, False, message=refused)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check(*args, **_bind_context(check, context))
    except AssertionError as error:
        message = str(error.args[0]) if error.args else type(error).__name__
        return Verdict(name, False, type(error).__name__, message)
    except wire.Closed:
        return Verdict(
            name, False, message="the kernel stopped answering during the check"
        )
    except WireError as exc:
        return Verdict(
            name, False, message=f"the kernel sent what the judge cannot read: {exc}"
        )
    except OSError as exc:
        return Verdict(
            name, False, message=f"the connection to the kernel failed: {exc}"
        )
    except Exception as exc:  # the check met values it was not written for
        return Verdict(
            name,
            False,
            message=f"the check could not finish ({type(exc).__name__}: {exc})",
        )
    return Verdict(name, True)


def run_check(
    sock: socket.socket,
    checks: dict[str, Callable],
    context: Context,
    start: Callable[[str], bool] = lambda name: True,
    record: Callable[[Verdict], None] = lambda verdict: None,
) -> Verdict | None:
    """Serve one kernel connection: read its check, run it, answer with the verdict.

    `start(name)` says whether the check may run now (and counts it as tried);
    a refused or malformed request gets an answer and returns None: it is no
    verdict of the cell's. `record(verdict)` runs before the kernel hears the
    verdict (once it has, its cell may end at any moment).
    """
    sock.settimeout(FIRST_MESSAGE_SECONDS)
    try:
        message = wire.receive(sock)
    except (OSError, WireError):
        return None
    if message is None:
        return None
    header, blobs = message
    name = header.get("name")
    channel = wire.Channel(sock, lambda h, b: wire.error_reply("no check is running"))
    if header.get("op") != "check" or type(name) is not str or len(name) > 100:
        channel.reply(*wire.error_reply("the first request must name a check"))
        return None
    if name not in checks:
        channel.reply(*wire.error_reply(f"{context.lab} has no check named {name!r}"))
        return None
    if not start(name):
        channel.reply(
            *wire.error_reply(f"the running cell does not ask for check {name!r}")
        )
        return None
    sock.settimeout(REPLY_SECONDS)
    kernel = KernelProxy(sock)
    try:
        values = kernel.decode(header.get("values"), blobs)
        if type(values) is not list or len(values) != 2:
            raise WireError("a malformed check request")
        args, kwargs = values
        if type(args) is not list or type(kwargs) is not dict:
            raise WireError("a malformed check request")
        verdict = judge(checks[name], name, args, kwargs, context)
    except WireError as exc:
        verdict = Verdict(
            name, False, message=f"the kernel sent what the judge cannot read: {exc}"
        )
    record(verdict)
    try:
        reply = {
            "passed": verdict.passed,
            "ename": verdict.ename,
            "message": redacted(verdict.message),
        }
        kernel.channel.reply(reply)
    except (OSError, WireError):
        pass
    return verdict


@dataclass
class Cell:
    """A graded cell while it runs: the checks it asks for, and what they gave."""

    index: int
    expects: list[str]
    tried: Counter = field(default_factory=Counter)
    record: list[Verdict] = field(default_factory=list)
    connections: int = 0
    running: str | None = None


class NotebookJudge:
    """The judge of one notebook: its kernel socket and the record of each cell."""

    def __init__(
        self, path: Path, checks: dict[str, Callable], context: Context
    ) -> None:
        self.path, self.checks, self.context = path, checks, context
        self.lock = threading.Lock()
        self.cell: Cell | None = None
        self.active: socket.socket | None = None
        self.stopping = False
        if path.exists() or path.is_symlink():
            path.unlink()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(str(path))
        os.chmod(path, 0o600)
        # The next notebook's judge binds this path too: close() removes only ours.
        self.bound = os.stat(path).st_ino
        self.listener.listen(16)
        self.listener.settimeout(0.2)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def begin(self, index: int, expects: list[str]) -> None:
        with self.lock:
            self.cell = Cell(index, list(expects))

    def end(self, index: int) -> list[Verdict]:
        """The cell's record; a check still running is cut off and recorded failed."""
        with self.lock:
            cell, self.cell = self.cell, None
            active, self.active = self.active, None
        if active is not None:
            try:
                active.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if cell is None or cell.index != index:
            return []
        if cell.running is not None:
            cell.record.append(
                Verdict(
                    cell.running,
                    False,
                    message=(
                        "the check did not finish before its cell ended: did the code it "
                        "called run past the cell's time limit, or stop the kernel?"
                    ),
                )
            )
        return cell.record

    def _start(self, cell: Cell | None, name: str) -> bool:
        with self.lock:
            if (
                cell is None
                or self.cell is not cell
                or cell.tried[name] >= cell.expects.count(name)
            ):
                return False
            cell.tried[name] += 1
            cell.running = name
            return True

    def _serve(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                with self.lock:
                    cell = self.cell
                    if cell is not None:
                        cell.connections += 1
                    flooded = cell is None or cell.connections > CONNECTIONS_PER_CELL
                    self.active = None if flooded else conn
                if flooded:
                    if cell is None:
                        _refuse(conn, "no graded cell is running")
                    continue
                try:
                    run_check(
                        conn,
                        self.checks,
                        self.context,
                        functools.partial(self._start, cell),
                        functools.partial(self._record, cell),
                    )
                except (OSError, WireError):  # the kernel hung up: next connection
                    pass
                with self.lock:
                    if self.active is conn:
                        self.active = None

    def _record(self, cell: Cell | None, verdict: Verdict) -> None:
        with self.lock:
            if cell is not None and self.cell is cell:
                cell.record.append(verdict)
                cell.running = None

    def close(self) -> None:
        self.stopping = True
        self.listener.close()
        self.thread.join(5)
        try:  # only our own socket: the next notebook's judge may listen here already
            if os.stat(self.path).st_ino == self.bound:
                self.path.unlink()
        except FileNotFoundError:
            pass


def _refuse(conn: socket.socket, why: str) -> None:
    try:
        conn.settimeout(1.0)
        if wire.receive(conn) is not None:
            wire.send(conn, {"kind": "reply", "error": why})
    except (OSError, WireError):
        pass


def records_as_data(record: list[Verdict]) -> list[dict]:
    return [asdict(v) for v in record]


def checks_for(lab: str) -> dict[str, Callable]:
    """The lab's checks by name, from grader_tests."""
    import grader_tests

    return grader_tests.checks(lab)
