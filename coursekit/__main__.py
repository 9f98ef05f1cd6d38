"""Course commands: `python -m coursekit <command>`; `--help` lists them.

Each command is one row of `COMMANDS`: its help line, its arguments and the
function that runs it. The grading commands (release, demo, grade) call the
stages of `coursekit.pipeline` in order; the others are single jobs.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import (
    demo,
    jupyterlab,
    labkeys,
    layout,
    lint,
    mutants,
    newlab,
    pipeline,
    report,
)


def arg(*flags: str, **options: Any) -> tuple[tuple[str, ...], dict[str, Any]]:
    """One argument of a command, as argparse's add_argument takes it."""
    return flags, options


@dataclass(frozen=True)
class Command:
    help: str
    run: Callable[[argparse.Namespace, Path], int]
    args: list[tuple[tuple[str, ...], dict[str, Any]]] = field(default_factory=list)


JOBS = arg("--jobs", type=int, default=1, help="grade this many at once")
PORT = arg("--port", type=int, default=8888, help="port on 127.0.0.1")


def _release(args: argparse.Namespace, root: Path) -> int:
    pipeline.release_labs(root, args.lab)
    return 0


def _demo_build(args: argparse.Namespace, root: Path) -> int:
    for path in demo.write_all(root / "demo" / "submitted", root):
        print(f"wrote {path.relative_to(root)}")
    return 0


def _demo(args: argparse.Namespace, root: Path) -> int:
    return pipeline.run(root, demo_class=True, lab=args.lab, jobs=args.jobs)


def _grade(args: argparse.Namespace, root: Path) -> int:
    return pipeline.run(
        root, force=args.force, jobs=args.jobs, dask=args.dask, kernel=args.kernel
    )


def _table(args: argparse.Namespace, root: Path) -> int:
    print(report.format_table(report.rows(root)))
    return 0


def _variant(args: argparse.Namespace, root: Path) -> int:
    print(labkeys.show(args.lab, args.student, root))
    return 0


def _secret(args: argparse.Namespace, root: Path) -> int:
    path = labkeys.make_secret(root)
    print(
        f"wrote {path}: keep it out of git and back it up; `make release` now "
        "gives every student new data (release before the term starts)"
    )
    return 0


def _lint(args: argparse.Namespace, root: Path) -> int:
    code, text = lint.report(root)
    print(text)
    return code


def _new_lab(args: argparse.Namespace, root: Path) -> int:
    try:
        files = newlab.create(args.name, root)
    except newlab.NewLabError as exc:
        print(f"new-lab: {exc}", file=sys.stderr)
        return 2
    print(newlab.next_steps(args.name, files, root))
    return 0


def _mutants(args: argparse.Namespace, root: Path) -> int:
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


def _lab(args: argparse.Namespace, root: Path) -> int:
    name = args.lab or layout.labs(root)[0]
    print(f"student copy: {jupyterlab.student_copy(name, root).relative_to(root)}")
    view = root / jupyterlab.STUDENT_VIEW
    return jupyterlab.serve(root, view, args.port, f"lab/tree/{name}/{name}.ipynb")


def _formgrader(args: argparse.Namespace, root: Path) -> int:
    return jupyterlab.serve(root, root, args.port, "formgrader")


def _hub(args: argparse.Namespace, root: Path) -> int:
    from . import hub

    if args.remove_users:
        print("removed:", " ".join(hub.remove_users()) or "no hub users")
        return 0
    return hub.serve(hub.Hub(port=args.port, root=root))


def _bench(args: argparse.Namespace, root: Path) -> int:
    from .bench import classbench, warm

    lab = args.lab or layout.labs(root)[0]
    if args.what == "notebook":
        warm.notebook(lab, args.runs)
        return 0
    if args.what == "batch":
        return warm.batch(lab, args.students, max(args.jobs))
    classbench.run(
        args.labs or layout.labs(root),
        args.per_lab,
        args.jobs,
        args.kernel or ["course-warm", "course-sandbox"],
        args.out.resolve(),
        root,
        dask=args.dask,
        db_url=args.db_url,
    )
    return 0


COMMANDS: dict[str, Command] = {
    "release": Command(
        "sync source/ with labs/, then regenerate release/ and solutions/",
        _release,
        [arg("--lab", help="only this lab")],
    ),
    "demo-build": Command("rebuild demo/submitted/ from demo/<lab>.toml", _demo_build),
    "demo": Command(
        "release, copy the demo submissions in, grade them, print the table",
        _demo,
        [JOBS, arg("--lab", help="only this lab's demo class (e.g. a lab just added)")],
    ),
    "grade": Command(
        "autograde submitted/, generate feedback, export, print the table",
        _grade,
        [
            arg("--force", action="store_true", help="regrade up-to-date submissions"),
            JOBS,
            arg(
                "--dask",
                nargs="?",
                const="local",
                metavar="SCHEDULER_ADDRESS",
                help="grade on Dask: a LocalCluster of --jobs workers, or this "
                "scheduler's",
            ),
            arg(
                "--kernel",
                help="grading kernelspec (default: nbgrader_config.py's, "
                "course-warm); course-sandbox-noplots skips drawing plots",
            ),
        ],
    ),
    "table": Command("print the grades table from the gradebook", _table),
    "variant": Command(
        "show a student's data of a lab and its reference answers",
        _variant,
        [arg("lab"), arg("student", help='student id ("" for the example data)')],
    ),
    "secret": Command(
        "write a new course secret to .course-secret (never over one)", _secret
    ),
    "lint-course": Command(
        "check the labs and checks against the course's rules", _lint
    ),
    "new-lab": Command(
        "create a lab from the template: notebook, checks, demo, mutants",
        _new_lab,
        [arg("name", help="the lab's id, e.g. 07_logistic_regression")],
    ),
    "mutants": Command(
        "grade each known mistake; fail if one keeps full marks",
        _mutants,
        [
            arg("--lab", help="only this lab's mutants"),
            JOBS,
            arg("--every", type=int, default=1, help="only every k-th mutant"),
        ],
    ),
    "lab": Command(
        "JupyterLab on a scratch copy of a released lab (students' view)",
        _lab,
        [arg("--lab", help="the lab to open (default: the first)"), PORT],
    ),
    "formgrader": Command(
        "JupyterLab with nbgrader's formgrader (instructors' view)",
        _formgrader,
        [PORT],
    ),
    "hub": Command(
        "a JupyterHub on this machine serving the course: system users for an "
        "instructor and two students, nbgrader's exchange, the labs released "
        "(as root)",
        _hub,
        [
            arg("--port", type=int, default=8000, help="the hub's port"),
            arg(
                "--remove-users",
                action="store_true",
                help="delete the users the hub made, with their homes, and stop",
            ),
        ],
    ),
    "bench": Command(
        "time grading: a synthetic class (class, the default), or warm kernels "
        "against normal ones per notebook (notebook) and a batch against stock "
        "serial nbgrader autograde (batch)",
        _bench,
        [
            arg(
                "what",
                nargs="?",
                default="class",
                choices=["class", "notebook", "batch"],
            ),
            arg("--lab", help="notebook, batch: the lab (default: the first)"),
            arg("--runs", type=int, default=5, help="notebook: runs per kernel"),
            arg("--students", type=int, default=100, help="batch: submissions"),
            arg("--per-lab", type=int, default=2, help="submissions per lab"),
            arg("--labs", nargs="+", help="these labs only (default: all)"),
            arg(
                "--jobs",
                type=int,
                nargs="+",
                default=[1, 2],
                help="worker counts (batch: the largest)",
            ),
            arg(
                "--kernel",
                action="append",
                help="grading kernelspec; repeat to compare (default: "
                "course-warm, then course-sandbox)",
            ),
            arg("--out", type=Path, default=Path("bench"), help="output folder"),
            arg("--dask", action="store_true", help="also grade on a Dask cluster"),
            arg("--db-url", help="also grade into this PostgreSQL gradebook"),
        ],
    ),
}

# Commands whose run time is worth printing at the end.
TIMED = {"demo", "grade", "bench"}


def default_course(cwd: Path | None = None) -> Path:
    """The course a command acts on without --course: the current folder when
    it is a course (nbgrader reads its nbgrader_config.py there too), else this
    repository. An instructor on the hub runs commands in ~/course."""
    here = Path.cwd() if cwd is None else cwd
    return here if (here / "nbgrader_config.py").is_file() else layout.ROOT


def parser() -> argparse.ArgumentParser:
    """The command line: `--course`, then one subcommand of `COMMANDS`."""
    top = argparse.ArgumentParser(prog="python -m coursekit", description=__doc__)
    top.add_argument(
        "--course",
        type=Path,
        default=None,
        help="the course folder, holding nbgrader_config.py (default: the current "
        "folder if it holds one, as for nbgrader, else this repository)",
    )
    sub = top.add_subparsers(dest="command", required=True)
    for name, command in COMMANDS.items():
        p = sub.add_parser(name, help=command.help)
        for flags, options in command.args:
            p.add_argument(*flags, **options)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    root = (args.course or default_course()).resolve()
    if getattr(args, "lab", None) and args.lab not in layout.labs(root):
        print(f"no lab {args.lab!r} in {root / 'source'}", file=sys.stderr)
        return 2
    start = time.monotonic()
    code = COMMANDS[args.command].run(args, root)
    if args.command in TIMED:
        print(f"done in {time.monotonic() - start:.1f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
