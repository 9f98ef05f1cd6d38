"""The `course-warm` kernel's command: get a kernel from the warm service, or fall back.

jupyter_client runs `python -m coursekit.warm.launch -f <connection file>`
and treats this process as the kernel: it interrupts it with SIGINT and
kills it when done. So the launcher
- sends the service the connection file, its folder, its environment and
  its stdin/stdout/stderr, and waits until the forked kernel is sandboxed;
- passes each SIGINT on to the kernel, and ends with the kernel's exit code;
- when killed, closes the connection, and the service kills the kernel.

Which service: the one a grading batch started (COURSEKIT_WARM_SOCKET,
see lifecycle.py), else this venv's on-demand service, started here when
none is running and ending after COURSEKIT_WARM_IDLE seconds without work
(so a plain `nbgrader autograde` gets warm kernels too).

If no service answers, or the kernel cannot be sandboxed there, the
launcher says so on stderr and becomes the normal sandbox kernel
(`coursekit.sandbox`): the grades are the same, only slower.
Only the standard library is imported here: this runs once per notebook.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import protocol

IDLE_SECONDS = 20.0  # an on-demand service outlives its last kernel by this much
START_SECONDS = 60.0  # the longest a service may take to bind its socket
READY_SECONDS = 60.0  # ... and then to import and sandbox a kernel
PR_SET_PDEATHSIG = 1


def warn(reason: str) -> None:
    print(
        f"coursekit.warm: {reason}; this notebook runs in a normal sandbox "
        "kernel instead (same grades, slower start)",
        file=sys.stderr,
        flush=True,
    )


def fall_back(argv: list[str]) -> None:
    """Become the normal sandbox kernel (never returns)."""
    os.execv(sys.executable, [sys.executable, "-P", "-m", "coursekit.sandbox", *argv])


def start_service(path: Path, module: str = "coursekit.warm.service") -> None:
    """Start an on-demand service at `path`, detached, and wait until it listens."""
    idle = os.environ.get(protocol.ENV_IDLE) or str(IDLE_SECONDS)
    log = path.with_suffix(".log").open("ab")
    command = protocol.service_command(module, path, "--idle", idle)
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        cwd="/",
        start_new_session=True,
    )
    deadline = time.monotonic() + START_SECONDS
    while not path.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise OSError(f"the service {module} did not start (log: {log.name})")
        time.sleep(0.02)


def on_demand(path: Path, module: str = "coursekit.warm.service"):
    """A connection to this venv's on-demand service, started if needed."""
    try:
        return protocol.connect(path)
    except OSError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with path.with_suffix(".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one launcher starts it, the others wait
        try:
            return protocol.connect(path)
        except OSError:
            start_service(path, module)
            return protocol.connect(path)


def request_kernel(argv: list[str]):
    """Ask a service for a sandboxed kernel; return the connection once it is ready."""
    explicit = os.environ.get(protocol.ENV_SOCKET)
    attempts = 1 if explicit else 2  # an idle service may be exiting just now
    for attempt in range(attempts):
        sock = (
            protocol.connect(explicit)
            if explicit
            else on_demand(protocol.default_socket())
        )
        request = {
            "kind": "kernel",
            "argv": argv,
            "cwd": os.getcwd(),
            "env": dict(os.environ),
        }
        sock.settimeout(START_SECONDS + READY_SECONDS)  # a service may be importing
        try:
            protocol.send(sock, request, fds=[0, 1, 2])
            reply = protocol.receive(sock)
        except OSError:
            reply = None
        if reply is not None and "ready" in reply:
            sock.settimeout(None)
            return sock
        sock.close()
        if reply is not None:
            raise OSError(
                f"the kernel could not be sandboxed there: {reply.get('error')}"
            )
        if attempt + 1 == attempts:
            raise OSError("the warm-kernel service closed the connection")
    raise AssertionError("unreachable")


def die_with_parent() -> None:
    """End (and so end the kernel) when whoever started this kernel is gone,
    as bwrap's --die-with-parent does for the sandbox kernel."""
    import ctypes

    parent = os.getppid()
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def main(argv: list[str]) -> None:
    if os.environ.get(protocol.ENV_MODE) == "off":
        fall_back(argv)
    die_with_parent()
    # Until the kernel is ready, an interrupt has nothing to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        sock = request_kernel(argv)
    except OSError as exc:
        warn(f"no warm kernel ({exc})")
        fall_back(argv)

    def interrupt(signum, frame) -> None:
        try:
            protocol.send(sock, {"interrupt": True})
        except OSError:
            pass

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(1))
    while True:
        message = protocol.receive(sock)
        if message is None:  # the service's supervisor is gone: so is the kernel
            os._exit(1)
        if "exit" in message:
            code = message["exit"]  # negative: killed by that signal, as a shell says
            os._exit(code if code >= 0 else 128 - code)


if __name__ == "__main__":
    main(sys.argv[1:])
