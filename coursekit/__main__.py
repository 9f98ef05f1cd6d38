"""Course commands: `python -m coursekit {release,demo-build,demo,grade,table,mutants,bench}`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import bench, cluster, demo, grading, layout, mutants, release, report


def expected_scores(root: Path) -> dict[tuple[str, str], float]:
    """Expected score of each demo submission: its lab's auto-graded points minus
    those of the cells it must lose (answers graded by hand are not counted)."""
    from nbgrader.api import Gradebook, MissingEntry

    out = {}
    with Gradebook(layout.gradebook_url(root)) as gb:
        for sub in demo.load(root / "demo"):
            try:
                cells = report.cell_scores(gb, sub.lab, sub.student)
            except MissingEntry:
                continue
            out[(sub.student, sub.lab)] = sum(
                top
                for name, (_, top) in cells.items()
                if name not in sub.loses
                and name not in report.hand_graded(root, sub.lab)
            )
    return out


def grade(
    root: Path,
    force: bool,
    with_expected: bool,
    jobs: int = 1,
    dask: str | None = None,
    kernel: str | None = None,
) -> int:
    """Autograde, generate feedback, export, print the table; return the exit code.

    `dask` grades on a Dask cluster: "local" for a LocalCluster of `jobs` workers,
    or a scheduler's address. `kernel` replaces nbgrader_config.py's kernelspec.
    """
    backup = grading.backup_gradebook(root)
    if backup:
        print(f"gradebook backed up to {backup}")
    if dask:
        address = None if dask == "local" else dask
        outcomes = cluster.autograde(
            root, address, workers=jobs, force=force, kernel=kernel
        )
    else:
        outcomes = grading.autograde_all(root, force=force, jobs=jobs, kernel=kernel)
    problems = grading.feedback_and_export(root)
    expected = expected_scores(root) if with_expected else None
    print()
    print(report.format_table(report.rows(root), expected))
    failed = [o for o in outcomes if o.status in ("failed", "failed before")]
    for o in failed:
        print(f"scored 0: {o.lab} {o.student}: {o.message}")
    for p in problems:
        print(f"PROBLEM {p}")
    print(
        f"\n{len(outcomes)} submissions, {len(failed)} could not be graded (scored 0); "
        "feedback in feedback/, grades in grades.csv"
    )
    mismatched = expected and any(
        abs(expected[(r.student, r.lab)] - r.score) > 1e-9
        for r in report.rows(root)
        if (r.student, r.lab) in expected
    )
    # A student's broken submission is reported, not a failure of the run.
    return 1 if (problems or mismatched) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursekit", description=__doc__)
    parser.add_argument(
        "--course",
        type=Path,
        default=layout.ROOT,
        help="the course folder, holding nbgrader_config.py (default: this repository)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser(
        "release", help="regenerate release/ and solutions/ from source/"
    )
    r.add_argument("--lab", help="only this lab")
    sub.add_parser("demo-build", help="rebuild demo/submitted/ from demo/<lab>.toml")
    d = sub.add_parser(
        "demo",
        help="release, copy the demo submissions in, grade them, print the table",
    )
    g = sub.add_parser(
        "grade", help="autograde submitted/, generate feedback, export, print the table"
    )
    g.add_argument(
        "--force", action="store_true", help="regrade submissions that are up to date"
    )
    for p in (d, g):
        p.add_argument("--jobs", type=int, default=1, help="grade this many at once")
    g.add_argument(
        "--dask",
        nargs="?",
        const="local",
        metavar="SCHEDULER_ADDRESS",
        help="grade on Dask: a LocalCluster of --jobs workers, or this scheduler's",
    )
    g.add_argument(
        "--kernel",
        help="grading kernelspec (default: nbgrader_config.py's, course-sandbox); "
        "course-sandbox-noplots skips drawing plots",
    )
    sub.add_parser("table", help="print the grades table from the gradebook")
    m = sub.add_parser(
        "mutants", help="grade each known mistake; fail if one keeps full marks"
    )
    m.add_argument("--lab", help="only this lab's mutants")
    m.add_argument("--jobs", type=int, default=1, help="grade this many at once")
    m.add_argument(
        "--every", type=int, default=1, help="only every k-th mutant (a sample)"
    )
    b = sub.add_parser(
        "bench", help="grade a synthetic class serially and in parallel; time it"
    )
    b.add_argument("--per-lab", type=int, default=2, help="submissions per lab")
    b.add_argument("--labs", nargs="+", help="these labs only (default: all)")
    b.add_argument(
        "--jobs", type=int, nargs="+", default=[1, 2], help="worker counts to run"
    )
    b.add_argument(
        "--kernel",
        action="append",
        help="grading kernelspec; repeat to compare (default: course-sandbox)",
    )
    b.add_argument("--out", type=Path, default=Path("bench"), help="output folder")
    b.add_argument(
        "--dask", action="store_true", help="also grade on a Dask LocalCluster"
    )
    b.add_argument(
        "--db-url", help="also grade into this PostgreSQL gradebook (SQLAlchemy URL)"
    )
    args = parser.parse_args(argv)
    root = args.course.resolve()
    start = time.monotonic()

    if args.command == "release" and args.lab:
        release.release(args.lab, root)
    elif args.command == "release":
        release.release_all(root)
    elif args.command == "demo-build":
        for path in demo.write_all(root / "demo" / "submitted", root):
            print(f"wrote {path.relative_to(root)}")
    elif args.command == "mutants":
        chosen = [
            mt
            for mt in mutants.load(root / "mutants")
            if not args.lab or mt.lab == args.lab
        ][:: args.every]
        print(f"grading {len(chosen)} mutants")
        verdicts = mutants.run(chosen, root, jobs=args.jobs)
        print()
        print(mutants.format_verdicts(verdicts))
        return 0 if all(v.ok for v in verdicts) else 1
    elif args.command == "bench":
        bench.run(
            args.labs or layout.labs(root),
            args.per_lab,
            args.jobs,
            args.kernel or ["course-sandbox"],
            args.out.resolve(),
            root,
            dask=args.dask,
            db_url=args.db_url,
        )
        print(f"done in {time.monotonic() - start:.1f} s")
    elif args.command == "table":
        print(report.format_table(report.rows(root)))
    else:
        if args.command == "demo":
            release.release_all(root)
            for line in demo.collect(root):
                print(line)
        code = grade(
            root,
            force=getattr(args, "force", False),
            jobs=args.jobs,
            with_expected=args.command == "demo",
            dask=getattr(args, "dask", None),
            kernel=getattr(args, "kernel", None),
        )
        print(f"done in {time.monotonic() - start:.1f} s")
        return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
