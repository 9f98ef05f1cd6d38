"""The grading kernel's limits, checked in a child process of their own."""

from __future__ import annotations

import subprocess
import sys

import pytest

from coursekit import sandbox

# Runs the real nbgrader, kernels or a browser: left out of `make test-quick`.
pytestmark = pytest.mark.slow

FORKS = """
import os, sys, time
from coursekit import sandbox
problem = sandbox.limit_processes({cap})
assert problem is None, problem
started = 0
try:
    for _ in range(200):
        if os.fork() == 0:
            time.sleep(1)
            os._exit(0)
        started += 1
except BlockingIOError:
    pass
print(started)
"""


def _forks_allowed(cap: int) -> int:
    code = FORKS.format(cap=cap)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout)


@pytest.mark.skipif(sandbox.pids_cgroup_root() is None, reason="no pids cgroup here")
def test_process_cap_stops_forks_at_the_limit():
    """A process capped at n may have n - 1 children alive at once, and no more."""
    assert _forks_allowed(10) == 9
    assert _forks_allowed(30) == 29


@pytest.mark.skipif(sandbox.pids_cgroup_root() is None, reason="no pids cgroup here")
def test_ended_kernels_cgroups_are_removed():
    """Cgroups of kernels that have ended are swept; no folder per kernel piles up."""
    _forks_allowed(10)
    _forks_allowed(10)
    parent = sandbox.pids_cgroup_root() / "coursekit"
    for _ in range(3):  # a kernel of another test may end between sweep and look
        sandbox.remove_ended_cgroups()
        ended = [
            p for p in parent.glob("kernel-*") if not (p / "cgroup.procs").read_text()
        ]
        if not ended:
            break
    assert ended == []


def test_limits_are_only_ever_lowered():
    """apply_limits never raises a hard limit the grader was started with."""
    import resource

    code = (
        "import resource; resource.setrlimit(resource.RLIMIT_CPU, (100, 100));"
        "from coursekit import sandbox; sandbox.apply_limits();"
        "print(resource.getrlimit(resource.RLIMIT_CPU))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "(100, 100)"
    assert resource.RLIMIT_CPU in {which for which, _, _ in sandbox.LIMITS}
