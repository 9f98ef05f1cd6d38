"""`make bench`: how fast the course grades, against what running a notebook costs.

A synthetic class (`synthetic.py`) is graded in throwaway copies of the
course, once per (kernel, jobs) pair, with the real autograde. Beside each
run, in the same run of the benchmark so that the machine's load is the same,
the floors (`floors.py`): `jupyter nbconvert --execute` of each lab's worked
solution and a bare kernel start. Results: a table on stdout, `bench.csv`,
`memory.csv` (sampled RSS) and `bench.png` in the output folder.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import psutil

from .. import layout, pipeline
from . import floors, synthetic

MiB = 1024**2


class MemorySampler:
    """Sum the RSS of this process and all its descendants (workers, kernels), often.

    Shared pages (torch's libraries) count once per process, so the sum is an
    upper bound of what the run really holds.
    """

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.samples: list[tuple[float, float, int]] = []  # (s, MiB, processes)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _total(self) -> tuple[float, int]:
        me = psutil.Process()
        total, count = 0, 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
                count += 1
            except psutil.Error:  # ended between listing and reading
                pass
        return total / MiB, count

    def _run(self) -> None:
        t0 = time.monotonic()
        while not self._stop.wait(self.every):
            self.samples.append((time.monotonic() - t0, *self._total()))

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak(self) -> float:
        return max((mib for _, mib, _ in self.samples), default=0.0)


@dataclass
class Row:
    """One line of bench.csv: a grading run or a floor, with one kernel."""

    kernel: str
    run: str  # "serial", "parallel", "dask" (+ " postgresql"), "... floor"
    jobs: int
    submissions: int
    seconds: float
    failed: int = 0
    peak_rss_mib: float = 0.0

    @property
    def per_submission(self) -> float:
        return self.seconds / self.submissions if self.submissions else 0.0

    @property
    def per_minute(self) -> float:
        return 60 / self.per_submission if self.per_submission else 0.0


def prepare(course: Path, labs: list[str], per_lab: int) -> dict:
    """A released course copy in `course` with the synthetic class submitted."""
    layout.copy_course(course)
    for lab in labs:
        pipeline.release_labs(course, lab, sync=False)
    return synthetic.write_class(course, labs, per_lab)


def grade_run(
    prepared: Path,
    work: Path,
    kernel: str,
    jobs: int,
    dask: bool = False,
    db_url: str | None = None,
) -> tuple[Row, list]:
    """Grade a fresh copy of the prepared course; time it and sample memory.

    `dask`: on a LocalCluster of `jobs` workers (its start is timed too).
    `db_url`: into that server gradebook (the labs are released into it first).
    """
    shutil.copytree(prepared, work)
    saved = os.environ.pop("COURSEKIT_DB_URL", None)  # SQLite unless db_url
    try:
        if db_url:
            os.environ["COURSEKIT_DB_URL"] = db_url
            for lab in layout.labs(work):
                pipeline.release_labs(work, lab, sync=False)
        with MemorySampler() as memory:
            t0 = time.perf_counter()
            outcomes = pipeline.grade(
                work,
                force=True,
                jobs=jobs,
                dask="local" if dask else None,
                kernel=kernel,
                backup=False,
            )
            seconds = time.perf_counter() - t0
    finally:
        os.environ.pop("COURSEKIT_DB_URL", None)
        if saved is not None:
            os.environ["COURSEKIT_DB_URL"] = saved
        shutil.rmtree(work, ignore_errors=True)
    failed = sum(o.status == "failed" for o in outcomes)
    run = "dask" if dask else ("serial" if jobs == 1 else "parallel")
    run += " postgresql" if db_url else ""
    row = Row(kernel, run, jobs, len(outcomes), seconds, failed, memory.peak)
    return row, memory.samples


def floor_rows(course: Path, labs: list[str], kernel: str) -> list[Row]:
    """Per lab once: nbconvert of the worked solution, a bare kernel start."""
    convert = [floors.nbconvert_seconds(course, lab, kernel) for lab in labs]
    start = [floors.kernel_seconds(course, lab, kernel) for lab in labs[:1]]
    return [
        Row(kernel, "nbconvert floor", 1, len(labs), sum(convert)),
        Row(kernel, "kernel floor", 1, len(start), sum(start)),
    ]


def time_split(prepared: Path, work: Path, lab: str, kernel: str) -> dict[str, float]:
    """Where one correct submission's seconds go: imports, kernel, cells, nbgrader.

    The parts are measured back to back (the machine's load drifts): the kernel
    start, the worked solution's cells in a started kernel, then the real
    autograde of the same solution; what autograde takes beyond the first two
    is nbgrader's (and coursekit's) own work.
    """
    split = floors.breakdown(prepared, lab, kernel)
    shutil.copytree(prepared, work)
    pipeline.collect_demo(work, lab, students={"correct"})
    # twice, keeping the faster: the least disturbed by the machine's other work
    graded = min(
        (pipeline.grade_one(work, lab, "correct", kernel) for _ in range(2)),
        key=lambda outcome: outcome.seconds,
    )
    shutil.rmtree(work, ignore_errors=True)
    out = {f"import {m} (cold)": s for m, s in split.imports.items()}
    out["kernel start and stop"] = split.kernel_start
    out["notebook cells"] = split.notebook_cells
    out["nbgrader and coursekit"] = (
        graded.seconds - split.kernel_start - split.notebook_cells
    )
    out["autograde, one submission"] = graded.seconds
    return out


def _ratio(value: float, base: float | None) -> str:
    return f"{value / base:8.2f}" if base else f"{'-':>8}"


def format_rows(rows: list[Row]) -> str:
    """The benchmark table, ratios to the floors of the same kernel ("-": not measured)."""
    floor = {(r.kernel, r.run): r.per_submission for r in rows if "floor" in r.run}
    serial = {r.kernel: r.per_minute for r in rows if r.run == "serial"}
    kw = max([6] + [len(r.kernel) for r in rows])
    rw = max([3] + [len(r.run) for r in rows])
    header = (
        f"{'kernel':<{kw}} {'run':<{rw}} {'jobs':>4} {'subs':>5} {'failed':>6} "
        f"{'s':>7} {'subs/min':>8} {'s/sub':>6} {'peak MiB':>8} "
        f"{'x nbconv':>8} {'x kernel':>8} {'x serial':>8}"
    )
    lines = [header, "-" * len(header)]
    for r in rows:
        grading_run = "floor" not in r.run
        lines.append(
            f"{r.kernel:<{kw}} {r.run:<{rw}} {r.jobs:>4} {r.submissions:>5} "
            f"{r.failed:>6} {r.seconds:7.1f} {r.per_minute:8.1f} "
            f"{r.per_submission:6.2f} {r.peak_rss_mib:8.0f} "
            f"{_ratio(r.per_submission, floor.get((r.kernel, 'nbconvert floor')))} "
            f"{_ratio(r.per_submission, floor.get((r.kernel, 'kernel floor')))} "
            f"{_ratio(r.per_minute, serial.get(r.kernel) if grading_run else None)}"
        )
    return "\n".join(lines)


def write_csv(rows: list[Row], path: Path) -> None:
    """bench.csv: one line per run and floor, with the derived rates."""
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        fields = list(asdict(rows[0])) + ["s_per_submission", "submissions_per_min"]
        writer.writerow(fields)
        for r in rows:
            writer.writerow(
                [*asdict(r).values(), f"{r.per_submission:.3f}", f"{r.per_minute:.2f}"]
            )


def plot(rows: list[Row], memory: dict[str, list], path: Path) -> None:
    """bench.png: seconds per submission per run and kernel; memory over time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (bars, mem) = plt.subplots(1, 2, figsize=(12, 4.5))
    labels = [f"{r.kernel}\n{r.run} (jobs {r.jobs})" for r in rows]
    bars.barh(labels, [r.per_submission for r in rows], color="tab:blue")
    bars.set_xlabel("seconds per submission (wall)")
    bars.invert_yaxis()
    for name, samples in memory.items():
        if samples:
            mem.plot([t for t, _, _ in samples], [m for _, m, _ in samples], label=name)
    mem.set_xlabel("seconds into the run")
    mem.set_ylabel("RSS of grader, workers and kernels (MiB)")
    mem.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def run(
    labs: list[str],
    per_lab: int,
    jobs: list[int],
    kernels: list[str],
    out: Path,
    root: Path = layout.ROOT,
    dask: bool = False,
    db_url: str | None = None,
) -> list[Row]:
    """Run the whole benchmark; print as it goes; write the CSVs and the plot.

    Each kernel is graded serially and with each `jobs` count; `dask` adds the
    same on a Dask LocalCluster, `db_url` the same into a PostgreSQL gradebook.
    """
    out.mkdir(parents=True, exist_ok=True)
    # The prepared course's gradebook is SQLite; a server one is only db_url's.
    from_env = os.environ.pop("COURSEKIT_DB_URL", None)
    db_url = db_url or from_env
    rows: list[Row] = []
    memory: dict[str, list] = {}
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        prepared = Path(tmp) / "prepared"
        prepared.mkdir()
        kinds = prepare(prepared, labs, per_lab)
        mix = {k: list(kinds.values()).count(k) for k in synthetic.PATTERN}
        print(f"{len(kinds)} submissions over {len(labs)} labs: {mix}", flush=True)
        split = {}
        for kernel in kernels:
            runs: list[tuple[int, bool, str | None]] = [(n, False, None) for n in jobs]
            runs += [(n, True, db_url) for n in jobs if dask and n > 1]
            runs += [(n, False, db_url) for n in jobs if db_url and n > 1]
            for n, on_dask, url in runs:
                name = f"{kernel} jobs={n}{' dask' if on_dask else ''}"
                name += " postgresql" if url else ""
                print(f"\n== {name}", flush=True)
                work = Path(tmp) / name.replace(" ", "-")
                row, memory[name] = grade_run(prepared, work, kernel, n, on_dask, url)
                rows.append(row)
            print(f"\n== {kernel}: floors", flush=True)
            rows += floor_rows(prepared, labs, kernel)
            work = Path(tmp) / f"{kernel}-split"
            split[kernel] = time_split(prepared, work, labs[0], kernel)
    print()
    print(format_rows(rows))
    for kernel, parts in split.items():
        print(f"\nwhere one {labs[0]} submission's time goes ({kernel}):")
        for name, seconds in parts.items():
            print(f"  {name:<28} {seconds:6.2f} s")
    write_csv(rows, out / "bench.csv")
    with (out / "breakdown.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["kernel", "lab", "part", "seconds"])
        for kernel, parts in split.items():
            writer.writerows([kernel, labs[0], k, f"{v:.3f}"] for k, v in parts.items())
    with (out / "memory.csv").open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["run", "seconds", "rss_mib", "processes"])
        for name, samples in memory.items():
            writer.writerows([name, f"{t:.2f}", f"{m:.1f}", n] for t, m, n in samples)
    plot(rows, memory, out / "bench.png")
    print(f"\nwrote {out / 'bench.csv'}, breakdown.csv, memory.csv, bench.png")
    return rows
