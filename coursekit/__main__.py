"""Course commands: `python -m coursekit {release,demo-build,demo,grade,table,...}`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from . import (
    bench,
    classreport,
    cluster,
    copies,
    demo,
    grading,
    integrity,
    jupyterlab,
    layout,
    lint,
    mutants,
    newlab,
    pairs,
    release,
    report,
    variants,
)


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
    for path in classreport.write_all(root):
        print(f"wrote {path.relative_to(root)}")
    expected = expected_scores(root) if with_expected else None
    print()
    print(report.format_table(report.rows(root), expected))
    failed = [o for o in outcomes if o.status in ("failed", "failed before")]
    for o in failed:
        print(f"scored 0: {o.lab} {o.student}: {o.message}")
    for p in problems:
        print(f"PROBLEM {p}")
    for signal in copies.signals(root):
        print(f"copy signal: {copies.describe(signal)} (score unchanged)")
    for found in integrity.signals(root):
        print(f"for a TA: {found.lab} {found.student}: {'; '.join(found.findings)} "
              "(score unchanged)")  # fmt: skip
    print(
        f"\n{len(outcomes)} submissions, {len(failed)} could not be graded (scored 0); "
        "feedback in feedback/, grades in grades.csv and grades-by-question.csv, "
        "class report in report/index.html"
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
        "release",
        help="sync source/ with labs/, then regenerate release/ and solutions/",
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
    d.add_argument("--lab", help="only this lab's demo class (e.g. a lab just added)")
    g.add_argument(
        "--dask",
        nargs="?",
        const="local",
        metavar="SCHEDULER_ADDRESS",
        help="grade on Dask: a LocalCluster of --jobs workers, or this scheduler's",
    )
    g.add_argument(
        "--kernel",
        help="grading kernelspec (default: nbgrader_config.py's, course-warm); "
        "course-sandbox-noplots skips drawing plots",
    )
    sub.add_parser("table", help="print the grades table from the gradebook")
    v = sub.add_parser(
        "variant", help="show a student's data of a lab and its reference answers"
    )
    v.add_argument("lab")
    v.add_argument("student", help='student id ("" for the example data)')
    sub.add_parser(
        "secret", help="write a new course secret to .course-secret (never over one)"
    )
    sub.add_parser(
        "lint-course", help="check the labs and checks against the course's rules"
    )
    n = sub.add_parser(
        "new-lab",
        help="create a lab from the template: notebook, checks, demo, mutants",
    )
    n.add_argument("name", help="the lab's id, e.g. 07_logistic_regression")
    m = sub.add_parser(
        "mutants", help="grade each known mistake; fail if one keeps full marks"
    )
    m.add_argument("--lab", help="only this lab's mutants")
    m.add_argument("--jobs", type=int, default=1, help="grade this many at once")
    m.add_argument(
        "--every", type=int, default=1, help="only every k-th mutant (a sample)"
    )
    lab = sub.add_parser(
        "lab", help="JupyterLab on a scratch copy of a released lab (students' view)"
    )
    lab.add_argument("--lab", help="the lab to open (default: the first)")
    fg = sub.add_parser(
        "formgrader", help="JupyterLab with nbgrader's formgrader (instructors' view)"
    )
    for p in (lab, fg):
        p.add_argument("--port", type=int, default=8888, help="port on 127.0.0.1")
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
        help="grading kernelspec; repeat to compare (default: course-warm, then course-sandbox)",
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
    if getattr(args, "lab", None) and args.lab not in layout.labs(root):
        print(f"no lab {args.lab!r} in {root / 'source'}", file=sys.stderr)
        return 2
    start = time.monotonic()

    if args.command in ("release", "demo"):
        # Each lab's notebook and its paired script (labs/<lab>.py) agree first.
        for line in pairs.sync(root):
            print(line)
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
    elif args.command == "new-lab":
        try:
            files = newlab.create(args.name, root)
        except newlab.NewLabError as exc:
            print(f"new-lab: {exc}", file=sys.stderr)
            return 2
        print(newlab.next_steps(args.name, files, root))
    elif args.command == "lint-course":
        code, text = lint.report(root)
        print(text)
        return code
    elif args.command == "lab":
        name = args.lab or layout.labs(root)[0]
        print(f"student copy: {jupyterlab.student_copy(name, root).relative_to(root)}")
        view = root / jupyterlab.STUDENT_VIEW
        return jupyterlab.serve(root, view, args.port, f"lab/tree/{name}/{name}.ipynb")
    elif args.command == "formgrader":
        return jupyterlab.serve(root, root, args.port, "formgrader")
    elif args.command == "bench":
        bench.run(
            args.labs or layout.labs(root),
            args.per_lab,
            args.jobs,
            args.kernel or ["course-warm", "course-sandbox"],
            args.out.resolve(),
            root,
            dask=args.dask,
            db_url=args.db_url,
        )
        print(f"done in {time.monotonic() - start:.1f} s")
    elif args.command == "variant":
        print(variants.show(args.lab, args.student, root))
    elif args.command == "secret":
        path = variants.make_secret(root)
        print(
            f"wrote {path}: keep it out of git and back it up; `make release` now "
            "gives every student new data (release before the term starts)"
        )
    elif args.command == "table":
        print(report.format_table(report.rows(root)))
    else:
        if args.command == "demo" and args.lab:
            release.release(args.lab, root)
            for line in demo.collect(root, labs={args.lab}):
                print(line)
        elif args.command == "demo":
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
