"""Is each warm kernel a fresh, sandboxed process, and does the service survive its kernels?

Kernels are started as nbgrader starts them (jupyter_client, the `course-warm`
kernelspec, unix sockets) from one service that lives for this module, in a
course folder outside /tmp so that its hidden folders are really there
(under /tmp the kernel's private /tmp hides the whole course).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from jupyter_client.manager import KernelManager
from nbgrader.api import Gradebook

import coursekit
from coursekit import demo, layout, nbgrader_app, release, report, sandbox
from coursekit.warm import lifecycle, protocol

from .course import make_course

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

STUDENT, OTHER, LAB = "alice", "bob", "01_lab"


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status


@pytest.fixture(scope="module")
def course() -> Iterator[Path]:
    """A course folder with every kind of thing a kernel must not see."""
    root = Path(tempfile.mkdtemp(prefix="warm-course-", dir="/var/tmp"))
    for folder in ("source", "solutions", "submitted", "feedback"):
        (root / folder / LAB).mkdir(parents=True)
        (root / folder / LAB / "secret.txt").write_text("the answer")
    for student in (STUDENT, OTHER):
        (root / "autograded" / student / LAB).mkdir(parents=True)
    (root / "autograded" / OTHER / LAB / "work.txt").write_text("bob's work")
    (root / "gradebook.db").write_text("grades")
    root.with_name(root.name + "-public.txt").write_text("readable")
    saved = {k: os.environ.get(k) for k in ("JUPYTER_PATH", "COURSEKIT_COURSE")}
    os.environ["JUPYTER_PATH"] = str(Path(coursekit.__file__).parent / "jupyter")
    os.environ["COURSEKIT_COURSE"] = str(root)
    yield root
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    shutil.rmtree(root)
    root.with_name(root.name + "-public.txt").unlink()


@pytest.fixture(scope="module")
def service(course) -> Iterator[Path]:
    with lifecycle.running() as path:
        assert path is not None
        protocol.ping(path)  # wait until its imports are done
        yield path


class Kernel:
    """A kernel started the way nbgrader starts one; `run` returns (stdout, error name)."""

    def __init__(self, workdir: Path, **launch) -> None:
        self.sockets = Path(tempfile.mkdtemp(prefix="warm-k-"))
        self.manager = KernelManager(
            kernel_name="course-warm", transport="ipc", ip=str(self.sockets / "kernel")
        )
        self.manager.start_kernel(cwd=str(workdir), **launch)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code: str, timeout: float = 60) -> tuple[str, str | None]:
        out, errors = [], []

        def hook(msg):
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                errors.append(msg["content"]["ename"])

        self.client.execute_interactive(code, output_hook=hook, timeout=timeout)
        return "".join(out), (errors[0] if errors else None)

    def close(self) -> None:
        self.client.stop_channels()
        if self.manager.is_alive():
            self.manager.shutdown_kernel(now=True)
        shutil.rmtree(self.sockets, ignore_errors=True)


@contextmanager
def kernel(course: Path, student: str = STUDENT, **launch) -> Iterator[Kernel]:
    k = Kernel(course / "autograded" / student / LAB, **launch)
    try:
        yield k
    finally:
        k.close()


def test_globals_and_monkeypatching_do_not_reach_the_next_kernel(course, service):
    """Does a student's patch of torch, numpy or builtins stay in their own kernel?"""
    patch = (
        "import builtins, numpy, torch\nbuiltins.LEAKED = 1\n"
        "torch.allclose = lambda *a, **k: True\nnumpy.pi = 3\nprint('patched')"
    )
    with kernel(course) as k:
        assert k.run(patch) == ("patched\n", None)
    with kernel(course) as k:
        out, error = k.run(
            "import builtins, numpy, torch\n"
            "print(hasattr(builtins, 'LEAKED'), torch.allclose(torch.ones(1), torch.zeros(1)), numpy.pi)"
        )
    assert (out, error) == (f"False False {__import__('numpy').pi}\n", None)


def test_a_crash_leaves_the_service_and_the_next_kernel_alive(course, service):
    """After os._exit and a segfault in kernels, does the same service still fork good ones?"""
    before = protocol.ping(service)["pong"]
    for crash in ("import os; os._exit(1)", "import ctypes; ctypes.string_at(0)"):
        with kernel(course) as k:
            k.client.execute(crash)  # the kernel dies mid-cell
            deadline = time.monotonic() + 10
            while k.manager.is_alive() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not k.manager.is_alive()
    assert protocol.ping(service)["pong"] == before
    with kernel(course) as k:
        assert k.run("print(1 + 1)") == ("2\n", None)


SANDBOX_PROBE = """
import os, socket, signal
course = os.environ["COURSEKIT_COURSE"]
def attempt(what, action):
    try:
        action()
        print(what, "ALLOWED")
    except OSError as error:
        print(what, "blocked", type(error).__name__)
print("course", sorted(os.path.relpath(d, course) for d, _, _ in os.walk(course)))
print("repository", sorted(os.listdir("REPO")))
try:
    import grader_tests
    print("checks IMPORTED", grader_tests.__file__)
except ImportError as error:
    print("checks", type(error).__name__)
print("public", open(course + "-public.txt").read())
attempt("write course", lambda: open(os.path.join(course, "grades.csv"), "w"))
attempt("write etc", lambda: open("/etc/owned", "w"))
attempt("network", lambda: socket.create_connection(("1.1.1.1", 80), timeout=2))
attempt("kill service", lambda: os.kill(SERVICE, signal.SIGKILL))
open("answer.txt", "w").write("mine")
open("/tmp/scratch", "w").write("mine")
status = dict(l.split(":", 1) for l in open("/proc/self/status").read().splitlines())
print("pid", os.getpid(), "processes", sorted(int(p) for p in os.listdir("/proc") if p.isdigit()))
print("caps", status["CapEff"].strip(), status["CapBnd"].strip(), status["NoNewPrivs"].strip())
"""


def test_the_kernel_is_sandboxed(course, service):
    """Can a kernel see hidden folders, write outside its folder, reach the network or kill the service?"""
    pid = protocol.ping(service)["pong"]
    with kernel(course) as k:
        probe = SANDBOX_PROBE.replace("SERVICE", str(pid))
        out, error = k.run(probe.replace("REPO", str(layout.ROOT)))
    assert error is None, out
    lines = out.splitlines()
    # nothing of the course but the way to the kernel's own folder: no sources,
    # solutions, other students, gradebook
    own = ["autograded", f"autograded/{STUDENT}", f"autograded/{STUDENT}/{LAB}"]
    assert f"course {['.', *own]}" in lines
    # of the repository, only the Python it runs and coursekit (the judge's client)
    code = {
        p.relative_to(layout.ROOT).parts[0]
        for p in sandbox.code_paths()
        if layout.ROOT in p.parents
    }
    assert "coursekit" in code and f"repository {sorted(code)}" in lines
    assert "checks ModuleNotFoundError" in lines
    assert "public readable" in lines  # the rest of the machine stays readable
    assert "write course blocked OSError" in lines
    assert "write etc blocked OSError" in lines
    assert "network blocked OSError" in lines
    assert "kill service blocked ProcessLookupError" in lines
    assert "pid 1 processes [1]" in lines  # alone in its pid namespace
    assert "caps 0000000000000000 0000000000000000 1" in lines
    assert (course / "autograded" / STUDENT / LAB / "answer.txt").read_text() == "mine"
    assert not (course / "grades.csv").exists()
    assert not Path("/etc/owned").exists()
    assert _alive(pid)


def test_code_handed_in_beside_the_notebook_cannot_replace_the_grader(course, service):
    """A submission folder with its own `coursekit` package: is it neither run by
    the launcher nor what the hidden test cells import the judge's client from?
    (A `grader_tests` handed in is the student's own module: it decides nothing.)"""
    workdir = course / "autograded" / "mallory" / LAB
    marker = course / "launcher-replaced"
    for package in ("coursekit", "coursekit/warm", "grader_tests"):
        (workdir / package).mkdir(parents=True)
        (workdir / package / "__init__.py").write_text("FAKE = True\n")
    (workdir / "coursekit" / "warm" / "launch.py").write_text(
        f"open({str(marker)!r}, 'w').write('unsandboxed, as root')\n"
    )
    with kernel(course, "mallory") as k:
        out = k.run(
            "from coursekit import judge\nimport coursekit\n"
            "print(hasattr(coursekit, 'FAKE'), judge.check.__module__)"
        )
    assert out == ("False coursekit.judge.client\n", None)
    assert not marker.exists()


RANDOM_STATE = """
import random, numpy, torch
print(random.random(), numpy.random.rand(), torch.initial_seed(), torch.rand(1).item())
"""


def test_each_kernel_has_fresh_random_state(course, service):
    """Do two kernels draw different numbers from random, numpy and torch, as two new processes would?"""
    draws = []
    for _ in range(2):
        with kernel(course) as k:
            out, error = k.run(RANDOM_STATE)
        assert error is None, out
        draws.append(out.split())
    # torch 2.13 seeds its default generator at random in a new process, so
    # fresh means "different in each kernel", as for random and numpy.
    assert all(a != b for a, b in zip(*draws, strict=True)), draws


def test_thread_pools_work_in_a_forked_kernel(course, service):
    """Does a multi-threaded matmul (torch and numpy) finish in a forked kernel?"""
    # what a fresh interpreter picks (other tests may have changed this process's)
    fresh = subprocess.run(
        [sys.executable, "-c", "import torch; print(torch.get_num_threads())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    code = (
        "import numpy, torch\na = torch.rand(1500, 1500)\nb = numpy.random.rand(800, 800)\n"
        "print(torch.get_num_threads(), (a @ a).shape[0], (b @ b).shape[0])"
    )
    with kernel(course) as k:
        assert k.run(code, timeout=30) == (f"{fresh} 1500 800\n", None)


def test_interrupt_stops_the_cell_not_the_kernel(course, service):
    """Does an interrupt (SIGINT to the launcher, as nbclient sends it) end an endless loop?"""
    with kernel(course) as k:
        k.run("x = 41")
        msg_id = k.client.execute("while True:\n    pass")
        time.sleep(2)
        k.manager.interrupt_kernel()
        reply = k.client.get_shell_msg(timeout=20)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        while True:  # the interrupted cell's last messages, before the next cell's
            msg = k.client.get_iopub_msg(timeout=20)
            if (
                msg["parent_header"].get("msg_id") == msg_id
                and msg["content"].get("execution_state") == "idle"
            ):
                break
        assert k.run("print(x + 1)") == ("42\n", None)


def test_a_killed_launcher_takes_its_kernel_along(course, service):
    """When the launcher is killed, does the service's side of that kernel end too?"""
    with kernel(course) as k:
        k.run("1")
        assert protocol.ping(service)["children"] >= 1
        os.kill(k.manager.provisioner.process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 15
        while protocol.ping(service)["children"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert protocol.ping(service)["children"] == 0


def test_a_thousand_forks_keep_the_service_memory_flat(service):
    """Does the service's memory stay flat over 1,000 forks (children that end at once)?"""
    before = protocol.ping(service)
    for _ in range(1000):
        with protocol.connect(service, timeout=30) as sock:
            protocol.send(sock, {"kind": "probe"})
            assert protocol.receive(sock) == {"exit": 0}
    deadline = time.monotonic() + 10
    while protocol.ping(service)["children"] and time.monotonic() < deadline:
        time.sleep(0.1)
    after = protocol.ping(service)
    print(
        f"service RSS before {before['rss_kb']} kB, after 1000 forks {after['rss_kb']} kB"
    )
    assert after["forks"] - before["forks"] == 1000
    assert after["children"] == 0  # every child reaped
    assert after["rss_kb"] - before["rss_kb"] < 4 * 1024


def test_without_a_service_the_launcher_warns_and_runs_a_sandbox_kernel(
    course, tmp_path
):
    """With the batch's service gone, does the kernel still run (in the bwrap sandbox) with a warning?"""
    env = {
        **os.environ,
        protocol.ENV_SOCKET: str(tmp_path / "gone.sock"),
        "COURSEKIT_SANDBOX_DEBUG": "1",
    }
    with (tmp_path / "stderr").open("w") as stderr:
        with kernel(course, env=env, stderr=stderr) as k:
            assert k.run(
                "import os\nprint(os.listdir(os.environ['COURSEKIT_COURSE']))"
            ) == (
                "['autograded']\n",
                None,
            )  # the course hidden, but the kernel's way in
    log = (tmp_path / "stderr").read_text()
    assert "coursekit.warm: no warm kernel" in log
    assert "runs in a normal sandbox kernel instead" in log
    assert "coursekit.sandbox: " in log  # the bwrap sandbox took over


LAB01 = "01_gd_from_scratch"


def _autograde(root: Path, student: str) -> tuple[str, set[str]]:
    """Autograde one demo submission; return nbgrader's log and the cells it lost."""
    result = nbgrader_app.run(
        ["autograde", LAB01, "--student", student, "--force"], root
    )
    assert result.ok, result.log
    with Gradebook(layout.gradebook_url(root)) as gb:
        cells = report.cell_scores(gb, LAB01, student)
    return result.log, {name for name, (score, top) in cells.items() if score < top}


def test_a_dead_service_falls_back_and_the_next_batch_gets_a_new_one(tmp_path):
    """Service killed mid-batch: the grades a sandbox kernel gives, with a
    warning; the next batch: a new service; after it: nothing left running."""
    root = make_course(tmp_path)
    release.release(LAB01, root)
    demo.collect(root, labs={LAB01}, students={"sum_not_mean"})
    loses = {
        s.student: set(s.loses) for s in demo.load(root / "demo") if s.lab == LAB01
    }
    outer = os.environ.pop(protocol.ENV_SOCKET, None)  # this module's own service
    try:
        with lifecycle.running() as path:
            first = protocol.ping(path)["pong"]
            os.kill(first, signal.SIGKILL)
            log, lost = _autograde(root, "sum_not_mean")
        assert "coursekit.warm: no warm kernel" in log
        assert lost == loses["sum_not_mean"]
        with lifecycle.running() as path:
            second = protocol.ping(path)["pong"]
            with protocol.connect(path, timeout=30) as sock:  # it forks
                protocol.send(sock, {"kind": "probe"})
                assert protocol.receive(sock) == {"exit": 0}
        assert second != first
    finally:
        if outer:
            os.environ[protocol.ENV_SOCKET] = outer
    assert not _alive(second)
    assert not path.parent.exists()
    leftovers = [
        p
        for p in Path("/proc").glob("[0-9]*/cmdline")
        if str(path).encode() in p.read_bytes()
    ]
    assert leftovers == []


def test_a_batch_killed_with_its_service_leaves_no_folder_behind(tmp_path):
    """A batch killed outright cannot clean up: does the next one remove what it left?"""
    stale, live = tmp_path / "coursekit-warm-stale", tmp_path / "coursekit-warm-live"
    stale.mkdir()
    live.mkdir()
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as dead:
        dead.bind(str(stale / "service.sock"))  # bound, never listening: refused
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as alive:
        alive.bind(str(live / "service.sock"))
        alive.listen()
        lifecycle.remove_stale(tmp_path)
    assert not stale.exists()
    assert live.exists()


def test_an_on_demand_service_exits_when_idle(course, tmp_path):
    """Without a batch, does the launcher start a service that ends by itself when idle?"""
    short = Path(tempfile.mkdtemp(prefix="w-"))  # unix socket paths must be short
    env = {k: v for k, v in os.environ.items() if k != protocol.ENV_SOCKET}
    env |= {"TMPDIR": str(short), protocol.ENV_IDLE: "1"}
    code = "from coursekit.warm import protocol; print(protocol.default_socket())"
    path = Path(
        subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            text=True,
            capture_output=True,
            check=True,
        ).stdout.strip()
    )
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        with kernel(course) as k:
            assert k.run("print('ok')") == ("ok\n", None)
        pid = protocol.ping(path)["pong"]
    finally:
        os.environ.clear()
        os.environ.update(saved)
    deadline = time.monotonic() + 20
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(pid)
    assert not path.exists()
    shutil.rmtree(short, ignore_errors=True)
