"""The warm-kernel service: import the heavy modules once, fork a kernel per request.

`python -m coursekit.warm.service --socket PATH` listens on PATH at once,
then imports torch, numpy, matplotlib (with the inline backend a kernel
would pick), ipykernel and the judge's client (never the checks: every kernel
inherits what this process holds), without running a torch operation
(torch starts its thread pools lazily, and a pool does not survive a fork).
Requests queued meanwhile are answered when that is done.

For each kernel request it forks a supervisor, which
- takes the launcher's stdin/stdout/stderr, starts a new session, lowers the
  resource limits (`sandbox.apply_limits`) and enters new namespaces;
- forks the kernel, pid 1 of its own pid namespace, which builds its
  filesystem view, drops every capability, reseeds the random generators as
  a fresh process would have them, says "ready" and becomes the IPython
  kernel (IPKernelApp, with the judge's client preloaded as in coursekit.sandbox);
- relays interrupts from the launcher, kills the kernel if the launcher goes
  away, and reports the kernel's exit code.
The service itself keeps no per-kernel state beyond the supervisors' pids.
"""

from __future__ import annotations

import argparse
import gc
import os
import select
import signal
import socket
import sys
import time
from pathlib import Path

from . import protocol


def preload() -> None:
    """Import what every grading kernel imports, without starting thread pools."""
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    import importlib

    import ipykernel.ipkernel  # noqa: F401
    import ipykernel.kernelapp  # noqa: F401
    import matplotlib.pyplot  # noqa: F401
    import matplotlib_inline.backend_inline  # noqa: F401
    import numpy  # noqa: F401
    import torch  # noqa: F401

    from coursekit import sandbox

    for module in sandbox.PRELOAD:
        importlib.import_module(module)
    if "grader_tests" in sys.modules:  # kernels forked from here must not hold it
        raise RuntimeError("the warm service imported grader_tests")


def _rss_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _reseed() -> None:
    """Give the forked kernel the random state of a fresh process.

    Python's `random` reseeds itself at fork; numpy's legacy global generator
    and torch's default generator are reseeded from the OS, as a new process
    seeds them (torch 2.13 picks a random initial seed at import). The string
    hash seed (PYTHONHASHSEED) is fixed when the service starts and cannot be
    changed in a running interpreter: every kernel of one service shares it.
    """
    import random

    import numpy
    import torch

    random.seed()
    numpy.random.seed()
    torch.seed()


def _kernel(conn: socket.socket, request: dict) -> None:
    """In the forked kernel process (pid 1 of its namespace): sandbox, then run IPython."""
    from coursekit import sandbox

    from . import isolate

    try:
        env = request["env"]
        workdir = Path(request["cwd"])
        argv = request["argv"]
        course = Path(env.get("COURSEKIT_COURSE") or workdir.parents[2])
        connection_file = Path(argv[argv.index("-f") + 1]).resolve()
        view = sandbox.kernel_view(
            course, workdir, connection_file, env.get("COURSEKIT_DB_URL", "")
        )
        isolate.build_filesystem(view)
        isolate.drop_privileges()
        os.chdir(workdir)
        os.environ.clear()
        os.environ.update(env)
        os.environ.pop("COURSEKIT_DB_URL", None)  # the gradebook is not the kernel's
        # Caches IPython and matplotlib write go to the private /tmp; the
        # supervisor watches the launcher, so ipykernel's parent check is off.
        os.environ.update(IPYTHONDIR="/tmp/.ipython", MPLCONFIGDIR="/tmp/.mpl")
        os.environ["JPY_PARENT_PID"] = "1"
        _reseed()
        preload = "--IPKernelApp.exec_lines=" + repr(
            [f"import {m}" for m in sandbox.PRELOAD]
        )
    except Exception as exc:  # not sandboxed: refuse, the launcher falls back
        protocol.send(conn, {"error": f"{type(exc).__name__}: {exc}"})
        os._exit(3)
    protocol.send(conn, {"ready": os.getpid()})
    conn.close()  # from here on, only the supervisor talks to the launcher
    import ipykernel.kernelapp
    import ipykernel_launcher

    sys.argv = [ipykernel_launcher.__file__, *argv]
    sys.path[0] = str(workdir)  # as `python -m ipykernel_launcher` run in workdir
    code = 0
    try:
        app = ipykernel.kernelapp.IPKernelApp.instance()
        # Traitlet defaults read the environment when ipykernel was imported
        # (in the service); give the kernel the values of its own environment.
        app.initialize([*argv, preload, "--IPKernelApp.parent_handle=1"])
        app.start()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
            try:
                if stream is not None:
                    stream.flush()
            except Exception:
                pass
        os._exit(code)


def _supervise(conn: socket.socket, request: dict, fds: list[int]) -> None:
    """In the forked supervisor: enter namespaces, fork the kernel, watch both ends."""
    from coursekit import sandbox

    from . import isolate

    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    os.setsid()
    try:
        sandbox.apply_limits()
        isolate.unshare_namespaces()
        kernel = os.fork()
    except Exception as exc:
        protocol.send(conn, {"error": f"{type(exc).__name__}: {exc}"})
        os._exit(3)
    if kernel == 0:
        _kernel(conn, request)
    pidfd = os.pidfd_open(kernel)
    poller = select.poll()
    poller.register(conn, select.POLLIN)
    poller.register(pidfd, select.POLLIN)
    while True:
        for fd, _ in poller.poll():
            if fd == pidfd:
                _, status = os.waitpid(kernel, 0)
                code = os.waitstatus_to_exitcode(status)
                try:
                    protocol.send(conn, {"exit": code})
                except OSError:
                    pass
                os._exit(0)
            try:
                message = protocol.receive(conn)
            except OSError:
                message = None
            if message is None:  # the launcher is gone: so is its kernel
                os.kill(kernel, signal.SIGKILL)
                os.waitpid(kernel, 0)
                os._exit(0)
            if message.get("interrupt"):
                os.kill(kernel, signal.SIGINT)


def _probe(conn: socket.socket) -> None:
    """A child that ends at once (to measure forking alone)."""
    protocol.send(conn, {"exit": 0})
    os._exit(0)


class Service:
    """The listening socket, the live supervisors, and the loop that serves them."""

    def __init__(self, path: Path, idle: float | None, parent: int | None) -> None:
        self.path, self.idle, self.parent = path, idle, parent
        self.children: set[int] = set()
        self.forks = 0
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
            request, fds = protocol.receive_with_fds(conn)
        except (OSError, ValueError):
            return
        try:
            request = request or {}
            kind = request.get("kind")
            if kind == "ping":
                state = {
                    "pong": os.getpid(),
                    "rss_kb": _rss_kb(),
                    "children": len(self.children),
                    "forks": self.forks,
                }
                protocol.send(conn, state)
                return
            if kind not in ("kernel", "probe"):
                return
            conn.settimeout(None)
            pid = os.fork()
            if pid == 0:
                try:
                    self.listener.close()
                    if kind == "probe":
                        _probe(conn)
                    _supervise(conn, request, fds)
                finally:
                    os._exit(4)
            self.forks += 1
            self.children.add(pid)
        finally:
            for fd in fds:
                os.close(fd)

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
    parser = argparse.ArgumentParser(prog="python -m coursekit.warm.service")
    parser.add_argument("--socket", type=Path, required=True)
    parser.add_argument("--idle", type=float, help="exit after this many idle seconds")
    parser.add_argument("--parent", type=int, help="exit when this process is gone")
    args = parser.parse_args(argv)
    service = Service(args.socket, args.idle, args.parent)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        preload()
        gc.collect()
        gc.freeze()  # fewer pages copied into each kernel when it touches objects
        service.serve()
    except KeyboardInterrupt:
        pass
    finally:
        service.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
