"""JupyterLab on the course: the students' view of a released lab, and formgrader.

Both run `jupyter lab` from the course folder, so that nbgrader's Lab
extensions (Validate, Formgrader) read `nbgrader_config.py`. The students'
view serves a scratch copy of a released lab (`student-view/<lab>/`, kept
between runs and never in `release/`), run by the notebook's own plain
`python3` kernel; nbgrader's Validate runs it as the grader would.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from . import layout

STUDENT_VIEW = "student-view"


def student_copy(
    lab: str, root: Path = layout.ROOT, source: Path | None = None
) -> Path:
    """Copy a released lab (or `source`, a notebook) into student-view/<lab>/ once.

    An existing copy is kept: it holds the work done in it. Returns the notebook.
    """
    folder = root / STUDENT_VIEW / lab
    notebook = folder / f"{lab}.ipynb"
    if not notebook.exists():
        folder.mkdir(parents=True, exist_ok=True)
        if source is None:
            shutil.copytree(root / "release" / lab, folder, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, notebook)
    return notebook


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(
    root_dir: Path,
    port: int,
    token: str | None = None,
    settings_dir: Path | None = None,
) -> list[str]:
    """The `jupyter lab` command line serving `root_dir` on 127.0.0.1:port."""
    args = [
        str(Path(sys.executable).parent / "jupyter"),
        "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
    ]
    if os.geteuid() == 0:  # containers and CI often run as root; Jupyter refuses
        args.append("--allow-root")
    if token is not None:
        args.append(f"--IdentityProvider.token={token}")
    if settings_dir is not None:  # a fresh profile: no news pop-ups, no old layout
        args += [
            f"--LabApp.user_settings_dir={settings_dir / 'settings'}",
            f"--LabApp.workspaces_dir={settings_dir / 'workspaces'}",
        ]
    return args


def environment() -> dict[str, str]:
    """The environment for JupyterLab: the venv's bin/ first (nbgrader runs alembic)."""
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def start(
    root: Path,
    root_dir: Path,
    port: int,
    token: str,
    settings_dir: Path,
    log: Path,
    timeout: float = 120.0,
) -> subprocess.Popen:
    """Start JupyterLab from the course folder and wait until it answers."""
    with log.open("w") as out:
        server = subprocess.Popen(
            command(root_dir, port, token, settings_dir),
            cwd=root,
            env=environment(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"JupyterLab exited ({server.returncode}):\n{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5):
                return server
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError(
        f"JupyterLab did not answer within {timeout:.0f} s:\n{log.read_text()}"
    )


def stop(server: subprocess.Popen, grace: float = 20.0) -> None:
    """Stop a JupyterLab started by `start` (and its kernels): ask, then insist."""
    server.terminate()
    try:
        server.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=grace)


def serve(root: Path, root_dir: Path, port: int, path: str) -> int:
    """Run JupyterLab in the foreground (Ctrl-C stops it); print where to open it."""
    print(
        f"JupyterLab on http://127.0.0.1:{port}/{path} (the log below gives the token)"
    )
    return subprocess.call(
        command(root_dir, port) + [f"--ServerApp.default_url=/{path}"],
        cwd=root,
        env=environment(),
    )
