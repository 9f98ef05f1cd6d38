"""Start a warm-kernel service for a grading batch and stop it at the end.

`autograde_all` grades inside `running()`: the service's socket is put in
the environment (COURSEKIT_WARM_SOCKET), which nbgrader's kernels and the
parallel worker processes inherit, so every kernel of the batch is forked by
this one service. Nothing of it is left when the batch ends, even when the
grading process is killed: the service exits once its parent is gone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from . import protocol

BIND_SECONDS = 30.0  # the service binds its socket before its heavy imports


def remove_stale(tmp: Path) -> None:
    """Remove the folders of batches' services that were killed with their batch."""
    for sock in tmp.glob("coursekit-warm-*/service.sock"):
        try:
            protocol.connect(sock, timeout=1).close()
        except ConnectionRefusedError:  # a socket nobody listens on any more
            shutil.rmtree(sock.parent, ignore_errors=True)
        except OSError:
            pass


@contextlib.contextmanager
def running() -> Iterator[Path | None]:
    """A service for the duration of the block (None: warm kernels are off or
    already provided by an enclosing batch)."""
    if (
        os.environ.get(protocol.ENV_SOCKET)
        or os.environ.get(protocol.ENV_MODE) == "off"
    ):
        yield None
        return
    remove_stale(Path(tempfile.gettempdir()))
    folder = Path(tempfile.mkdtemp(prefix="coursekit-warm-"))
    path = folder / "service.sock"
    # cwd "/" and -P: nothing in the grader's folder gets into the service's imports.
    command = [sys.executable, "-P", "-m", "coursekit.warm.service", "--socket",
               str(path), "--parent", str(os.getpid())]  # fmt: skip
    with (folder / "service.log").open("wb") as log:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=log, cwd="/")  # fmt: skip
    deadline = time.monotonic() + BIND_SECONDS
    while not path.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    # If it did not start, the launchers find no service and fall back, with a warning.
    os.environ[protocol.ENV_SOCKET] = str(path)
    try:
        yield path
    finally:
        del os.environ[protocol.ENV_SOCKET]
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
