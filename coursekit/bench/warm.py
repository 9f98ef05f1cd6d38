"""Measure warm kernels against the normal sandbox kernel, in one run.

    python -m coursekit bench notebook [--lab LAB] [--runs N]
    python -m coursekit bench batch [--lab LAB] [--students N] [--jobs J]

`notebook`: run a lab's instructor notebook (its solution and hidden tests,
what grading a correct submission runs) N times with each kernel,
alternating, in a throwaway course; each time counts starting the kernel,
every cell, and shutting it down.

`batch`: N copies of the demo class's submissions of a lab, graded twice
in throwaway courses: by stock serial `nbgrader autograde <lab>` with the
`course-sandbox` kernel, and by `coursekit`'s grading (warm kernels, J
workers); prints both wall times and checks that every cell's score agrees.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .. import layout, pipeline


def _course(tmp: Path) -> Path:
    tmp.mkdir(parents=True, exist_ok=True)
    root = layout.copy_course(tmp)
    os.environ["COURSEKIT_COURSE"] = str(root)
    os.environ["JUPYTER_PATH"] = str(
        Path(__file__).parent.parent / "jupyter"
    )  # coursekit/jupyter
    os.environ["PATH"] = (
        f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    )
    return root


def run_notebook(root: Path, lab: str, kernel: str) -> float:
    """Seconds to start `kernel`, run the lab's instructor notebook in it, and stop it."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    workdir = root / "autograded" / "bench" / lab
    workdir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(layout.notebook("source", lab, root=root), as_version=4)
    sockets = Path(tempfile.mkdtemp(prefix="bench-k-"))
    manager = KernelManager(kernel_name=kernel, transport="ipc", ip=str(sockets / "k"))
    t0 = time.monotonic()
    NotebookClient(
        nb, km=manager, timeout=60, resources={"metadata": {"path": str(workdir)}}
    ).execute()
    seconds = time.monotonic() - t0
    shutil.rmtree(sockets, ignore_errors=True)
    errors = [
        o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"
    ]
    if errors:
        raise RuntimeError(f"{kernel}: the notebook failed: {errors[0]['ename']}")
    return seconds


def notebook(lab: str, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp, pipeline.warm_kernels():
        root = _course(Path(tmp))
        run_notebook(root, lab, "course-warm")  # the service's own imports, once
        times: dict[str, list[float]] = {"course-warm": [], "course-sandbox": []}
        for _ in range(runs):
            for kernel in times:
                times[kernel].append(run_notebook(root, lab, kernel))
    warm, cold = (statistics.median(times[k]) for k in times)
    for kernel, ts in times.items():
        print(
            f"{kernel:<15} median {statistics.median(ts):5.2f} s  runs "
            + " ".join(f"{t:.2f}" for t in ts)
        )
    print(
        f"per notebook: warm / sandbox = {warm / cold:.2f}x ({lab}, {runs} runs each)"
    )


def _class(root: Path, lab: str, students: int) -> None:
    """`students` submissions of `lab`, cycling through the demo class's."""
    pipeline.release_labs(root, lab, sync=False)
    pipeline.collect_demo(root, lab)
    originals = layout.students("submitted", root)
    for i in range(students - len(originals)):
        source = root / "submitted" / originals[i % len(originals)] / lab
        shutil.copytree(source, root / "submitted" / f"copy{i:03d}" / lab)


def batch(lab: str, students: int, jobs: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        stock, warm = _course(Path(tmp) / "stock"), _course(Path(tmp) / "warm")
        for root in (stock, warm):
            _class(root, lab, students)
        nbgrader = Path(sys.executable).parent / "nbgrader"
        t0 = time.monotonic()
        command = [
            str(nbgrader),
            "autograde",
            lab,
            "--Execute.kernel_name=course-sandbox",
        ]
        env = {**os.environ, "COURSEKIT_COURSE": str(stock)}
        done = subprocess.run(command, cwd=stock, env=env, capture_output=True)
        stock_s = time.monotonic() - t0
        print(f"nbgrader autograde exited with {done.returncode}")
        os.environ["COURSEKIT_COURSE"] = str(warm)
        t0 = time.monotonic()
        pipeline.grade(warm, jobs=jobs, backup=False)
        warm_s = time.monotonic() - t0
        a, b = pipeline.grades(stock), pipeline.grades(warm)
        same = a == b and all(
            pipeline.cell_scores(stock, lab, r.student)
            == pipeline.cell_scores(warm, lab, r.student)
            for r in a
        )
    print(f"stock serial nbgrader autograde, course-sandbox: {stock_s:6.1f} s")
    print(f"coursekit grading, course-warm, {jobs} workers:   {warm_s:6.1f} s")
    print(
        f"batch of {students} {lab} submissions: warm+parallel / stock serial = "
        f"{warm_s / stock_s:.2f}x; every cell's score identical: {same}"
    )
    return 0 if same else 1
