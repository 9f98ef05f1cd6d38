"""Messages between the launcher, the service and a kernel's supervisor.

One unix SOCK_SEQPACKET connection per kernel: each message is one JSON
object, and the connection's end tells either side that the other is gone.

launcher -> service  {"kind": "kernel", "argv", "cwd", "env"} with its stdin,
                     stdout and stderr attached (SCM_RIGHTS); {"kind": "ping"}
service  -> launcher {"ready": pid} once the kernel is sandboxed, or
                     {"error": why}; later {"exit": code} when it has ended
launcher -> service  {"interrupt": true} for each SIGINT the launcher gets
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import socket
import sys
import tempfile
from pathlib import Path

ENV_SOCKET = "COURSEKIT_WARM_SOCKET"  # set by lifecycle.running() for a batch
ENV_MODE = "COURSEKIT_WARM"  # "off": the launcher runs the sandbox kernel directly
ENV_IDLE = "COURSEKIT_WARM_IDLE"  # seconds an on-demand service waits for work
MAX_MESSAGE = 1 << 20


def _code_version() -> str:
    """When the checks and coursekit last changed: an edited check needs a new service."""
    spec = importlib.util.find_spec("grader_tests")  # found, not imported (heavy)
    folders = [Path(__file__).parent.parent]
    if spec is not None and spec.origin:
        folders.append(Path(spec.origin).parent)
    return str(max(p.stat().st_mtime_ns for f in folders for p in f.rglob("*.py")))


def default_socket(kind: str = "warm") -> Path:
    """Where this Python's on-demand service of `kind` (warm, judge) listens: one
    per venv, user and version of the code it preloads."""
    key = hashlib.sha256(
        f"{sys.prefix}\0{Path(__file__).parent}\0{_code_version()}".encode()
    )
    folder = Path(tempfile.gettempdir()) / f"coursekit-{kind}-{os.getuid()}"
    return folder / f"{key.hexdigest()[:16]}.sock"


def service_command(module: str, path: Path, *options: str) -> list[str]:
    """The command that starts a service (`module`) listening on `path`.

    Run it with cwd "/": with -P as well, nothing in the grader's or the
    student's folder gets into the service's imports, which every kernel (or
    judged notebook) shares."""
    return [sys.executable, "-P", "-m", module, "--socket", str(path), *options]


def connect(path: Path | str, timeout: float | None = None) -> socket.socket:
    """A connection to the service at `path` (raises OSError if none listens)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.settimeout(timeout)
    try:
        sock.connect(str(path))
    except OSError:
        sock.close()
        raise
    return sock


def send(sock: socket.socket, message: dict, fds: list[int] | None = None) -> None:
    data = json.dumps(message).encode()
    if fds:
        socket.send_fds(sock, [data], fds)
    else:
        sock.send(data)


def receive(sock: socket.socket) -> dict | None:
    """The next message, or None when the other side has closed the connection."""
    data = sock.recv(MAX_MESSAGE)
    return json.loads(data) if data else None


def receive_with_fds(sock: socket.socket) -> tuple[dict | None, list[int]]:
    data, fds, _, _ = socket.recv_fds(sock, MAX_MESSAGE, 3)
    return (json.loads(data) if data else None), fds


def ping(path: Path | str, timeout: float = 60.0) -> dict:
    """The service's state (pid, memory, live kernels); raises OSError if it is down."""
    with connect(path, timeout) as sock:
        send(sock, {"kind": "ping"})
        reply = receive(sock)
    if reply is None:
        raise ConnectionError("the service closed the connection")
    return reply
