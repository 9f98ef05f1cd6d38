"""The grading kernel's side of the judge: hand a check's values over, serve its calls.

A hidden test cell is one call, `judge.check("gradient_w", gradients)`. While
autograde runs the notebook, the judge (a process outside the sandbox,
coursekit/judge/server.py) listens on `judge.sock` in the kernel's socket
folder; `check` connects, sends the check's name and values (plain data by
value, everything else by handle), then serves what the judge asks until its
verdict comes: call a handle with these arguments, read an attribute, list an
iterable, make a torch object, seed the random generators. A failed verdict is
raised as an AssertionError (named for the mistake it diagnoses) with the
judge's message, reference values left out.

Nothing here decides anything: the judge keeps its own record of which checks
ran and passed, and the grade comes from that record. Without a judge (a
notebook run by nbval, `nbgrader validate`, an instructor's JupyterLab) the
check runs in this process through the same channel (coursekit/judge/loopback.py).

Only the standard library is imported at first; numpy and torch when a value
needs them.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import random
import socket
import sys
import sysconfig
import warnings
from pathlib import Path
from typing import Any

from . import wire
from .values import Decoder, Encoder, WireError, qualname

SOCKET_NAME = "judge.sock"
LIST_LIMIT = 100_000  # items one `list` request may return


def judge_socket() -> Path | None:
    """The judge's socket beside this kernel's sockets, if a judge is listening."""
    try:
        from ipykernel.connect import get_connection_file

        info = json.loads(Path(get_connection_file()).read_text())
    except Exception:  # not an IPython kernel, or no connection file
        return None
    if info.get("transport") != "ipc":
        return None
    path = Path(info["ip"]).parent / SOCKET_NAME
    return path if path.exists() else None


class Verdict:
    """What the judge decided about one check."""

    def __init__(self, passed: bool, ename: str, message: str) -> None:
        self.passed, self.ename, self.message = passed, ename, message


_ERRORS: dict[str, type[AssertionError]] = {}


def error_class(name: str) -> type[AssertionError]:
    """AssertionError, or its subclass of that name (a diagnosed mistake's)."""
    if not name.isidentifier() or name == "AssertionError":
        return AssertionError
    if name not in _ERRORS:
        _ERRORS[name] = type(name, (AssertionError,), {"__module__": "judge"})
    return _ERRORS[name]


def check(name: str, *args: Any, **kwargs: Any) -> None:
    """Have the judge run the hidden check `name` on these values; raise if it fails."""
    __tracebackhide__ = True  # noqa: F841  (IPython hides this frame)
    path = judge_socket()
    if path is None:
        from . import loopback

        verdict = loopback.check(name, args, kwargs)
    else:
        verdict = ask(path, name, args, kwargs)
    if not verdict.passed:
        raise error_class(verdict.ename)(verdict.message) from None


def ask(path: Path, name: str, args: tuple, kwargs: dict) -> Verdict:
    """One check through the judge at `path`."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(str(path))
        except OSError as exc:
            return Verdict(
                False, "AssertionError", f"the judge is not reachable: {exc}"
            )
        try:
            return over(sock, name, args, kwargs)
        except (OSError, WireError) as exc:
            return Verdict(False, "AssertionError", f"the judge hung up ({exc})")


def over(sock: socket.socket, name: str, args: tuple, kwargs: dict) -> Verdict:
    """Run one check over a connected socket: send it, serve the judge, read the verdict."""
    side = KernelSide(sock)
    with side.kept_state():
        tree, blobs = side.encode([list(args), dict(kwargs)])
        request = {"op": "check", "name": name, "values": tree}
        reply, _ = side.channel.request(request, blobs)
    if "error" in reply:
        return Verdict(False, "AssertionError", str(reply["error"]))
    return Verdict(
        bool(reply.get("passed")),
        str(reply.get("ename", "AssertionError")),
        str(reply.get("message", "")),
    )


def _torch():
    import torch

    return torch


def factories() -> dict[str, Any]:
    """The torch objects the judge may ask this kernel to make, by name."""
    torch = _torch()
    from torch.utils import data

    return {
        "torch.nn.Linear": torch.nn.Linear,
        "torch.nn.MSELoss": torch.nn.MSELoss,
        "torch.nn.functional.mse_loss": lambda: torch.nn.functional.mse_loss,
        "torch.optim.SGD": torch.optim.SGD,
        "torch.utils.data.TensorDataset": data.TensorDataset,
        "torch.utils.data.DataLoader": data.DataLoader,
        "torch.Generator": torch.Generator,
    }


class KernelSide:
    """The kernel's objects the judge holds by handle, and the requests it serves."""

    def __init__(self, sock: socket.socket) -> None:
        self.channel = wire.Channel(sock, self.serve)
        self.objects: dict[int, Any] = {}
        self.handle_ids: dict[int, int] = {}
        self.tensor_refs: dict[int, int] = {}
        self.kept: list[Any] = []  # keeps ids unique while the check runs

    @contextlib.contextmanager
    def kept_state(self):
        """Leave the notebook's random state as it was, whatever the check calls."""
        import numpy

        torch = _torch()
        state = random.getstate(), numpy.random.get_state()
        try:
            with torch.random.fork_rng(devices=[]):
                yield
        finally:
            random.setstate(state[0])
            numpy.random.set_state(state[1])
            self.objects.clear()
            self.kept.clear()

    # ---- values ----

    def _handle(self, value: Any) -> dict:
        key = id(value)
        if key not in self.handle_ids:
            self.handle_ids[key] = len(self.objects)
            self.objects[len(self.objects)] = value
            self.kept.append(value)
        cls = type(value)
        mro = [qualname(c) for c in getattr(cls, "__mro__", (cls,))]
        try:
            plain = f"<class '{qualname(value)}'>" if isinstance(value, type) else None
            text = (plain or object.__repr__(value))[:300]
        except Exception:
            text = ""
        info = {
            "id": self.handle_ids[key],
            "type": qualname(cls),
            "mro": mro,
            "callable": callable(value),
            "text": text,
        }
        return {"H": info}

    def _ref(self, tensor: Any) -> int:
        key = id(tensor)
        if key not in self.tensor_refs:
            self.tensor_refs[key] = len(self.tensor_refs)
            self.kept.append(tensor)
        return self.tensor_refs[key]

    def encode(self, value: Any) -> tuple[Any, list[bytes]]:
        encoder = Encoder(other=self._handle, ref_of=self._ref)
        return encoder.encode(value), encoder.blobs

    def decode(self, tree: Any, blobs: list[bytes]) -> tuple[Any, list]:
        decoder = Decoder(
            blobs, reference=self._object, callback=lambda i: JudgeFunction(self, i)
        )
        return decoder.decode(tree), decoder.created

    def _object(self, handle: int) -> Any:
        if handle not in self.objects:
            raise WireError(f"no kernel object with handle {handle}")
        return self.objects[handle]

    # ---- requests ----

    def serve(self, header: dict, blobs: list[bytes]) -> wire.Message:
        """Answer one request of the judge (it runs while the judge waits)."""
        op = header.get("op")
        try:
            values, created = self.decode(header.get("values", {"L": []}), blobs)
            if op == "call":
                return self._call(values, created, bool(header.get("lines")))
            if op == "new":
                return self._new(header.get("make"), values)
            if op == "seed":
                return self._seed(values)
            with _quiet():
                if op == "getattr":
                    target, name = values
                    result = getattr(target, str(name))
                elif op == "getitem":
                    target, key = values
                    result = target[key]
                elif op == "len":
                    (target,) = values
                    result = len(target)
                elif op == "list":
                    (target,) = values
                    result = list(itertools.islice(iter(target), LIST_LIMIT + 1))
                else:
                    return wire.error_reply(f"unknown request {str(op)[:20]!r}")
        except WireError as exc:
            return wire.error_reply(str(exc))
        except Exception as exc:  # the student's code may raise anything
            return self._raised(exc)
        return self._ok(result)

    def _ok(self, result: Any, **extra: Any) -> wire.Message:
        tree, blobs = self.encode(result)
        return {"ok": tree, **extra}, blobs

    def _raised(self, exc: BaseException, **extra: Any) -> wire.Message:
        mro = [qualname(c) for c in type(exc).__mro__]
        try:
            text = str(exc)[:2000]
        except Exception:
            text = ""
        raised = {"type": type(exc).__name__, "mro": mro, "message": text}
        return {"raised": raised, **extra}, []

    def _call(self, values: list, created: list, lines: bool) -> wire.Message:
        """Call a kernel function: its result, its arguments' state afterwards, the
        warnings it gave, what autograd saved and used meanwhile, and (`lines`)
        how many lines of the student's Python it ran."""
        target, args, kwargs = values
        torch = _torch()
        graph = [0, 0]

        def pack(tensor):
            graph[0] += 1
            return tensor

        def unpack(tensor):
            graph[1] += 1
            return tensor

        counter = LineCounter()
        failure: Exception | None
        with (
            _quiet(),
            warnings.catch_warnings(record=True) as caught,
            torch.autograd.graph.saved_tensors_hooks(pack, unpack),
        ):
            warnings.simplefilter("always")
            try:
                with counter if lines else contextlib.nullcontext():
                    result = target(*args, **kwargs)
            except Exception as exc:  # the student's code may raise anything
                result, failure = None, exc
            else:
                failure = None
        said = [str(w.message)[:500] for w in caught[:50]]
        extra = {"warnings": said, "graph": graph, "lines": counter.count}
        if failure is not None:
            return self._raised(failure, **extra)
        tree, blobs = self.encode([result, created])
        return {"ok": tree, **extra}, blobs

    def _seed(self, values: list) -> wire.Message:
        """Seed torch, numpy and random with one number, or set numpy's global state."""
        import numpy

        seed, numpy_state = values
        if seed is not None:
            _torch().manual_seed(seed)
            numpy.random.seed(seed % 2**32)
            random.seed(seed)
        if numpy_state is not None:
            numpy.random.set_state(tuple(numpy_state))
        return self._ok(None)

    def _new(self, kind: Any, values: list) -> wire.Message:
        table = factories()
        if kind not in table:
            return wire.error_reply(f"this kernel makes no {str(kind)[:60]!r}")
        args, kwargs = values
        return self._ok(table[kind](*args, **kwargs))


class LineCounter:
    """Count the lines of the student's Python run in the block (sys.settrace).

    Library code (Python's, installed packages', the course's) is not counted,
    so a loop shows whether it is written out, in a comprehension or hidden in
    np.vectorize, with or without its source. The previous tracer is restored.
    """

    def __init__(self) -> None:
        paths = sysconfig.get_paths()
        dirs = {paths[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
        dirs.add(str(Path(__file__).resolve().parent.parent))
        self.skip = tuple(os.path.join(d, "") for d in dirs) + tuple(
            os.path.join(os.path.realpath(d), "") for d in dirs
        )
        self.count = 0

    def _local(self, frame, event: str, arg: object):
        if event == "line":
            self.count += 1
        return self._local

    def _calls(self, frame, event: str, arg: object):
        name = frame.f_code.co_filename
        if name.startswith(self.skip) or name.startswith("<frozen"):
            return None
        return self._local

    def __enter__(self) -> LineCounter:
        self.previous = sys.gettrace()
        sys.settrace(self._calls)
        return self

    def __exit__(self, *exc: object) -> None:
        sys.settrace(self.previous)


class JudgeFunction:
    """A function of the judge's, passed to student code: calling it asks the judge."""

    def __init__(self, side: KernelSide, target: int) -> None:
        self._side, self._target = side, target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        tree, blobs = self._side.encode([list(args), dict(kwargs)])
        request = {"op": "callback", "target": self._target, "values": tree}
        reply, reply_blobs = self._side.channel.request(request, blobs)
        wire.check_reply(reply)
        if "raised" in reply:
            raise RuntimeError(str(reply["raised"].get("message", ""))[:2000])
        value, _ = self._side.decode(reply["ok"], reply_blobs)
        return value


@contextlib.contextmanager
def _quiet():
    """What student code prints while the judge calls it stays out of the notebook."""
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        yield
