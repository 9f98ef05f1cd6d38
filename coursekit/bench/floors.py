"""What grading one notebook cannot beat, and where its time goes.

The floors: `jupyter nbconvert --execute` of the lab's worked solution with
the grading kernel (what running the notebook costs without nbgrader and its
judge: the hidden tests are left out), and a
bare kernel start and shutdown. The breakdown splits one notebook's time into
the heavy imports, the kernel's start, the notebook's own cells and what is
left for nbgrader.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

import coursekit

from .. import layout, pipeline

KERNELSPECS = Path(coursekit.__file__).parent / "jupyter"
HEAVY_IMPORTS = ("torch", "numpy", "matplotlib.pyplot")


def kernel_env(course: Path) -> dict[str, str]:
    """The environment `nbgrader_config.py` gives the grading kernels of `course`."""
    env = dict(os.environ)
    paths = [str(KERNELSPECS), env.get("JUPYTER_PATH", "")]
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in paths if p)
    env["COURSEKIT_COURSE"] = str(course)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def _workdir(course: Path, lab: str) -> Path:
    """A fresh folder holding the lab's worked solution, as autograde's would, its
    hidden tests left out: they are the judge's work, outside the kernel."""
    work = Path(tempfile.mkdtemp(prefix=f"floor-{lab}-"))
    nb = nbformat.read(layout.notebook("solutions", lab, root=course), as_version=4)
    nbformat.write(pipeline.without_hidden_tests(nb), work / f"{lab}.ipynb")
    return work


def _client(nb, kernel: str, work: Path, sockets: Path) -> NotebookClient:
    config = Config()
    config.KernelManager.transport = "ipc"  # the sandbox has no network
    config.KernelManager.ip = str(sockets / "kernel")
    return NotebookClient(
        nb,
        kernel_name=kernel,
        config=config,
        timeout=120,
        resources={"metadata": {"path": str(work)}},
    )


def nbconvert_seconds(course: Path, lab: str, kernel: str) -> float:
    """Wall time of `jupyter nbconvert --execute` on the lab's worked solution."""
    work = _workdir(course, lab)
    sockets = Path(tempfile.mkdtemp(prefix="floor-sockets-"))
    command = [
        str(Path(sys.executable).parent / "jupyter"),
        "nbconvert",
        "--execute",
        "--to=notebook",
        f"--output-dir={work / 'out'}",
        f"--ExecutePreprocessor.kernel_name={kernel}",
        "--KernelManager.transport=ipc",
        f"--KernelManager.ip={sockets / 'kernel'}",
        str(work / f"{lab}.ipynb"),
    ]
    env = kernel_env(course)
    try:
        t0 = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
    if done.returncode != 0:
        raise RuntimeError(f"nbconvert failed on {lab}:\n{done.stderr[-2000:]}")
    return seconds


@dataclass(frozen=True)
class Breakdown:
    """Seconds of one notebook run with one kernel, split by where they go."""

    kernel: str
    lab: str
    imports: dict[str, float]  # each heavy import alone, in a fresh interpreter
    kernel_start: float  # start, ready, shut down: no cell run
    notebook_cells: float  # every cell of the worked solution, kernel already up


def _with_kernel_env(course: Path):
    saved = dict(os.environ)
    os.environ.update(kernel_env(course))
    return saved


def kernel_seconds(course: Path, lab: str, kernel: str, repeat: int = 3) -> float:
    """Shortest wall time of starting the kernel, waiting until it answers, shutting
    it down (the least disturbed by other work on the machine)."""
    saved = _with_kernel_env(course)
    work = _workdir(course, lab)
    sockets = Path(tempfile.mkdtemp(prefix="floor-sockets-"))
    times = []
    try:
        for _ in range(repeat):
            client = _client(nbformat.v4.new_notebook(), kernel, work, sockets)
            t0 = time.perf_counter()
            with client.setup_kernel():
                pass
            times.append(time.perf_counter() - t0)
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return min(times)


def cells_seconds(course: Path, lab: str, kernel: str, repeat: int = 2) -> float:
    """Shortest wall time of running every cell of the worked solution in a started
    kernel (a fresh kernel each time)."""
    return min(_cells_once(course, lab, kernel) for _ in range(repeat))


def _cells_once(course: Path, lab: str, kernel: str) -> float:
    saved = _with_kernel_env(course)
    work = _workdir(course, lab)
    sockets = Path(tempfile.mkdtemp(prefix="floor-sockets-"))
    try:
        nb = nbformat.read(work / f"{lab}.ipynb", as_version=4)
        client = _client(nb, kernel, work, sockets)
        with client.setup_kernel():
            t0 = time.perf_counter()
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
            return time.perf_counter() - t0
    finally:
        os.environ.clear()
        os.environ.update(saved)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(sockets, ignore_errors=True)


def import_seconds() -> dict[str, float]:
    """Seconds each heavy import takes in a fresh interpreter (the others not loaded)."""
    out = {}
    for module in HEAVY_IMPORTS:
        code = (
            "import time; t = time.perf_counter(); "
            f"import {module}; print(time.perf_counter() - t)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        out[module] = float(done.stdout.strip())
    return out


def breakdown(course: Path, lab: str, kernel: str) -> Breakdown:
    """Measure the parts of one notebook's time with `kernel`."""
    return Breakdown(
        kernel,
        lab,
        import_seconds(),
        kernel_seconds(course, lab, kernel),
        cells_seconds(course, lab, kernel),
    )
