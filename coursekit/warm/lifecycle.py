"""Start a grading batch's services and stop them at the end.

`autograde_all` grades inside `running()` (the warm-kernel service) and the
judge service's `serving(...)`: each service's socket is put in the
environment (COURSEKIT_WARM_SOCKET, COURSEKIT_JUDGE_SOCKET), which nbgrader,
its kernels and the parallel worker processes inherit, so every kernel of
the batch is forked by one service and every notebook judged by one. Nothing
of them is left when the batch ends, even when the grading process is
killed: a service exits once its parent is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from . import protocol

BIND_SECONDS = 30.0  # the service binds its socket before its heavy imports


def remove_stale(tmp: Path, prefix: str = "coursekit-warm-") -> None:
    """Remove the folders of batches' services that were killed with their batch."""
    for sock in tmp.glob(f"{prefix}*/service.sock"):
        try:
            protocol.connect(sock, timeout=1).close()
        except ConnectionRefusedError:  # a socket nobody listens on any more
            shutil.rmtree(sock.parent, ignore_errors=True)
        except OSError:
            pass


@contextlib.contextmanager
def running() -> Iterator[Path | None]:
    """A warm-kernel service for the duration of the block (None: warm kernels
    are off or already provided by an enclosing batch)."""
    off = os.environ.get(protocol.ENV_MODE) == "off"
    with serving("coursekit.warm.service", protocol.ENV_SOCKET, off) as path:
        yield path


@contextlib.contextmanager
def serving(module: str, env_socket: str, off: bool = False) -> Iterator[Path | None]:
    """Run `python -m <module> --socket PATH` for the block, PATH in `env_socket`.

    Grading processes and their kernels inherit the variable, so the whole
    batch uses this one service. None: `off`, or an enclosing batch has one.
    """
    if os.environ.get(env_socket) or off:
        yield None
        return
    prefix = f"coursekit-{module.split('.')[1]}-"  # coursekit-warm-, coursekit-judge-
    remove_stale(Path(tempfile.gettempdir()), prefix)
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    path = folder / "service.sock"
    command = protocol.service_command(module, path, "--parent", str(os.getpid()))
    with (folder / "service.log").open("wb") as log:
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd="/"
        )
    deadline = time.monotonic() + BIND_SECONDS
    while not path.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    # If it did not start, its clients find no service and say so.
    os.environ[env_socket] = str(path)
    try:
        yield path
    finally:
        del os.environ[env_socket]
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
